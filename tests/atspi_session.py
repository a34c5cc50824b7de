# SPDX-License-Identifier: GPL-3.0-or-later
#
# A private desktop session with an accessibility bus, as on a GNOME
# desktop: Xvfb, a session dbus-daemon, an accessibility dbus-daemon and
# at-spi2-registryd, each started here and killed by its PID at the end.
# Used by the end-to-end test (test-e2e-atspi.py) as a module, and by the
# benchmarks as a wrapper:
#
#   python3 atspi_session.py -- COMMAND [ARGS...]
#
# runs COMMAND with the session's environment and exits with its status.

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>{kind}</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

REGISTRYD = "/usr/libexec/at-spi2-registryd"
START_TIMEOUT = 10.0


class SessionError(RuntimeError):
    pass


def _read_line(fd, what, timeout=START_TIMEOUT):
    """Reads one line a child writes on FD (its address or display), bounded."""
    import select

    data = b""
    deadline = time.monotonic() + timeout
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0:
            raise SessionError(f"{what} did not start within {timeout:.0f} s")
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            raise SessionError(f"{what} exited before it was ready")
        data += chunk
    return data.decode().strip()


class Session:
    """Start with start(), end with stop(); stop() is safe to call twice."""

    def __init__(self):
        self.procs = []
        self.tmp = None
        self.env = None

    def _spawn(self, argv, env=None, pass_fds=()):
        # stdout is the test's TAP: what these say goes to stderr
        proc = subprocess.Popen(argv, env=env, pass_fds=pass_fds,
                                stdin=subprocess.DEVNULL, stdout=sys.stderr.fileno(),
                                start_new_session=True)
        self.procs.append(proc)
        return proc

    def _dbus(self, kind):
        bus_dir = os.path.join(self.tmp, kind)
        os.mkdir(bus_dir)
        config = os.path.join(self.tmp, kind + ".conf")
        with open(config, "w", encoding="utf-8") as f:
            f.write(BUS_CONFIG.format(kind=kind, dir=bus_dir))
        r, w = os.pipe()
        try:
            self._spawn(["dbus-daemon", "--nofork", "--config-file=" + config,
                         "--print-address=%d" % w], pass_fds=(w,))
            os.close(w)
            w = -1
            return _read_line(r, f"the {kind} bus")
        finally:
            os.close(r)
            if w >= 0:
                os.close(w)

    def start(self):
        self.tmp = tempfile.mkdtemp(prefix="sockscope-atspi-")
        try:
            r, w = os.pipe()
            try:
                self._spawn(["Xvfb", "-displayfd", str(w), "-screen", "0",
                             "1366x768x24", "-nolisten", "tcp", "-noreset"],
                            pass_fds=(w,))
                os.close(w)
                w = -1
                display = ":" + _read_line(r, "Xvfb")
            finally:
                os.close(r)
                if w >= 0:
                    os.close(w)

            env = dict(os.environ)
            for d in ("home", "config", "data", "cache", "runtime"):
                os.mkdir(os.path.join(self.tmp, d), 0o700)
            env.update({
                "DISPLAY": display,
                "HOME": os.path.join(self.tmp, "home"),
                "XDG_CONFIG_HOME": os.path.join(self.tmp, "config"),
                "XDG_DATA_HOME": os.path.join(self.tmp, "data"),
                "XDG_CACHE_HOME": os.path.join(self.tmp, "cache"),
                "XDG_RUNTIME_DIR": os.path.join(self.tmp, "runtime"),
                "GTK_A11Y": "atspi",
                "GDK_BACKEND": "x11",
                "GSK_RENDERER": "cairo",
                "GSETTINGS_BACKEND": "memory",
            })
            env.pop("WAYLAND_DISPLAY", None)
            env["DBUS_SESSION_BUS_ADDRESS"] = self._dbus("session")
            env["AT_SPI_BUS_ADDRESS"] = self._dbus("accessibility")
            # The registry finds the accessibility bus through
            # AT_SPI_BUS_ADDRESS and claims org.a11y.atspi.Registry on it.
            self._spawn([REGISTRYD], env=env)
            self.env = env
            os.environ.update(env)
            self._wait_registry()
        except BaseException:
            self.stop()
            raise
        return env

    def _wait_registry(self):
        argv = ["dbus-send", "--bus=" + self.env["AT_SPI_BUS_ADDRESS"],
                "--print-reply", "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
                "string:org.a11y.atspi.Registry"]
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            out = subprocess.run(argv, capture_output=True, text=True,
                                 timeout=START_TIMEOUT, check=False).stdout
            if "boolean true" in out:
                return
            time.sleep(0.05)
        raise SessionError("at-spi2-registryd did not claim its name in time")

    def stop(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        self.procs = []
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


def main(argv):
    if len(argv) < 2 or argv[0] != "--":
        print("usage: atspi_session.py -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    session = Session()
    child = None

    def forward(signum, _frame):
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    try:
        env = session.start()
        child = subprocess.Popen(argv[1:], env=env)
        return child.wait()
    except SessionError as e:
        print(f"atspi_session: {e}", file=sys.stderr)
        return 1
    finally:
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()
        session.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
