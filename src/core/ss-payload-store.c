/* ss-payload-store.c — a list of payloads kept in a text file a person can
 * edit: the payload library, and the send history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>

#include "ss-payload-file.h"
#include "ss-payload-store.h"
#include "ss-sequence-file.h"

/* The file format, and how it is read and written: ss-payload-file.c.
 *
 * A file that does not read leaves the store "broken": its list is empty
 * and it refuses to write, so that a file a person broke by hand is never
 * overwritten or emptied. A missing file is an empty list.
 */

struct _SsPayloadStore
{
  GObject    parent_instance;
  char      *path;
  GPtrArray *payloads;
  GListStore *sequences;  /* of SsSequence, written after the payloads */
  gboolean   broken;
};

enum
{
  PROP_0,
  PROP_PATH,
  PROP_BROKEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
ss_payload_store_get_item_type (GListModel *model)
{
  return SS_TYPE_PAYLOAD;
}

static guint
ss_payload_store_get_n_items (GListModel *model)
{
  return SS_PAYLOAD_STORE (model)->payloads->len;
}

static gpointer
ss_payload_store_get_item (GListModel *model,
                           guint       position)
{
  SsPayloadStore *self = SS_PAYLOAD_STORE (model);

  if (position >= self->payloads->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->payloads, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ss_payload_store_get_item_type;
  iface->get_n_items = ss_payload_store_get_n_items;
  iface->get_item = ss_payload_store_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SsPayloadStore, ss_payload_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
ss_payload_store_finalize (GObject *object)
{
  SsPayloadStore *self = SS_PAYLOAD_STORE (object);

  g_free (self->path);
  g_ptr_array_unref (self->payloads);
  g_clear_object (&self->sequences);

  G_OBJECT_CLASS (ss_payload_store_parent_class)->finalize (object);
}

static void
ss_payload_store_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SsPayloadStore *self = SS_PAYLOAD_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_BROKEN:
      g_value_set_boolean (value, self->broken);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_payload_store_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SsPayloadStore *self = SS_PAYLOAD_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_payload_store_class_init (SsPayloadStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ss_payload_store_finalize;
  object_class->get_property = ss_payload_store_get_property;
  object_class->set_property = ss_payload_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* TRUE while the file could not be read: see ss_payload_store_load() */
  properties[PROP_BROKEN] =
    g_param_spec_boolean ("broken", NULL, NULL, FALSE,
                          G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ss_payload_store_init (SsPayloadStore *self)
{
  self->payloads = g_ptr_array_new_with_free_func (g_object_unref);
  self->sequences = g_list_store_new (SS_TYPE_SEQUENCE);
}

/**
 * ss_payload_store_new:
 * @path: the file, e.g. from ss_payload_store_dup_default_path()
 *
 * An empty store: call ss_payload_store_load() to read the file.
 */
SsPayloadStore *
ss_payload_store_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (SS_TYPE_PAYLOAD_STORE, "path", path, NULL);
}

const char *
ss_payload_store_get_path (SsPayloadStore *self)
{
  g_return_val_if_fail (SS_IS_PAYLOAD_STORE (self), NULL);
  return self->path;
}

/* TRUE when the last ss_payload_store_load() failed: the store then
 * neither saves nor exports, and its list is empty. */
gboolean
ss_payload_store_get_broken (SsPayloadStore *self)
{
  g_return_val_if_fail (SS_IS_PAYLOAD_STORE (self), FALSE);
  return self->broken;
}

static void
set_broken (SsPayloadStore *self,
            gboolean        broken)
{
  if (self->broken == broken)
    return;
  self->broken = broken;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BROKEN]);
}

/* Replaces the whole list (takes @payloads). */
static void
replace_all (SsPayloadStore *self,
             GPtrArray      *payloads)
{
  guint removed = self->payloads->len;

  g_ptr_array_unref (self->payloads);
  self->payloads = payloads;
  if (removed > 0 || payloads->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, payloads->len);
}

/* --- Reading --------------------------------------------------------- */

/* The file's sequences replace the store's; an error empties them. */
static gboolean
load_sequences (SsPayloadStore  *self,
                GError         **error)
{
  g_autoptr(GPtrArray) sequences = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *display = NULL;
  gsize len = 0;

  if (!g_file_get_contents (self->path, &data, &len, &local_error) &&
      !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      g_list_store_remove_all (self->sequences);
      return FALSE;
    }
  display = g_filename_display_name (self->path);
  sequences = ss_sequence_file_parse (data, len, display, error);
  if (sequences == NULL)
    {
      g_list_store_remove_all (self->sequences);
      return FALSE;
    }
  g_list_store_splice (self->sequences, 0, g_list_model_get_n_items (G_LIST_MODEL (self->sequences)),
                       sequences->pdata, sequences->len);
  return TRUE;
}

/**
 * ss_payload_store_load:
 *
 * Reads the file, replacing the list. A missing file is an empty list.
 * A file that cannot be read or does not parse gives an error naming the
 * file and the line, empties the list and makes the store broken (see
 * ss_payload_store_get_broken()) until a load succeeds: the file is then
 * never written over.
 */
gboolean
ss_payload_store_load (SsPayloadStore  *self,
                       GError         **error)
{
  GPtrArray *payloads;
  gboolean missing;

  g_return_val_if_fail (SS_IS_PAYLOAD_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* a missing file is an empty list */
  payloads = ss_payload_file_read (self->path, &missing, error);
  if (payloads != NULL && !load_sequences (self, error))
    g_clear_pointer (&payloads, g_ptr_array_unref);
  else if (payloads == NULL)
    g_list_store_remove_all (self->sequences);
  set_broken (self, payloads == NULL);
  replace_all (self, payloads != NULL ? payloads
                                      : g_ptr_array_new_with_free_func (g_object_unref));
  return !self->broken;
}

/* --- Writing --------------------------------------------------------- */

/* The payloads as ss_payload_file_write() writes them, then the
 * sequences, atomically. */
static gboolean
write_file (SsPayloadStore  *self,
            const char      *path,
            int              mode,
            GError         **error)
{
  g_autoptr(GPtrArray) sequences = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *payloads = NULL;
  g_autofree char *tail = NULL;
  g_autofree char *data = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sequences));

  if (n == 0)
    return ss_payload_file_write (path, self->payloads, mode, error);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (sequences, g_list_model_get_item (G_LIST_MODEL (self->sequences), i));
  payloads = ss_payload_file_serialize (self->payloads, NULL);
  tail = ss_sequence_file_serialize (sequences);
  data = g_strconcat (payloads, tail, NULL);
  return g_file_set_contents_full (path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, mode, error);
}

static gboolean
refuse_if_broken (SsPayloadStore  *self,
                  GError         **error)
{
  g_autofree char *display = NULL;

  if (!self->broken)
    return TRUE;
  display = g_filename_display_name (self->path);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("“%s” could not be read, so it is left as it is: "
                 "fix or move it, then try again"),
               display);
  return FALSE;
}

/**
 * ss_payload_store_save:
 *
 * Writes the list to the file, atomically, creating its folder. Refused
 * while the store is broken.
 */
gboolean
ss_payload_store_save (SsPayloadStore  *self,
                       GError         **error)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (SS_IS_PAYLOAD_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!refuse_if_broken (self, error))
    return FALSE;

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;
      g_autofree char *display = g_filename_display_name (dir);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not create the folder “%s”: %s"),
                   display, g_strerror (errsv));
      return FALSE;
    }
  /* a history may hold passwords and tokens */
  return write_file (self, self->path, 0600, error);
}

/**
 * ss_payload_store_export:
 * @path: where to write a copy of the list, in the same format
 *
 * Refused while the store is broken.
 */
gboolean
ss_payload_store_export (SsPayloadStore  *self,
                         const char      *path,
                         GError         **error)
{
  g_return_val_if_fail (SS_IS_PAYLOAD_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!refuse_if_broken (self, error))
    return FALSE;
  return write_file (self, path, 0666, error);
}

/* --- Changing the list ----------------------------------------------- */

/**
 * ss_payload_store_get_sequences:
 *
 * Returns: (transfer none): the send sequences kept with the payloads, a
 *   GListStore of SsSequence to change as needed; ss_payload_store_save()
 *   writes them
 */
GListStore *
ss_payload_store_get_sequences (SsPayloadStore *self)
{
  g_return_val_if_fail (SS_IS_PAYLOAD_STORE (self), NULL);
  return self->sequences;
}

static gboolean
payload_is_valid (SsPayload *payload)
{
  const char *name = ss_payload_get_name (payload);

  /* the file is UTF-8: anything else would not read back */
  return (name == NULL || g_utf8_validate (name, -1, NULL)) &&
         g_utf8_validate (ss_payload_get_content (payload), -1, NULL);
}

/**
 * ss_payload_store_lookup:
 *
 * Returns: (transfer none) (nullable): the first payload called @name
 */
SsPayload *
ss_payload_store_lookup (SsPayloadStore *self,
                         const char     *name)
{
  g_return_val_if_fail (SS_IS_PAYLOAD_STORE (self), NULL);

  for (guint i = 0; i < self->payloads->len; i++)
    {
      SsPayload *payload = g_ptr_array_index (self->payloads, i);

      if (g_strcmp0 (ss_payload_get_name (payload), name) == 0)
        return payload;
    }
  return NULL;
}

/**
 * ss_payload_store_put:
 * @payload: (transfer none): kept, not copied
 *
 * The library's operation: replaces the payload of the same name where it
 * is, or else appends @payload.
 */
void
ss_payload_store_put (SsPayloadStore *self,
                      SsPayload      *payload)
{
  const char *name;

  g_return_if_fail (SS_IS_PAYLOAD_STORE (self));
  g_return_if_fail (SS_IS_PAYLOAD (payload));
  g_return_if_fail (payload_is_valid (payload));

  name = ss_payload_get_name (payload);
  for (guint i = 0; i < self->payloads->len; i++)
    {
      SsPayload *old = g_ptr_array_index (self->payloads, i);

      if (g_strcmp0 (ss_payload_get_name (old), name) == 0)
        {
          g_ptr_array_index (self->payloads, i) = g_object_ref (payload);
          g_object_unref (old);
          g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 1);
          return;
        }
    }
  g_ptr_array_add (self->payloads, g_object_ref (payload));
  g_list_model_items_changed (G_LIST_MODEL (self), self->payloads->len - 1, 0, 1);
}

/**
 * ss_payload_store_remember:
 * @payload: (transfer none): kept, not copied
 * @limit: how many payloads to keep, at least 1
 *
 * The history's operation: @payload goes first, any equal payload (see
 * ss_payload_equal()) is dropped from further down, and so are the
 * payloads past @limit.
 */
void
ss_payload_store_remember (SsPayloadStore *self,
                           SsPayload      *payload,
                           guint           limit)
{
  g_autoptr(SsPayload) kept = NULL;

  g_return_if_fail (SS_IS_PAYLOAD_STORE (self));
  g_return_if_fail (SS_IS_PAYLOAD (payload));
  g_return_if_fail (payload_is_valid (payload));
  g_return_if_fail (limit > 0);

  /* @payload itself may be in the list */
  kept = g_object_ref (payload);
  for (guint i = self->payloads->len; i > 0; i--)
    if (ss_payload_equal (g_ptr_array_index (self->payloads, i - 1), kept))
      {
        g_ptr_array_remove_index (self->payloads, i - 1);
        g_list_model_items_changed (G_LIST_MODEL (self), i - 1, 1, 0);
      }

  g_ptr_array_insert (self->payloads, 0, g_object_ref (kept));
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, 1);

  if (self->payloads->len > limit)
    {
      guint excess = self->payloads->len - limit;

      g_ptr_array_remove_range (self->payloads, limit, excess);
      g_list_model_items_changed (G_LIST_MODEL (self), limit, excess, 0);
    }
}

void
ss_payload_store_remove (SsPayloadStore *self,
                         guint           position)
{
  g_return_if_fail (SS_IS_PAYLOAD_STORE (self));
  g_return_if_fail (position < self->payloads->len);

  g_ptr_array_remove_index (self->payloads, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
}

/* The payload at @from goes to @to, the others keep their order: the
 * order of the quick-send buttons. */
void
ss_payload_store_move (SsPayloadStore *self,
                       guint           from,
                       guint           to)
{
  SsPayload *payload;

  g_return_if_fail (SS_IS_PAYLOAD_STORE (self));
  g_return_if_fail (from < self->payloads->len && to < self->payloads->len);

  if (from == to)
    return;
  payload = g_ptr_array_steal_index (self->payloads, from);
  g_ptr_array_insert (self->payloads, to, payload);
  g_list_model_items_changed (G_LIST_MODEL (self), MIN (from, to), MAX (from, to) - MIN (from, to) + 1,
                              MAX (from, to) - MIN (from, to) + 1);
}

/**
 * ss_payload_store_import:
 * @path: a file in the same format
 *
 * Puts every payload of @path into the list (see ss_payload_store_put():
 * one of the same name is replaced). A file that does not read changes
 * nothing; nor does a broken store take any.
 *
 * Returns: how many payloads @path holds, 0 with @error set on failure
 */
guint
ss_payload_store_import (SsPayloadStore  *self,
                         const char      *path,
                         GError         **error)
{
  g_autoptr(GPtrArray) payloads = NULL;

  g_return_val_if_fail (SS_IS_PAYLOAD_STORE (self), 0);
  g_return_val_if_fail (path != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!refuse_if_broken (self, error))
    return 0;
  payloads = ss_payload_file_read (path, NULL, error);
  if (payloads == NULL)
    return 0;
  for (guint i = 0; i < payloads->len; i++)
    ss_payload_store_put (self, g_ptr_array_index (payloads, i));
  return payloads->len;
}

/**
 * ss_payload_store_dup_default_path:
 * @basename: "payloads.ini" or "history.ini"
 *
 * Returns: (transfer full): the file in Sockscope's folder of the user's
 *   data directory
 */
char *
ss_payload_store_dup_default_path (const char *basename)
{
  g_return_val_if_fail (basename != NULL, NULL);

  return g_build_filename (g_get_user_data_dir (), "sockscope", basename, NULL);
}
