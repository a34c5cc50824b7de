/* ss-process-scan.c — which process holds each socket, as `ss -p` finds it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ss-process-scan.h"

struct _SsProcessScan
{
  GHashTable   *owners;   /* inode → SsSocketOwner */
  GStringChunk *names;
  guint         n_hidden; /* processes whose descriptors we may not read */
};

static const char *
read_comm (SsProcessScan *self,
           int            pid_dir)
{
  char comm[64];
  int fd = openat (pid_dir, "comm", O_RDONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return "?";
  n = read (fd, comm, sizeof comm - 1);
  close (fd);
  if (n <= 0)
    return "?";
  comm[n] = '\0';
  comm[strcspn (comm, "\n")] = '\0';
  return g_string_chunk_insert_const (self->names, comm);
}

static void
scan_process (SsProcessScan *self,
              int            proc_dir,
              const char    *pid_name)
{
  g_autofree char *fd_path = g_strconcat (pid_name, "/fd", NULL);
  int pid = atoi (pid_name);
  const char *comm = NULL;
  int pid_dir;
  int fd_dir_fd;
  DIR *fd_dir;
  struct dirent *entry;

  /* The process may exit at any moment: every failure below means "it
   * is gone" or "not ours to read", never an error to show. */
  fd_dir_fd = openat (proc_dir, fd_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_dir_fd < 0)
    {
      if (errno == EACCES || errno == EPERM)
        self->n_hidden++;
      return;
    }
  fd_dir = fdopendir (fd_dir_fd);
  if (fd_dir == NULL)
    {
      close (fd_dir_fd);
      return;
    }
  pid_dir = openat (proc_dir, pid_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  while ((entry = readdir (fd_dir)) != NULL)
    {
      char link[64];
      ssize_t n;
      guint32 inode;
      SsSocketOwner *owner;

      if (entry->d_name[0] == '.')
        continue;
      n = readlinkat (fd_dir_fd, entry->d_name, link, sizeof link - 1);
      if (n < 9 || memcmp (link, "socket:[", 8) != 0)
        continue;
      link[n] = '\0';
      inode = strtoul (link + 8, NULL, 10);

      owner = g_hash_table_lookup (self->owners, GUINT_TO_POINTER (inode));
      if (owner != NULL)
        {
          if (owner->pid != pid)
            owner->n_more++;
          continue;
        }
      if (comm == NULL)
        comm = pid_dir >= 0 ? read_comm (self, pid_dir) : "?";
      owner = g_new0 (SsSocketOwner, 1);
      owner->pid = pid;
      owner->name = comm;
      g_hash_table_insert (self->owners, GUINT_TO_POINTER (inode), owner);
    }
  if (pid_dir >= 0)
    close (pid_dir);
  closedir (fd_dir);
}

/**
 * ss_process_scan_new:
 *
 * Reads /proc/PID/fd of every process this one may look into and notes
 * which holds each socket inode. Blocks: call it from a worker thread.
 * Without privileges only this user's processes are read; the others are
 * counted (ss_process_scan_get_n_hidden()).
 */
SsProcessScan *
ss_process_scan_new (void)
{
  SsProcessScan *self = g_new0 (SsProcessScan, 1);
  DIR *proc;
  struct dirent *entry;

  self->owners = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->names = g_string_chunk_new (4096);

  proc = opendir ("/proc");
  if (proc == NULL)
    return self;
  while ((entry = readdir (proc)) != NULL)
    if (g_ascii_isdigit (entry->d_name[0]))
      scan_process (self, dirfd (proc), entry->d_name);
  closedir (proc);
  return self;
}

void
ss_process_scan_free (SsProcessScan *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->owners);
  g_string_chunk_free (self->names);
  g_free (self);
}

/* Returns: (nullable): the first process found holding the socket */
const SsSocketOwner *
ss_process_scan_lookup (SsProcessScan *self,
                        guint32        inode)
{
  return inode ? g_hash_table_lookup (self->owners, GUINT_TO_POINTER (inode)) : NULL;
}

/* How many processes could not be read (another user's, without
 * privileges): a socket with no owner found may be theirs. */
guint
ss_process_scan_get_n_hidden (SsProcessScan *self)
{
  return self->n_hidden;
}
