/* test-sock-diag.c — the machine's sockets from NETLINK_SOCK_DIAG, their
 * owners from /proc, snapshots compared, filtered and sorted; checked on
 * sockets the test makes itself and against `ss`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ss-error.h"
#include "ss-system-format.h"
#include "ss-system-model.h"
#include "ss-test-util.h"

/* A socket of the test's own and the inode the kernel gave it */
static guint32
inode_of (int fd)
{
  struct stat st;

  g_assert_no_errno (fstat (fd, &st));
  return st.st_ino;
}

static const SsSystemEntry *
find (SsSystemSnapshot *snapshot,
      int               fd)
{
  const SsSystemEntry *entry = ss_system_snapshot_find_inode (snapshot, inode_of (fd));

  if (entry == NULL)
    g_error ("fd %d (inode %u) is not in the dump", fd, inode_of (fd));
  return entry;
}

static int
unix_socket (int         type,
             const char *name,
             gboolean    abstract,
             gboolean    listen_too)
{
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  socklen_t len;
  int fd = socket (AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

  g_assert_cmpint (fd, >=, 0);
  if (abstract)
    {
      memcpy (address.sun_path + 1, name, strlen (name));
      len = offsetof (struct sockaddr_un, sun_path) + 1 + strlen (name);
    }
  else
    {
      g_strlcpy (address.sun_path, name, sizeof address.sun_path);
      len = sizeof address;
    }
  g_assert_no_errno (bind (fd, (struct sockaddr *) &address, len));
  if (listen_too)
    g_assert_no_errno (listen (fd, 7));
  return fd;
}

typedef struct
{
  int tcp_listener, tcp_client, tcp_server;
  int udp;
  int unix_listener, unix_pair[2], abstract;
  guint16 tcp_port, udp_port;
  char *dir, *path, *abstract_name;
} Sockets;

static void
sockets_open (Sockets *s)
{
  s->tcp_listener = ss_test_raw_listener (AF_INET, 0, &s->tcp_port);
  s->tcp_client = ss_test_raw_connect (AF_INET, s->tcp_port, SS_TEST_TIMEOUT_MS);
  s->tcp_server = ss_test_raw_accept (s->tcp_listener, SS_TEST_TIMEOUT_MS);
  /* 1000 bytes the server never reads: its receive queue */
  {
    g_autofree char *bytes = g_strnfill (1000, 'x');
    ss_test_raw_send_all (s->tcp_client, bytes, 1000, SS_TEST_TIMEOUT_MS);
  }
  s->udp = ss_test_raw_udp_socket (AF_INET6, &s->udp_port);

  s->dir = g_dir_make_tmp ("sockscope-diag-XXXXXX", NULL);
  s->path = g_build_filename (s->dir, "listener", NULL);
  s->unix_listener = unix_socket (SOCK_STREAM, s->path, FALSE, TRUE);
  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s->unix_pair));
  g_assert_cmpint (write (s->unix_pair[0], "hello", 5), ==, 5);
  s->abstract_name = g_strdup_printf ("sockscope-test-%d", getpid ());
  s->abstract = unix_socket (SOCK_DGRAM, s->abstract_name, TRUE, FALSE);
}

static void
sockets_close (Sockets *s)
{
  int fds[] = { s->tcp_server, s->tcp_client, s->tcp_listener, s->udp, s->unix_listener,
                s->unix_pair[0], s->unix_pair[1], s->abstract };

  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    close (fds[i]);
  unlink (s->path);
  rmdir (s->dir);
  g_free (s->path);
  g_free (s->dir);
  g_free (s->abstract_name);
}

static void
test_own_sockets (void)
{
  Sockets s = { 0 };
  g_autoptr(SsSystemSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *local = NULL;
  g_autofree char *peer = NULL;
  g_autofree char *abstract = NULL;
  const SsSystemEntry *e;

  sockets_open (&s);
  snapshot = ss_system_snapshot_take (NULL, &error);
  g_assert_no_error (error);

  e = find (snapshot, s.tcp_listener);
  g_assert_cmpint (e->record.family, ==, AF_INET);
  g_assert_cmpint (e->record.proto, ==, SS_SOCK_PROTO_TCP);
  g_assert_cmpstr (ss_sock_state_name (e->record.state), ==, "LISTEN");
  local = g_strdup_printf ("127.0.0.1:%u", s.tcp_port);
  g_assert_cmpstr (e->local_text, ==, local);
  g_assert_cmpstr (e->peer_text, ==, "0.0.0.0:*");
  g_assert_cmpint (e->pid, ==, getpid ());
  g_assert_cmpuint (e->record.uid, ==, getuid ());
  g_assert_false (e->owner_hidden);

  e = find (snapshot, s.tcp_server);
  g_assert_cmpstr (ss_sock_state_name (e->record.state), ==, "ESTAB");
  g_assert_cmpstr (e->local_text, ==, local);
  peer = g_strdup_printf ("127.0.0.1:%u", ss_test_fd_local_port (s.tcp_client));
  g_assert_cmpstr (e->peer_text, ==, peer);
  g_assert_cmpuint (e->record.rqueue, ==, 1000);
  g_assert_true (e->record.has_tcp);
  g_assert_cmpuint (e->record.tcp.bytes_received, ==, 1000);
  g_assert_cmpuint (e->record.tcp.snd_cwnd, >, 0);
  g_assert_cmpint (e->pid, ==, getpid ());

  e = find (snapshot, s.tcp_client);
  g_assert_cmpuint (e->record.tcp.bytes_acked, >=, 1000);
  g_assert_cmpuint (e->record.tcp.rtt_us, >, 0);
  g_assert_cmpuint (e->record.wqueue, ==, 0);

  e = find (snapshot, s.udp);
  g_assert_cmpint (e->record.family, ==, AF_INET6);
  g_assert_cmpint (e->record.proto, ==, SS_SOCK_PROTO_UDP);
  g_assert_cmpstr (ss_sock_state_name (e->record.state), ==, "UNCONN");
  g_assert_false (e->record.has_tcp);
  {
    g_autofree char *udp = g_strdup_printf ("[::1]:%u", s.udp_port);
    g_assert_cmpstr (e->local_text, ==, udp);
  }

  e = find (snapshot, s.unix_listener);
  g_assert_cmpint (e->record.family, ==, AF_UNIX);
  g_assert_cmpint (e->record.proto, ==, SS_SOCK_PROTO_UNIX_STREAM);
  g_assert_cmpstr (ss_sock_state_name (e->record.state), ==, "LISTEN");
  g_assert_cmpstr (e->local_text, ==, s.path);
  g_assert_cmpuint (e->record.wqueue, ==, 7);  /* a listener's backlog */

  e = find (snapshot, s.unix_pair[1]);
  g_assert_cmpstr (ss_sock_state_name (e->record.state), ==, "ESTAB");
  g_assert_cmpuint (e->record.rqueue, ==, 5);
  g_assert_cmpuint (e->record.peer_inode, ==, inode_of (s.unix_pair[0]));
  g_assert_cmpint (e->pid, ==, getpid ());

  e = find (snapshot, s.abstract);
  g_assert_cmpint (e->record.proto, ==, SS_SOCK_PROTO_UNIX_DGRAM);
  abstract = g_strconcat ("@", s.abstract_name, NULL);
  g_assert_cmpstr (e->local_text, ==, abstract);

  /* a raw socket, where this process may make one (root) and the kernel
   * has raw_diag */
  {
    int raw = socket (AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);

    if (raw >= 0)
      {
        g_autoptr(SsSystemSnapshot) again = ss_system_snapshot_take (NULL, NULL);
        const SsSystemEntry *r = ss_system_snapshot_find_inode (again, inode_of (raw));

        if (r != NULL)
          {
            g_assert_cmpint (r->record.proto, ==, SS_SOCK_PROTO_RAW);
            g_assert_cmpint (r->pid, ==, getpid ());
          }
        else
          g_test_message ("no raw socket in the dump: this kernel has no raw_diag");
        close (raw);
      }
  }

  sockets_close (&s);
}

/* `ss`'s own words for a socket: the line that names its inode */
static char **
ss_line (const char *output,
         guint32     inode,
         gboolean    is_unix)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);
  g_autofree char *needle = is_unix ? g_strdup_printf (" %u ", inode) : g_strdup_printf ("ino:%u ", inode);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL)
      {
        g_autoptr(GRegex) spaces = g_regex_new (" +", 0, 0, NULL);
        g_autofree char *line = g_regex_replace_literal (spaces, g_strstrip (lines[i]), -1, 0, " ", 0, NULL);
        return g_strsplit (line, " ", -1);
      }
  g_error ("ss has no line for inode %u", inode);
  return NULL;
}

static void
check_against_ss (SsSystemSnapshot *snapshot,
                  const char       *output,
                  int               fd)
{
  const SsSystemEntry *e = find (snapshot, fd);
  gboolean is_unix = e->record.family == AF_UNIX;
  g_auto(GStrv) f = ss_line (output, e->record.inode, is_unix);
  g_autofree char *rq = g_strdup_printf ("%u", e->record.rqueue);
  g_autofree char *wq = g_strdup_printf ("%u", e->record.wqueue);

  /* Netid State Recv-Q Send-Q Local [inode] Peer [inode] … */
  g_assert_cmpuint (g_strv_length (f), >=, 6);
  g_assert_cmpstr (f[1], ==, ss_sock_state_name (e->record.state));
  g_assert_cmpstr (f[2], ==, rq);
  g_assert_cmpstr (f[3], ==, wq);
  g_assert_cmpstr (f[4], ==, e->local_text);
  if (!is_unix)
    g_assert_cmpstr (f[5], ==, e->peer_text);
  else
    g_assert_cmpuint (strtoul (f[7], NULL, 10), ==, e->record.peer_inode);
}

static void
test_against_ss (void)
{
  Sockets s = { 0 };
  g_autoptr(SsSystemSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *inet = NULL;
  g_autofree char *unix_out = NULL;
  const char *inet_argv[] = { "ss", "-H", "-a", "-n", "-e", "-t", "-u", NULL };
  const char *unix_argv[] = { "ss", "-H", "-a", "-n", "-x", NULL };
  g_autofree char *ss = g_find_program_in_path ("ss");

  if (ss == NULL)
    {
      g_test_skip ("no ss (iproute2) to compare with");
      return;
    }
  sockets_open (&s);
  snapshot = ss_system_snapshot_take (NULL, &error);
  g_assert_no_error (error);
  g_spawn_sync (NULL, (char **) inet_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &inet, NULL, NULL, &error);
  g_assert_no_error (error);
  g_spawn_sync (NULL, (char **) unix_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &unix_out, NULL, NULL, &error);
  g_assert_no_error (error);

  check_against_ss (snapshot, inet, s.tcp_listener);
  check_against_ss (snapshot, inet, s.tcp_server);
  check_against_ss (snapshot, inet, s.tcp_client);
  check_against_ss (snapshot, inet, s.udp);
  check_against_ss (snapshot, unix_out, s.unix_listener);
  check_against_ss (snapshot, unix_out, s.unix_pair[0]);
  check_against_ss (snapshot, unix_out, s.unix_pair[1]);
  check_against_ss (snapshot, unix_out, s.abstract);
  sockets_close (&s);
}

/* A child's socket is the child's; once the child is gone, nobody's */
static void
test_other_process (void)
{
  int pair[2];
  pid_t child;
  g_autoptr(SsSystemSnapshot) snapshot = NULL;
  g_autoptr(SsSystemSnapshot) after = NULL;
  const SsSystemEntry *e;
  guint32 inode;
  char byte;

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair));
  inode = inode_of (pair[1]);
  child = fork ();
  if (child == 0)
    {
      /* keeps pair[1], waits for the parent to close its end */
      close (pair[0]);
      (void) write (pair[1], "r", 1);
      (void) read (pair[1], &byte, 1);
      _exit (0);
    }
  close (pair[1]);
  g_assert_cmpint (read (pair[0], &byte, 1), ==, 1);

  snapshot = ss_system_snapshot_take (NULL, NULL);
  e = ss_system_snapshot_find_inode (snapshot, inode);
  g_assert_nonnull (e);
  g_assert_cmpint (e->pid, ==, child);
  g_assert_cmpstr (e->process, ==, "test-sock-diag");

  close (pair[0]);
  g_assert_cmpint (waitpid (child, NULL, 0), ==, child);
  after = ss_system_snapshot_take (snapshot, NULL);
  g_assert_null (ss_system_snapshot_find_inode (after, inode));
}

/* Without privileges another user's processes cannot be read: their
 * sockets say so, and never name a wrong owner. As root, a child that
 * became "nobody" looks at the test's own sockets. */
static void
test_unprivileged (void)
{
  int pair[2];
  guint32 inode;
  pid_t child;
  int status;

  if (getuid () != 0)
    {
      g_test_skip ("needs root, to become another user");
      return;
    }
  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair));
  inode = inode_of (pair[0]);
  child = fork ();
  if (child == 0)
    {
      g_autoptr(SsSystemSnapshot) snapshot = NULL;
      const SsSystemEntry *e;

      /* only the parent holds the pair now */
      close (pair[0]);
      close (pair[1]);
      if (setgid (65534) < 0 || setuid (65534) < 0)
        _exit (2);
      snapshot = ss_system_snapshot_take (NULL, NULL);
      if (snapshot == NULL)
        _exit (3);
      e = ss_system_snapshot_find_inode (snapshot, inode);
      if (e == NULL)
        _exit (4);
      if (e->pid != 0 || e->process != NULL)
        _exit (5);  /* a wrong owner: it holds nothing */
      if (!e->owner_hidden || ss_system_snapshot_get_n_hidden (snapshot) == 0)
        _exit (6);
      {
        g_autofree char *text = ss_system_entry_format (e, SS_SYSTEM_COLUMN_PROCESS);
        _exit (strstr (text, "root") != NULL ? 0 : 7);
      }
    }
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  close (pair[0]);
  close (pair[1]);
}

/* Processes that come and go while /proc is read: every socket has its
 * real owner or none, and nothing is printed (criticals are fatal). */
static void
test_vanishing_processes (void)
{
  int pair[2];
  guint32 inode;
  pid_t children[20];

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair));
  inode = inode_of (pair[0]);
  for (guint round = 0; round < 10; round++)
    {
      g_autoptr(SsSystemSnapshot) snapshot = NULL;
      const SsSystemEntry *e;

      for (guint i = 0; i < G_N_ELEMENTS (children); i++)
        {
          children[i] = fork ();
          if (children[i] == 0)
            {
              /* each child holds the pair for a moment, then exits */
              usleep (g_random_int_range (0, 3000));
              _exit (0);
            }
        }
      snapshot = ss_system_snapshot_take (NULL, NULL);
      e = ss_system_snapshot_find_inode (snapshot, inode);
      g_assert_nonnull (e);
      /* the first process holding it in /proc order: ours or a child's */
      {
        gboolean ok = e->pid == getpid ();
        for (guint i = 0; i < G_N_ELEMENTS (children); i++)
          ok = ok || e->pid == children[i];
        g_assert_true (ok);
      }
      for (guint i = 0; i < G_N_ELEMENTS (children); i++)
        g_assert_cmpint (waitpid (children[i], NULL, 0), ==, children[i]);
    }
  close (pair[0]);
  close (pair[1]);
}

/* New, changed and removed, each for one refresh */
static void
test_changes (void)
{
  g_autoptr(SsSystemSnapshot) first = NULL;
  g_autoptr(SsSystemSnapshot) second = NULL;
  g_autoptr(SsSystemSnapshot) third = NULL;
  guint16 port;
  int listener = ss_test_raw_listener (AF_INET, 0, &port);
  int client = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  int server = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
  int fresh;
  guint32 listener_inode = inode_of (listener);
  guint32 gone_inode;
  guint n_removed = 0;
  guint16 udp_port;

  first = ss_system_snapshot_take (NULL, NULL);
  g_assert_cmpint (find (first, client)->change, ==, SS_SYSTEM_SAME);

  gone_inode = inode_of (listener);
  close (listener);
  ss_test_raw_send_all (client, "data", 4, SS_TEST_TIMEOUT_MS);
  fresh = ss_test_raw_udp_socket (AF_INET, &udp_port);
  second = ss_system_snapshot_take (first, NULL);
  g_assert_cmpint (find (second, fresh)->change, ==, SS_SYSTEM_NEW);
  g_assert_cmpint (find (second, server)->change, ==, SS_SYSTEM_CHANGED);
  for (guint i = 0; i < ss_system_snapshot_get_n_entries (second); i++)
    {
      const SsSystemEntry *e = ss_system_snapshot_get_entry (second, i);
      if (e->record.inode == gone_inode && e->change == SS_SYSTEM_REMOVED)
        {
          n_removed++;
          g_assert_cmpint (e->pid, ==, getpid ());
        }
    }
  g_assert_cmpuint (n_removed, ==, 1);
  g_assert_null (ss_system_snapshot_find_inode (second, listener_inode));

  /* unsorted, rows stay in the order first seen: after the new socket
   * come only sockets as new as it (other programs' too) */
  {
    SsSystemQuery unsorted = { 0 };
    g_autoptr(SsSystemResult) result = ss_system_query_run (&unsorted, second);
    gboolean after = FALSE;

    for (guint i = 0; i < result->order->len; i++)
      {
        const SsSystemEntry *e = ss_system_snapshot_get_entry (second, g_array_index (result->order, guint, i));

        if (after)
          g_assert_cmpint (e->change, ==, SS_SYSTEM_NEW);
        after = after || e->record.inode == inode_of (fresh);
      }
    g_assert_true (after);
  }

  third = ss_system_snapshot_take (second, NULL);
  g_assert_cmpint (find (third, fresh)->change, ==, SS_SYSTEM_SAME);
  g_assert_cmpint (find (third, server)->change, ==, SS_SYSTEM_SAME);
  for (guint i = 0; i < ss_system_snapshot_get_n_entries (third); i++)
    g_assert_cmpuint (ss_system_snapshot_get_entry (third, i)->record.inode, !=, gone_inode);

  close (fresh);
  close (client);
  close (server);
}

static gboolean
result_has (SsSystemResult *result,
            int             fd)
{
  guint32 inode = inode_of (fd);

  for (guint i = 0; i < result->order->len; i++)
    if (ss_system_snapshot_get_entry (result->snapshot, g_array_index (result->order, guint, i))->record.inode == inode)
      return TRUE;
  return FALSE;
}

static void
test_query (void)
{
  Sockets s = { 0 };
  g_autoptr(SsSystemSnapshot) snapshot = NULL;
  SsSystemQuery query = { 0 };
  g_autofree char *port = NULL;

  sockets_open (&s);
  snapshot = ss_system_snapshot_take (NULL, NULL);

  port = g_strdup_printf ("%u", s.tcp_port);
  query.text = port;
  {
    g_autoptr(SsSystemResult) result = ss_system_query_run (&query, snapshot);
    g_assert_true (result_has (result, s.tcp_listener));
    g_assert_true (result_has (result, s.tcp_client));
    g_assert_false (result_has (result, s.udp));
    g_assert_cmpuint (result->counts[SS_SOCK_STATE_LISTEN], ==, 1);
    g_assert_cmpuint (result->counts[SS_SOCK_STATE_ESTABLISHED], ==, 2);
  }
  query.hide_listening = TRUE;
  {
    g_autoptr(SsSystemResult) result = ss_system_query_run (&query, snapshot);
    g_assert_false (result_has (result, s.tcp_listener));
    g_assert_true (result_has (result, s.tcp_server));
  }
  query.text = (char *) "TEST-SOCK";  /* the process, in any case */
  query.hide_listening = FALSE;
  query.only_tcp = TRUE;
  {
    g_autoptr(SsSystemResult) result = ss_system_query_run (&query, snapshot);
    g_assert_true (result_has (result, s.tcp_listener));
    g_assert_false (result_has (result, s.unix_listener));
    g_assert_false (result_has (result, s.udp));
  }
  query.text = NULL;
  query.only_tcp = FALSE;
  query.hide_loopback = TRUE;
  {
    g_autoptr(SsSystemResult) result = ss_system_query_run (&query, snapshot);
    g_assert_false (result_has (result, s.tcp_server));
    g_assert_false (result_has (result, s.udp));
    g_assert_true (result_has (result, s.unix_listener));
  }

  /* sorted by receive queue, largest first: the server's 1000 bytes lead
   * our sockets */
  query.hide_loopback = FALSE;
  query.sort_column = SS_SYSTEM_COLUMN_RECV_Q;
  query.descending = TRUE;
  {
    g_autoptr(SsSystemResult) result = ss_system_query_run (&query, snapshot);
    guint32 previous = G_MAXUINT32;

    for (guint i = 0; i < result->order->len; i++)
      {
        const SsSystemEntry *e = ss_system_snapshot_get_entry (snapshot, g_array_index (result->order, guint, i));
        g_assert_cmpuint (e->record.rqueue, <=, previous);
        previous = e->record.rqueue;
      }
  }
  sockets_close (&s);
}

/* The model changes in one items-changed a refresh, over the rows that
 * moved, and a row stays the same object for the same socket */
static void
test_model (void)
{
  g_autoptr(SsSystemModel) model = ss_system_model_new ();
  g_autoptr(SsSystemSnapshot) first = NULL;
  g_autoptr(SsSystemSnapshot) second = NULL;
  g_autoptr(SsSystemRow) row = NULL;
  SsSystemQuery query = { .sort_column = SS_SYSTEM_COLUMN_INODE };
  SsTestMirror mirror;
  guint n_changes = 0;
  guint16 udp_port, held_port;
  /* open through both snapshots: other programs' sockets may close */
  int held = ss_test_raw_udp_socket (AF_INET, &held_port);
  int fd;

  ss_test_mirror_init (&mirror, model);
  g_signal_connect (model, "items-changed", G_CALLBACK (ss_test_count_changes_cb), &n_changes);
  first = ss_system_snapshot_take (NULL, NULL);
  {
    g_autoptr(SsSystemResult) result = ss_system_query_run (&query, first);
    ss_system_model_apply (model, result);
  }
  g_assert_cmpuint (n_changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >, 0);
  row = ss_test_find_system_row (G_LIST_MODEL (model), inode_of (held), NULL);
  g_assert_nonnull (row);
  /* kept: the same object after the refresh, not one at its address */
  g_object_ref (row);

  fd = ss_test_raw_udp_socket (AF_INET, &udp_port);
  second = ss_system_snapshot_take (first, NULL);
  {
    g_autoptr(SsSystemResult) result = ss_system_query_run (&query, second);
    ss_system_model_apply (model, result);
  }
  g_assert_cmpuint (n_changes, <=, 2);
  ss_test_mirror_check (&mirror);
  /* a socket still open keeps its row object, now showing the second
   * snapshot's entry */
  {
    SsSystemRow *again = ss_test_find_system_row (G_LIST_MODEL (model), inode_of (held), NULL);
    const SsSystemEntry *entry = ss_system_row_get_entry (again);
    guint n_live = 0;

    g_assert_true (again == row);
    g_assert_true (entry >= ss_system_snapshot_get_entry (second, 0) &&
                   entry <= ss_system_snapshot_get_entry (second, ss_system_snapshot_get_n_entries (second) - 1));
    for (guint i = 0; i < ss_system_snapshot_get_n_entries (second); i++)
      n_live += ss_system_snapshot_get_entry (second, i)->change != SS_SYSTEM_REMOVED;
    g_assert_cmpuint (ss_system_model_get_n_sockets (model), ==, n_live);
  }
  ss_test_mirror_clear (&mirror);
  close (fd);
  close (held);
}

static int
capset_none (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2] = { { 0 } };

  return syscall (SYS_capset, &header, data);
}

/* SOCK_DESTROY: as root the connection closes (its owner's next call
 * fails with ECONNABORTED); without CAP_NET_ADMIN the message says so */
static void
test_destroy (void)
{
  guint16 port;
  int listener = ss_test_raw_listener (AF_INET, 0, &port);
  int client = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  int server = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
  g_autoptr(SsSystemSnapshot) snapshot = ss_system_snapshot_take (NULL, NULL);
  SsSockRecord record = find (snapshot, client)->record;
  g_autoptr(GError) error = NULL;
  int status;
  pid_t child;
  char byte;

  /* a child without capabilities is refused, with the reason */
  child = fork ();
  if (child == 0)
    {
      g_autoptr(GError) child_error = NULL;

      if (capset_none () < 0)
        _exit (2);
      if (ss_sock_diag_destroy (&record, &child_error))
        _exit (3);
      _exit (child_error->code == EPERM && strstr (child_error->message, "CAP_NET_ADMIN") != NULL ? 0
             : child_error->code == EOPNOTSUPP && strstr (child_error->message, "CONFIG_INET_DIAG_DESTROY") != NULL ? 0 : 4);
    }
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  if (!ss_sock_diag_destroy (&record, &error))
    {
      /* not root, or the kernel lacks it: the message says which */
      g_assert_true (error->code == EPERM || error->code == EOPNOTSUPP);
      g_assert_true (strstr (error->message, "CAP_NET_ADMIN") != NULL ||
                     strstr (error->message, "CONFIG_INET_DIAG_DESTROY") != NULL);
      g_test_message ("SOCK_DESTROY not allowed here: %s", error->message);
    }
  else
    {
      g_assert_cmpint (recv (client, &byte, 1, 0), ==, -1);
      g_assert_cmpint (errno, ==, ECONNABORTED);
    }

  /* a Unix socket cannot be destroyed: said before the kernel is asked */
  {
    SsSockRecord unix_record = { .family = AF_UNIX, .proto = SS_SOCK_PROTO_UNIX_STREAM };
    g_clear_error (&error);
    g_assert_false (ss_sock_diag_destroy (&unix_record, &error));
    g_assert_error (error, SS_ERRNO_ERROR, EOPNOTSUPP);
  }
  close (client);
  close (server);
  close (listener);
}

/* One connection asked about alone, as its plots do each second: the
 * same socket, its counters moving on, and gone once closed. */
static void
test_lookup (void)
{
  Sockets s = { 0 };
  g_autoptr(SsSystemSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  SsSockRecord record, now;
  const SsSystemEntry *e;

  sockets_open (&s);
  snapshot = ss_system_snapshot_take (NULL, &error);
  g_assert_no_error (error);
  e = find (snapshot, s.tcp_server);
  record = e->record;
  record.unix_name = NULL;

  g_assert_true (ss_sock_diag_lookup (&record, &now, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (now.inode, ==, record.inode);
  g_assert_cmpuint (now.cookie, ==, record.cookie);
  g_assert_true (now.has_tcp);
  g_assert_cmpuint (now.tcp.bytes_received, ==, 1000);

  /* more arrives: the lookup sees it */
  ss_test_raw_send_all (s.tcp_client, "0123456789", 10, SS_TEST_TIMEOUT_MS);
  for (guint i = 0; i < 100 && now.tcp.bytes_received < 1010; i++)
    {
      g_usleep (10000);
      g_assert_true (ss_sock_diag_lookup (&record, &now, &error));
    }
  g_assert_cmpuint (now.tcp.bytes_received, ==, 1010);
  g_assert_cmpuint (now.rqueue, ==, 1010);

  sockets_close (&s);
  /* closed: a socket no longer there (or one in TIME-WAIT, not ours) */
  if (ss_sock_diag_lookup (&record, &now, &error))
    g_assert_cmpuint (now.inode, ==, 0);
  else
    g_assert_error (error, SS_ERRNO_ERROR, ENOENT);
}

/* A raw socket is listed, or the snapshot says the kernel cannot list
 * raw sockets (no raw_diag): never silently left out. Opening one needs
 * CAP_NET_RAW; without it there is nothing to look for. */
static void
test_raw (void)
{
  g_autoptr(SsSystemSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  int fd = socket (AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
  const SsSystemEntry *e;

  if (fd < 0)
    {
      g_test_skip ("no CAP_NET_RAW: no raw socket to look for");
      return;
    }
  snapshot = ss_system_snapshot_take (NULL, &error);
  g_assert_no_error (error);
  e = ss_system_snapshot_find_inode (snapshot, inode_of (fd));
  if (ss_system_snapshot_get_missing (snapshot) & SS_SOCK_DIAG_MISSING_RAW)
    g_assert_null (e);
  else
    {
      g_assert_nonnull (e);
      g_assert_cmpint (e->record.proto, ==, SS_SOCK_PROTO_RAW);
      g_assert_cmpint (e->pid, ==, getpid ());
    }
  g_test_message ("raw_diag %s", e != NULL ? "present" : "missing");
  close (fd);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/sock-diag/destroy", test_destroy);
  g_test_add_func ("/sock-diag/own-sockets", test_own_sockets);
  g_test_add_func ("/sock-diag/against-ss", test_against_ss);
  g_test_add_func ("/sock-diag/other-process", test_other_process);
  g_test_add_func ("/sock-diag/vanishing-processes", test_vanishing_processes);
  g_test_add_func ("/sock-diag/unprivileged", test_unprivileged);
  g_test_add_func ("/sock-diag/changes", test_changes);
  g_test_add_func ("/sock-diag/query", test_query);
  g_test_add_func ("/sock-diag/lookup", test_lookup);
  g_test_add_func ("/sock-diag/raw", test_raw);
  g_test_add_func ("/sock-diag/model", test_model);
  return g_test_run ();
}
