/* ss-accessible.c — accessible names GTK 4.8 gets wrong, set right
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-accessible.h"
#include "ss-drop-down.h"

static gboolean
uses_underline (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    return gtk_button_get_use_underline (GTK_BUTTON (widget));
  return FALSE;
}

static void
repair_name (GtkWidget *widget)
{
  /* A button with a mnemonic is labelled by its own label, and GTK 4.8
   * also gives it the raw text as its label: a screen reader says both,
   * underscore and all ("C_reate Socket Create Socket"). The label
   * alone says it right. */
  if (uses_underline (widget))
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);

  /* GTK 4.8 exposes the toggle button inside a SsDropDown or a
   * GtkMenuButton as a control of its own, named after its type
   * ("GtkToggleButton"): the name of the outer widget never reaches it.
   * A name only goes one relation deep, so a dropdown named by its
   * mnemonic label passes on the label, not itself. */
  if (SS_IS_DROP_DOWN (widget) || GTK_IS_MENU_BUTTON (widget))
    {
      GList *labels = gtk_widget_list_mnemonic_labels (widget);
      GtkWidget *name_from = labels != NULL ? labels->data : widget;

      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (GTK_IS_TOGGLE_BUTTON (child))
          {
            /* labelled by its own mnemonic label too, it would say the
             * name twice */
            gtk_accessible_reset_relation (GTK_ACCESSIBLE (child),
                                           GTK_ACCESSIBLE_RELATION_LABELLED_BY);
            gtk_accessible_update_relation (GTK_ACCESSIBLE (child),
                                            GTK_ACCESSIBLE_RELATION_LABELLED_BY, name_from, NULL,
                                            -1);
          }
      g_list_free (labels);
    }

  /* the close button GtkInfoBar adds has only an icon */
  if (GTK_IS_BUTTON (widget) && GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (widget)))
      && gtk_widget_get_ancestor (widget, GTK_TYPE_INFO_BAR) != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, _("Close"),
                                    -1);
}

/**
 * ss_accessible_repair_names:
 * @root: a widget whose template is built
 *
 * Gives the buttons under @root (@root included) the names a screen
 * reader should say: the inner buttons of dropdowns, menu buttons and
 * info bars, and buttons with a mnemonic. Call it after
 * gtk_widget_init_template(), and again on a button after
 * gtk_button_set_label().
 */
void
ss_accessible_repair_names (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  repair_name (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    ss_accessible_repair_names (child);
}
