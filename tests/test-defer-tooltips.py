#!/usr/bin/env python3
# test-defer-tooltips.py — the bundled templates give each tooltip while
# the widget is hidden, and leave every widget as visible as its source
# says (build-aux/defer-tooltips.py)
#
# Usage: test-defer-tooltips.py SCRIPT SOURCE_UI_DIR BUNDLED_UI_DIR
#
# SPDX-License-Identifier: GPL-3.0-or-later

import glob
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<interface domain="sockscope">
  <object class="GtkBox" id="box">
    <child>
      <object class="GtkButton" id="plain">
        <property name="label">A</property>
        <property name="tooltip-text" translatable="yes">Says A</property>
        <property name="sensitive">False</property>
      </object>
    </child>
    <child>
      <object class="GtkButton" id="hidden">
        <property name="visible">False</property>
        <property name="tooltip-text">Says B</property>
      </object>
    </child>
    <child>
      <object class="GtkPopover" id="popover">
        <property name="tooltip-text">Says C</property>
      </object>
    </child>
  </object>
</interface>
"""


def props(obj):
    return [(p.get("name"), p.text) for p in obj.findall("property")]


def visibility(obj):
    """What "visible" ends as, or None when the object does not say."""
    value = None
    for name, text in props(obj):
        if name == "visible":
            value = text
    return value


def main():
    script, source_dir, bundled_dir = sys.argv[1:4]
    print("1..2")

    with tempfile.TemporaryDirectory() as out:
        path = os.path.join(out, "in", "sample.ui")
        os.makedirs(os.path.dirname(path))
        with open(path, "w") as f:
            f.write(SAMPLE)
        subprocess.run([sys.executable, script, out, path], check=True)
        root = ET.parse(os.path.join(out, "sample.ui")).getroot()
        objs = {o.get("id"): o for o in root.iter("object")}
        assert props(objs["plain"]) == [("label", "A"), ("visible", "False"), ("tooltip-text", "Says A"),
                                        ("visible", "True"), ("sensitive", "False")], props(objs["plain"])
        tip = [p for p in objs["plain"].findall("property") if p.get("name") == "tooltip-text"][0]
        assert tip.get("translatable") == "yes"
        assert props(objs["hidden"]) == [("visible", "False"), ("tooltip-text", "Says B")]
        assert props(objs["popover"]) == [("tooltip-text", "Says C")]
        assert root.get("domain") == "sockscope"
    print("ok 1 a tooltip is given hidden; hidden widgets and popovers are left alone")

    # the bundle's templates: every widget ends as visible as its source
    # says, and keeps its tooltip
    n = 0
    for source in sorted(glob.glob(os.path.join(source_dir, "*.ui"))):
        bundled = os.path.join(bundled_dir, os.path.basename(source))
        if not os.path.exists(bundled):
            continue
        src_objs = list(ET.parse(source).getroot().iter("object"))
        out_objs = list(ET.parse(bundled).getroot().iter("object"))
        assert len(src_objs) == len(out_objs), source
        for a, b in zip(src_objs, out_objs):
            assert visibility(a) in (None, visibility(b)), (source, a.get("id"))
            assert visibility(b) in (None, "True") or visibility(a) == visibility(b), (source, a.get("id"))
            tips = lambda o: [t for n_, t in props(o) if n_.startswith("tooltip")]
            assert tips(a) == tips(b), (source, a.get("id"))
            n += 1
    assert n > 100, n
    print(f"ok 2 {n} objects of the bundled templates as visible as their sources, with their tooltips")


if __name__ == "__main__":
    main()
