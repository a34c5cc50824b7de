#!/usr/bin/env python3
# defer-tooltips.py — copies GtkBuilder .ui files for the resource bundle,
# each tooltip given while its widget is hidden
#
# GTK 4.8 asks the display where the pointer is whenever a visible widget
# gets a tooltip (gtk_tooltip_trigger_tooltip_query()): on X11 a round trip
# to the server, 0.36 ms measured here, against 0.01 ms for a hidden
# widget. A socket's page gives 165 tooltips from its templates, most of
# the time a new page took. GtkBuilder sets an object's properties in
# order, so an object with a tooltip and no "visible" of its own gets
# visible=False before the tooltip and visible=True after it. An object
# that sets "visible" itself is left as it is.
#
# Usage: defer-tooltips.py OUTPUT_DIR INPUT.ui...
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import sys
import xml.etree.ElementTree as ET

TOOLTIPS = ("tooltip-text", "tooltip-markup")
# hidden until shown: never made visible here
HIDDEN_CLASSES = ("GtkPopover", "GtkPopoverMenu", "GtkWindow", "GtkDialog", "GtkShortcutsWindow")


def visible(value):
    prop = ET.Element("property", name="visible")
    prop.text = value
    return prop


def defer(root):
    for obj in root.iter("object"):
        children = list(obj)
        names = [c.get("name") for c in children if c.tag == "property"]
        if "visible" in names or obj.get("class") in HIDDEN_CLASSES or not any(n in TOOLTIPS for n in names):
            continue
        for i, child in enumerate(children):
            if child.tag == "property" and child.get("name") in TOOLTIPS:
                obj.insert(i + 1, visible("True"))
                obj.insert(i, visible("False"))
                break


def main():
    out_dir = sys.argv[1]
    for path in sys.argv[2:]:
        tree = ET.parse(path)
        defer(tree.getroot())
        tree.write(os.path.join(out_dir, os.path.basename(path)), encoding="UTF-8", xml_declaration=True)


if __name__ == "__main__":
    main()
