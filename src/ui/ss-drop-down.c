/* ss-drop-down.c — a dropdown whose list is made when it first opens
 *
 * GTK 4.8's GtkDropDown makes its whole popup with itself: a popover, a
 * search entry, a scrolled list view and a row for each item, about 30
 * widgets and 1.5 ms before anyone opens it. A socket's page has fifteen
 * dropdowns, and making a page is what selecting a new connection costs,
 * so that was a third of it. This one is a toggle button showing the
 * selected item until it is first opened; then it makes the same popup
 * GtkDropDown has (a popover of the "menu" style holding a list view
 * that takes a choice on activation), without the search entry, which
 * none of ours shows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include "ss-drop-down.h"

struct _SsDropDown
{
  GtkWidget parent_instance;

  GtkWidget *button;
  GtkWidget *label;
  /* made on first open, with the list and its own selection: moving
   * through the list changes that one; activating a row changes ours */
  GtkWidget *popover;
  GtkSingleSelection *popup_selection;

  GtkSingleSelection *selection;
  SsDropDownLabelFunc label_func;
};

G_DEFINE_FINAL_TYPE (SsDropDown, ss_drop_down, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_MODEL, PROP_SELECTED, PROP_SELECTED_ITEM, PROP_OPEN, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { ACTIVATE, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
item_text (SsDropDown *self,
           gpointer    item)
{
  if (item == NULL)
    return g_strdup ("");
  if (self->label_func != NULL)
    return self->label_func (item);
  if (GTK_IS_STRING_OBJECT (item))
    return g_strdup (gtk_string_object_get_string (item));
  return g_strdup ("");
}

static void
update_label (SsDropDown *self)
{
  g_autofree char *text = item_text (self, ss_drop_down_get_selected_item (self));

  gtk_label_set_text (GTK_LABEL (self->label), text);
}

static void
selected_cb (SsDropDown *self)
{
  update_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
}

/* the same position, another item: a list's items were replaced */
static void
selected_item_cb (SsDropDown *self)
{
  update_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
}

/* The popup's rows: the item's text, and a check on the selected one. */
static void
row_check_cb (SsDropDown  *self,
              GParamSpec  *pspec,
              GtkListItem *item)
{
  GtkWidget *check = gtk_widget_get_last_child (gtk_list_item_get_child (item));

  gtk_widget_set_opacity (check, ss_drop_down_get_selected_item (self) == gtk_list_item_get_item (item) ? 1 : 0);
}

static void
row_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              SsDropDown               *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (self->label_func != NULL)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("object-select-symbolic"));
  gtk_list_item_set_child (item, box);
}

static void
row_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             SsDropDown               *self)
{
  g_autofree char *text = item_text (self, gtk_list_item_get_item (item));

  gtk_label_set_text (GTK_LABEL (gtk_widget_get_first_child (gtk_list_item_get_child (item))), text);
  g_signal_connect (self, "notify::selected-item", G_CALLBACK (row_check_cb), item);
  row_check_cb (self, NULL, item);
}

static void
row_unbind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               SsDropDown               *self)
{
  g_signal_handlers_disconnect_by_func (self, row_check_cb, item);
}

static void
row_activated_cb (GtkListView *list,
                  guint        position,
                  SsDropDown  *self)
{
  ss_drop_down_set_open (self, FALSE);
  ss_drop_down_set_selected (self, position);
}

static void
popover_closed_cb (SsDropDown *self)
{
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->button), FALSE);
}

static void
popover_visible_cb (SsDropDown *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPEN]);
}

static void
ensure_popover (SsDropDown *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  GtkWidget *list, *scrolled;

  if (self->popover != NULL)
    return;

  self->popup_selection = gtk_single_selection_new (self->selection != NULL ?
                                                    g_object_ref (gtk_single_selection_get_model (self->selection)) :
                                                    NULL);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (row_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (row_unbind_cb), self);
  list = gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->popup_selection)), g_steal_pointer (&factory));
  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (list), TRUE);
  g_signal_connect (list, "activate", G_CALLBACK (row_activated_cb), self);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 400);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  /* as wide as its widest row, so a connection's whole address shows */
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);

  self->popover = gtk_popover_new ();
  gtk_widget_add_css_class (self->popover, "menu");
  gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
  gtk_widget_set_halign (self->popover, GTK_ALIGN_START);
  gtk_popover_set_child (GTK_POPOVER (self->popover), scrolled);
  gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
  g_signal_connect_swapped (self->popover, "closed", G_CALLBACK (popover_closed_cb), self);
  g_signal_connect_swapped (self->popover, "notify::visible", G_CALLBACK (popover_visible_cb), self);
}

static void
button_toggled_cb (GtkToggleButton *button,
                   SsDropDown      *self)
{
  ss_drop_down_set_open (self, gtk_toggle_button_get_active (button));
}

static void
activate_cb (SsDropDown *self)
{
  gtk_widget_activate (self->button);
}

static void
ss_drop_down_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  SsDropDown *self = SS_DROP_DOWN (widget);

  gtk_widget_measure (self->button, orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}

static void
ss_drop_down_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  SsDropDown *self = SS_DROP_DOWN (widget);

  gtk_widget_size_allocate (self->button, &(GtkAllocation) { 0, 0, width, height }, baseline);
  if (self->popover != NULL && gtk_widget_get_visible (self->popover))
    {
      gtk_widget_set_size_request (self->popover, width, -1);
      gtk_popover_present (GTK_POPOVER (self->popover));
    }
}

static gboolean
ss_drop_down_focus (GtkWidget        *widget,
                    GtkDirectionType  direction)
{
  SsDropDown *self = SS_DROP_DOWN (widget);

  if (ss_drop_down_get_open (self))
    return gtk_widget_child_focus (self->popover, direction);
  return gtk_widget_child_focus (self->button, direction);
}

static gboolean
ss_drop_down_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (SS_DROP_DOWN (widget)->button);
}

static void
ss_drop_down_dispose (GObject *object)
{
  SsDropDown *self = SS_DROP_DOWN (object);

  g_clear_pointer (&self->popover, gtk_widget_unparent);
  g_clear_pointer (&self->button, gtk_widget_unparent);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->popup_selection);

  G_OBJECT_CLASS (ss_drop_down_parent_class)->dispose (object);
}

static void
ss_drop_down_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SsDropDown *self = SS_DROP_DOWN (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, ss_drop_down_get_model (self));
      break;
    case PROP_SELECTED:
      g_value_set_uint (value, ss_drop_down_get_selected (self));
      break;
    case PROP_SELECTED_ITEM:
      g_value_set_object (value, ss_drop_down_get_selected_item (self));
      break;
    case PROP_OPEN:
      g_value_set_boolean (value, ss_drop_down_get_open (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_drop_down_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SsDropDown *self = SS_DROP_DOWN (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      ss_drop_down_set_model (self, g_value_get_object (value));
      break;
    case PROP_SELECTED:
      ss_drop_down_set_selected (self, g_value_get_uint (value));
      break;
    case PROP_OPEN:
      ss_drop_down_set_open (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_drop_down_class_init (SsDropDownClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ss_drop_down_dispose;
  object_class->get_property = ss_drop_down_get_property;
  object_class->set_property = ss_drop_down_set_property;
  widget_class->measure = ss_drop_down_measure;
  widget_class->size_allocate = ss_drop_down_size_allocate;
  widget_class->focus = ss_drop_down_focus;
  widget_class->grab_focus = ss_drop_down_grab_focus;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED] =
    g_param_spec_uint ("selected", NULL, NULL, 0, G_MAXUINT, GTK_INVALID_LIST_POSITION,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_ITEM] =
    g_param_spec_object ("selected-item", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPEN] =
    g_param_spec_boolean ("open", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* as GtkDropDown's: a mnemonic label or Enter opens the list */
  signals[ACTIVATE] =
    g_signal_new_class_handler ("activate", G_TYPE_FROM_CLASS (klass),
                                G_SIGNAL_RUN_FIRST | G_SIGNAL_ACTION,
                                G_CALLBACK (activate_cb), NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_activate_signal (widget_class, signals[ACTIVATE]);

  /* named and styled as GtkDropDown is, so the theme draws it the same */
  gtk_widget_class_set_css_name (widget_class, "dropdown");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_COMBO_BOX);
}

static void
ss_drop_down_init (SsDropDown *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  self->label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0);
  gtk_widget_set_hexpand (self->label, TRUE);
  gtk_box_append (GTK_BOX (box), self->label);
  gtk_box_append (GTK_BOX (box), g_object_new (GTK_TYPE_IMAGE, "css-name", "arrow",
                                               "icon-name", "pan-down-symbolic", NULL));
  gtk_widget_set_can_focus (box, FALSE);

  self->button = gtk_toggle_button_new ();
  gtk_button_set_child (GTK_BUTTON (self->button), box);
  gtk_widget_set_parent (self->button, GTK_WIDGET (self));
  g_signal_connect (self->button, "toggled", G_CALLBACK (button_toggled_cb), self);
}

/**
 * ss_drop_down_new:
 * @model: (transfer full) (nullable): the items, as gtk_drop_down_new() takes them
 */
GtkWidget *
ss_drop_down_new (GListModel *model)
{
  GtkWidget *self = g_object_new (SS_TYPE_DROP_DOWN, "model", model, NULL);

  g_clear_object (&model);
  return self;
}

GtkWidget *
ss_drop_down_new_from_strings (const char * const *strings)
{
  return ss_drop_down_new (G_LIST_MODEL (gtk_string_list_new (strings)));
}

GListModel *
ss_drop_down_get_model (SsDropDown *self)
{
  g_return_val_if_fail (SS_IS_DROP_DOWN (self), NULL);

  return self->selection != NULL ? gtk_single_selection_get_model (self->selection) : NULL;
}

/* As GtkDropDown's: the first item is selected, unless @model is empty. */
void
ss_drop_down_set_model (SsDropDown *self,
                        GListModel *model)
{
  g_return_if_fail (SS_IS_DROP_DOWN (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (model == ss_drop_down_get_model (self))
    return;
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);
  if (model != NULL)
    {
      self->selection = gtk_single_selection_new (g_object_ref (model));
      g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (selected_cb), self);
      g_signal_connect_swapped (self->selection, "notify::selected-item", G_CALLBACK (selected_item_cb), self);
    }
  if (self->popup_selection != NULL)
    gtk_single_selection_set_model (self->popup_selection, model);
  selected_cb (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

guint
ss_drop_down_get_selected (SsDropDown *self)
{
  g_return_val_if_fail (SS_IS_DROP_DOWN (self), GTK_INVALID_LIST_POSITION);

  return self->selection != NULL ? gtk_single_selection_get_selected (self->selection) : GTK_INVALID_LIST_POSITION;
}

void
ss_drop_down_set_selected (SsDropDown *self,
                           guint       position)
{
  g_return_if_fail (SS_IS_DROP_DOWN (self));

  if (self->selection != NULL)
    gtk_single_selection_set_selected (self->selection, position);
}

/**
 * ss_drop_down_get_selected_item:
 *
 * Returns: (transfer none) (nullable): the selected item
 */
gpointer
ss_drop_down_get_selected_item (SsDropDown *self)
{
  g_return_val_if_fail (SS_IS_DROP_DOWN (self), NULL);

  return self->selection != NULL ? gtk_single_selection_get_selected_item (self->selection) : NULL;
}

/* Names items that are not GtkStringObjects; such names can be long, so
 * they end in an ellipsis where there is no room. */
void
ss_drop_down_set_label_func (SsDropDown          *self,
                             SsDropDownLabelFunc  label_func)
{
  g_return_if_fail (SS_IS_DROP_DOWN (self));

  self->label_func = label_func;
  gtk_label_set_ellipsize (GTK_LABEL (self->label), label_func != NULL ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
  update_label (self);
}

/* Whether its list is showing. */
gboolean
ss_drop_down_get_open (SsDropDown *self)
{
  g_return_val_if_fail (SS_IS_DROP_DOWN (self), FALSE);

  return self->popover != NULL && gtk_widget_get_visible (self->popover);
}

/* Opens or closes the list, as a click on the button does. */
void
ss_drop_down_set_open (SsDropDown *self,
                       gboolean    open)
{
  g_return_if_fail (SS_IS_DROP_DOWN (self));

  if (open == ss_drop_down_get_open (self))
    return;
  if (open)
    {
      ensure_popover (self);
      gtk_single_selection_set_selected (self->popup_selection, ss_drop_down_get_selected (self));
      gtk_widget_set_size_request (self->popover, gtk_widget_get_width (GTK_WIDGET (self)), -1);
      gtk_popover_popup (GTK_POPOVER (self->popover));
    }
  else
    gtk_popover_popdown (GTK_POPOVER (self->popover));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->button), open);
}
