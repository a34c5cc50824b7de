#!/bin/sh
# Renders the icons the window shows on opening as PNG (src/ui/icons/), so
# that GTK needs no SVG loader (librsvg, 6 MiB) to open it: the app's
# symbol at 96 px as GTK's recolourable .symbolic.png for the empty page,
# and the app icon at 48 px, the size GTK gives X11 as the window icon.
# Run after changing either SVG. Needs gtk4-encode-symbolic-svg (Debian:
# libgtk-4-bin) and rsvg-convert (librsvg2-bin).
set -e
top=$(dirname "$0")/..
icons="$top/data/icons/hicolor"
gtk4-encode-symbolic-svg -o "$top/src/ui/icons" \
  "$icons/symbolic/apps/io.github.sockscope.Sockscope-symbolic.svg" 96x96
mv "$top/src/ui/icons/io.github.sockscope.Sockscope-symbolic.symbolic.png" \
   "$top/src/ui/icons/ss-sockscope-symbolic.symbolic.png"
rsvg-convert -w 48 -h 48 -o "$top/src/ui/icons/io.github.sockscope.Sockscope-48.png" \
  "$icons/scalable/apps/io.github.sockscope.Sockscope.svg"
