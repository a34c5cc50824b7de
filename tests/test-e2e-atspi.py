#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# End to end through the accessibility bus, as a screen reader sees the
# app: starts the real Sockscope in a private session with at-spi2-core
# (atspi_session.py), fails on every visible control whose accessible name
# is empty, a GTK type name or a raw mnemonic, then plays the seed's server
# recipe with AT-SPI actions (socket, bind to 127.0.0.1:0, listen), reads
# the bound port from the window, connects a python3 client that sends a
# line, and looks for that line in the window.
#
#   test-e2e-atspi.py BUILD_DIR
#
# Prints TAP. Every wait is bounded; every process it starts is killed by
# its PID at the end.

import os
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import atspi_session  # noqa: E402

import gi  # noqa: E402

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

WAIT = 10.0
CLIENT_TEXT = "hello 你好"

# Roles a person operates: each needs a name that says what it does.
CONTROL_ROLES = {
    Atspi.Role.PUSH_BUTTON,
    Atspi.Role.TOGGLE_BUTTON,
    Atspi.Role.COMBO_BOX,
    Atspi.Role.SPIN_BUTTON,
    Atspi.Role.ENTRY,
    Atspi.Role.PASSWORD_TEXT,
    Atspi.Role.TEXT,
    Atspi.Role.CHECK_BOX,
    Atspi.Role.RADIO_BUTTON,
    Atspi.Role.SLIDER,
    Atspi.Role.MENU_ITEM,
    Atspi.Role.CHECK_MENU_ITEM,
    Atspi.Role.RADIO_MENU_ITEM,
    Atspi.Role.PAGE_TAB,
}

BAD_NAME = re.compile(r"^(Gtk|Ss)[A-Z]\w*$")


def said_twice(name):
    """GTK 4.8 names a button with a mnemonic twice, once with the
    underscore ("C_reate Socket Create Socket"); a screen reader reads
    out both. Names such as SO_REUSEADDR or connect_ex are fine."""
    words = name.split()
    if any("_" in w and w.replace("_", "") in words for w in words):
        return True
    half = len(words) // 2
    return len(words) % 2 == 0 and half > 0 and words[:half] == words[half:]


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, good, what, diag=(), todo=None):
        self.n += 1
        status = "ok" if good else "not ok"
        line = f"{status} {self.n} - {what}"
        if todo:
            line += f" # TODO {todo}"
        elif not good:
            self.failed += 1
        print(line, flush=True)
        for d in diag:
            print(f"# {d}", flush=True)
        return good

    def plan(self):
        print(f"1..{self.n}", flush=True)


def wait_for(what, fn, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = fn()
        except gi.repository.GLib.Error:
            value = None
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.05)


def children(acc):
    try:
        n = acc.get_child_count()
    except gi.repository.GLib.Error:
        return
    for i in range(n):
        try:
            child = acc.get_child_at_index(i)
        except gi.repository.GLib.Error:
            child = None
        if child is not None:
            yield child


def is_visible(acc):
    try:
        return acc.get_state_set().contains(Atspi.StateType.VISIBLE)
    except gi.repository.GLib.Error:
        return False


def walk(acc):
    """Every visible descendant (GTK 4.8 never sets SHOWING)."""
    stack = list(reversed(list(children(acc))))
    while stack:
        a = stack.pop()
        if not is_visible(a):
            continue
        yield a
        stack.extend(reversed(list(children(a))))


def name_of(acc):
    try:
        return acc.get_name() or ""
    except gi.repository.GLib.Error:
        return ""


def path_of(acc):
    parts = []
    a = acc
    while a is not None and len(parts) < 6:
        try:
            role = a.get_role_name()
        except gi.repository.GLib.Error:
            break
        parts.append(f"{role} '{name_of(a)}'")
        try:
            a = a.get_parent()
        except gi.repository.GLib.Error:
            break
        if a is not None and a.get_role() == Atspi.Role.APPLICATION:
            break
    return " < ".join(parts)


def unnamed_controls(root):
    bad = []
    for a in walk(root):
        try:
            role = a.get_role()
        except gi.repository.GLib.Error:
            continue
        if role not in CONTROL_ROLES:
            continue
        name = name_of(a).strip()
        if os.environ.get("SOCKSCOPE_E2E_LIST"):
            print(f"# {a.get_role_name()} '{name}'", flush=True)
        if not name or BAD_NAME.match(name) or said_twice(name):
            bad.append(path_of(a))
    return bad


def find(root, role, name=None, pred=None):
    for a in walk(root):
        try:
            if a.get_role() != role:
                continue
        except gi.repository.GLib.Error:
            continue
        if name is not None and name_of(a) != name:
            continue
        if pred is not None and not pred(a):
            continue
        return a
    return None


def click(acc):
    action = acc.get_action_iface()
    for i in range(action.get_n_actions()):
        if action.get_action_name(i) in ("click", "press", "activate"):
            return action.do_action(i)
    raise AssertionError(f"no click action on {path_of(acc)}")


def text_of(acc):
    text = acc.get_text_iface()
    if text is None:
        return ""
    return text.get_text(0, text.get_character_count()) or ""


def find_text(root, needle):
    """A visible node whose name or text holds NEEDLE."""
    for a in walk(root):
        if needle in name_of(a):
            return a
        try:
            if needle in text_of(a):
                return a
        except gi.repository.GLib.Error:
            pass
    return None


def enabled(acc):
    try:
        return acc.get_state_set().contains(Atspi.StateType.SENSITIVE)
    except gi.repository.GLib.Error:
        return False


KEY_DOWN = 0xff54
KEY_RETURN = 0xff0d


def choose(frame, dropdown, prefix):
    """Picks the item starting with PREFIX in the dropdown named DROPDOWN
    with the keyboard, as a screen reader's user does: GTK 4.8's dropdown
    takes a choice only from its list's activation, not from AT-SPI's
    Selection."""
    combo = find(frame, Atspi.Role.COMBO_BOX, dropdown)
    if combo is None:
        raise AssertionError(f"no dropdown named {dropdown}")
    button = find(combo, Atspi.Role.PUSH_BUTTON)
    click(button)

    def item_list():
        for lst in walk(combo):
            if lst.get_role() != Atspi.Role.LIST:
                continue
            items = list(children(lst))
            for i, item in enumerate(items):
                if any(name_of(x).startswith(prefix) for x in walk(item)):
                    return lst, i
        return None

    lst, index = wait_for(f"{prefix} in the {dropdown} list", item_list)
    current = lst.get_selection_iface().get_selected_child(0).get_index_in_parent()
    for _ in range(index - current):
        Atspi.generate_keyboard_event(KEY_DOWN, None, Atspi.KeySynthType.SYM)
    Atspi.generate_keyboard_event(KEY_RETURN, None, Atspi.KeySynthType.SYM)
    wait_for(f"{dropdown} to show {prefix}",
             lambda: item_list() is None and
             any(name_of(x).startswith(prefix) for x in walk(combo)))


def find_app(pid):
    desktop = Atspi.get_desktop(0)
    for a in children(desktop):
        try:
            if a.get_process_id() == pid:
                return a
        except gi.repository.GLib.Error:
            pass
    return None


def check_names(tap, root, where):
    bad = unnamed_controls(root)
    tap.ok(not bad, f"every visible control is named ({where})",
           [f"unnamed: {b}" for b in bad])


def popup_buttons(frame):
    """Expanders, and the inner toggle of each menu button (a push button
    inside a push button); not a dropdown's, whose list is no control of
    ours."""
    found = []
    for a in walk(frame):
        try:
            role = a.get_role()
            if role not in (Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON) or not enabled(a):
                continue
            parent = a.get_parent()
            prole = parent.get_role() if parent is not None else None
        except gi.repository.GLib.Error:
            continue
        if prole == Atspi.Role.COMBO_BOX:
            continue
        if prole == Atspi.Role.PUSH_BUTTON or \
                a.get_state_set().contains(Atspi.StateType.EXPANDABLE):
            found.append(a)
    return found


def count_visible(app):
    return sum(1 for top in children(app) for _ in walk(top))


def popovers_named(tap, frame, where):
    """Opens each popover (menu buttons, expanders), checks what it shows,
    closes it."""
    app = frame.get_application()
    bad = []
    opened = []
    for b in popup_buttons(frame):
        before = count_visible(app)
        try:
            click(b)
            wait_for(f"{name_of(b)} to open", lambda: count_visible(app) > before, 3)
        except (AssertionError, TimeoutError, gi.repository.GLib.Error):
            continue
        opened.append(name_of(b))
        shown = count_visible(app)
        for a in bad_in_app(frame):
            if a not in bad:
                bad.append(a)
        try:
            click(b)
            wait_for(f"{name_of(b)} to close", lambda: count_visible(app) < shown, 3)
        except (AssertionError, TimeoutError, gi.repository.GLib.Error):
            pass
    tap.ok(len(opened) >= 3 and not bad,
           f"every control in the popovers is named ({where}: {', '.join(opened)})",
           [f"unnamed: {b}" for b in bad])


def bad_in_app(frame):
    app = frame.get_application()
    bad = []
    for top in children(app):
        bad.extend(unnamed_controls(top))
    return bad


def main(build_dir):
    # meson's timeout sends SIGTERM: end through the finally below, which
    # kills what was started
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    tap = Tap()
    session = atspi_session.Session()
    app = None
    client = None
    try:
        env = session.start()
        env["GSETTINGS_SCHEMA_DIR"] = os.path.join(build_dir, "data")
        app = subprocess.Popen([os.path.join(build_dir, "src", "sockscope")],
                               env=env, stdin=subprocess.DEVNULL,
                               stdout=sys.stderr.fileno())
        Atspi.init()
        root = wait_for("the app on the accessibility bus", lambda: find_app(app.pid))
        frame = wait_for("the window", lambda: find(root, Atspi.Role.FRAME))
        wait_for("the New Socket box", lambda: find(frame, Atspi.Role.COMBO_BOX))

        check_names(tap, root, "empty window")

        # socket(AF_INET, SOCK_STREAM): the defaults
        family = find(frame, Atspi.Role.COMBO_BOX, pred=lambda a: "AF_INET (2)" in
                      " ".join(name_of(x) for x in walk(a)))
        tap.ok(family is not None, "the family dropdown shows AF_INET")
        create = wait_for("Create Socket", lambda: find(frame, Atspi.Role.PUSH_BUTTON,
                                                        "Create Socket"))
        click(create)
        bind_entry = wait_for("the local address entry",
                              lambda: find(frame, Atspi.Role.TEXT, "Local address")
                              or find(frame, Atspi.Role.ENTRY, "Local address"))
        tap.ok(True, "Create Socket opens the socket's page")
        check_names(tap, root, "a new TCP socket")

        # bind(("127.0.0.1", 0))
        editable = bind_entry.get_editable_text_iface()
        editable.set_text_contents("127.0.0.1:0")
        bind = find(frame, Atspi.Role.PUSH_BUTTON, "Bind")
        click(bind)
        local = wait_for("the bound address", lambda: find(
            frame, Atspi.Role.LABEL,
            pred=lambda a: re.fullmatch(r"127\.0\.0\.1:[1-9]\d*", name_of(a) or text_of(a))))
        port = int((name_of(local) or text_of(local)).rsplit(":", 1)[1])
        tap.ok(port > 0, f"Bind shows the port the kernel chose ({port})")

        # listen()
        listen = find(frame, Atspi.Role.PUSH_BUTTON, "Listen")
        wait_for("Listen to be enabled", lambda: enabled(listen))
        click(listen)
        wait_for("Listen to be done", lambda: not enabled(listen))
        tap.ok(True, "Listen")
        check_names(tap, root, "a TCP listener")
        popovers_named(tap, frame, "a TCP listener")

        # a reply rule's row, made in code for each rule
        expander = find(frame, Atspi.Role.PUSH_BUTTON, "Auto-Reply")
        click(expander)
        add_rule = wait_for("Add Rule", lambda: find(frame, Atspi.Role.PUSH_BUTTON, "Add Rule"))
        click(add_rule)
        wait_for("the rule's row", lambda: find(frame, Atspi.Role.PUSH_BUTTON, "Remove Rule"))
        check_names(tap, root, "a reply rule")
        click(expander)

        # the seed's client, in python3
        client = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        client.sendall((CLIENT_TEXT + "\n").encode("utf-8"))
        try:
            found = wait_for("the client's text", lambda: find_text(frame, CLIENT_TEXT))
        except TimeoutError:
            found = None
        # the listener's page shows every connection's traffic: the person
        # testing a server watches the server
        tap.ok(found is not None,
               "the client's text is readable on the listener's page",
               [] if found else ["the listener's page does not show the client's text"])

        # the connection's own page, picked in the sidebar
        sockets = wait_for("the sidebar", lambda: find(frame, Atspi.Role.LIST, "Sockets"))
        tap.ok(True, "the sidebar is a list named Sockets")
        wait_for("the connection's row", lambda: len(list(children(sockets))) >= 2)
        rows = list(children(sockets))
        selection = sockets.get_selection_iface()
        if selection is not None:
            selection.select_child(len(rows) - 1)
        else:
            click(rows[-1])
        found = wait_for("the client's text on the connection's page",
                         lambda: find_text(frame, CLIENT_TEXT))
        tap.ok(found is not None, "the client's text is readable on the connection's page")
        check_names(tap, root, "an accepted connection")

        # a datagram socket's page: SOCK_DGRAM picked in the Type dropdown
        choose(frame, "Type", "SOCK_DGRAM")
        click(find(frame, Atspi.Role.PUSH_BUTTON, "Create Socket"))
        wait_for("the datagram page",
                 lambda: find(frame, Atspi.Role.TEXT, "Destination address"))
        check_names(tap, root, "a UDP socket")
    except (TimeoutError, AssertionError, atspi_session.SessionError,
            gi.repository.GLib.Error) as e:
        tap.ok(False, "the end-to-end run", [str(e)])
    except Exception as e:  # a bug here still ends in TAP, and in the cleanup
        tap.ok(False, "the end-to-end run", [repr(e)])
    finally:
        if client is not None:
            client.close()
        if app is not None:
            if app.poll() is None:
                # the app quits on SIGTERM; with ASan, LeakSanitizer then
                # runs and fails the exit status on a leak
                app.terminate()
                try:
                    app.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    app.kill()
                    app.wait(timeout=5)
            tap.ok(app.returncode == 0, f"the app quits cleanly (status {app.returncode})")
        session.stop()
    tap.plan()
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
