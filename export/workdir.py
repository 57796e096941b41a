"""One temporary folder per process for every file the exports write, swept at start and exit.

The renderers write temporary files: kaleido's page and Chromium profile, the PDF printer's
profile and pages, the GeoPackage writer's scratch file. A process killed in the middle of an
export (``kill -9`` of a gunicorn worker) cannot clean up after itself, so all of them live in
``<root>/<pid>/`` (:func:`process_dir`; Python's ``tempfile`` is pointed there, so libraries that
make their own temporary folders use it too) and whoever comes next sweeps what a dead process
left: the process itself at exit, gunicorn's master when a worker dies (``child_exit`` in
gunicorn.conf.py) and every start (:func:`sweep_stale`). A sweep also ends any browser still
running with its profile in the folder, so a child browser never outlives its worker.

The root is ``$LANDFALL_TMP`` if set, else ``<system temp>/landfall-run``.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

log = logging.getLogger("landfall.export")

ROOT_ENV = "LANDFALL_TMP"
#: The system's temporary folder, read before this module points ``tempfile`` elsewhere.
_SYSTEM_TMP = tempfile.gettempdir()

_lock = threading.Lock()
#: The folder claimed by this process (pid → folder): a forked worker claims its own.
_claimed: dict[int, Path] = {}


def root() -> Path:
    """The folder holding every process's temporary folder."""
    value = os.environ.get(ROOT_ENV, "").strip()
    return Path(value) if value else Path(_SYSTEM_TMP) / "landfall-run"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's process: not ours to sweep
        return True
    return True


def processes_using(folder: Path) -> list[int]:
    """The ids of the processes whose command line names ``folder`` (browsers given a profile
    or a page in it), read from ``/proc``; empty where there is no ``/proc``."""
    needle = f"{folder}{os.sep}".encode()  # "/…/12/" must not match "/…/123/…"
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if needle in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except (OSError, ValueError):
            continue  # the process ended while we looked
    return [pid for pid in found if pid != os.getpid()]


def _end(pid: int) -> None:
    """Kill ``pid`` and, when it leads a session of its own (the renderers start every browser
    so), its whole process group: a browser's helpers do not name the profile folder."""
    try:
        group = os.getpgid(pid)
        if group != os.getpgid(0):
            os.killpg(group, signal.SIGKILL)
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass  # it ended on its own meanwhile


def sweep(folder: Path) -> int:
    """End the processes still using ``folder``, then delete it; the number of processes ended."""
    using = processes_using(folder)
    for pid in using:
        _end(pid)
    ended = len(using)
    shutil.rmtree(folder, ignore_errors=True)
    return ended


def sweep_stale() -> list[str]:
    """Sweep the folders of processes that no longer run; what was swept, for the log."""
    swept: list[str] = []
    base = root()
    if not base.is_dir():
        return swept
    for folder in sorted(base.iterdir()):
        if folder.name.isdigit() and _alive(int(folder.name)):
            continue
        ended = sweep(folder)
        swept.append(f"{folder} ({ended} processes ended)" if ended else str(folder))
    if swept:
        log.warning("Swept temporary files of stopped processes: %s", ", ".join(swept))
    return swept


def release() -> None:
    """Sweep this process's folder (at exit; also called by gunicorn's ``worker_exit``)."""
    with _lock:
        folder = _claimed.pop(os.getpid(), None)
    if folder is not None:
        sweep(folder)


def process_dir() -> Path:
    """This process's temporary folder, made on first use (and after a fork, the new one).

    Python's ``tempfile`` writes there from then on; it is swept when the process exits.
    """
    pid = os.getpid()
    with _lock:
        folder = _claimed.get(pid)
        if folder is not None and folder.is_dir():
            return folder
        folder = root() / str(pid)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        _claimed.clear()  # a forked child forgets its parent's folder (the parent sweeps it)
        _claimed[pid] = folder
        tempfile.tempdir = str(folder)
    return folder


# A forked worker inherits this handler, which sweeps the folder of whichever process exits.
atexit.register(release)


def _after_fork_in_child() -> None:
    global _lock
    _lock = threading.Lock()  # the parent may have held it while forking


os.register_at_fork(after_in_child=_after_fork_in_child)
