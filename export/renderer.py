"""The export renderer's limits: a few renders at a time, a short queue, a browser that is checked.

Rendering an image or a PDF takes a headless Chromium seconds to a minute of a core, so a
process renders at most :attr:`config.RenderLimits.slots` exports at once (:data:`GATE`); up to
``queue`` more wait at most ``wait_s`` seconds for a slot, and any export beyond that is told at
once to come back later (:class:`RendererBusy`, a 503 with ``Retry-After``). So an export storm
holds at most ``slots + queue`` of a worker's threads and the page, the API and ``/healthz`` keep
the others.

The browser is checked before any render (:func:`browser_status`: the file exists and
``--version`` answers within seconds); a missing or broken one is :class:`RendererUnavailable`
(``503 renderer unavailable``), never a hang. :class:`KaleidoRenderer` keeps one kaleido browser
per process on its own event-loop thread and bounds its start and every render with a timeout;
a render that overruns restarts the browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from config import RenderLimits, browser_path, render_limits_from_env
from export import workdir

#: Seconds the browser may take to say its version, and to start for kaleido.
PROBE_TIMEOUT_S = 10
START_TIMEOUT_S = 30
#: Seconds one figure may take (a 4× world map takes about 25 s on two busy cores).
RENDER_TIMEOUT_S = 90
#: How long a browser check is trusted (a usable browser is rechecked less often).
PROBE_TTL_S = {True: 300.0, False: 15.0}
#: Seconds a client is asked to wait per render ahead of it (a typical export takes ~10 s).
SECONDS_PER_RENDER = 10


class ExportError(RuntimeError):
    """The renderer failed or was too busy; the message is safe to show to a client."""


class RendererBusy(ExportError):
    """Every render slot and queue place is taken; retry after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("the image renderer is busy; try again shortly")
        self.retry_after = retry_after


class Cancelled(ExportError):
    """The export was cancelled while it rendered (its client has gone)."""


class RendererUnavailable(ExportError):
    """There is no usable browser to render with (``reason`` says why)."""

    retry_after = 60

    def __init__(self, reason: str) -> None:
        super().__init__(f"renderer unavailable: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class BrowserStatus:
    """Whether the browser can render, why not, and when that was checked (monotonic s)."""

    usable: bool
    reason: str
    path: str
    checked: float


_status_lock = threading.Lock()
_status: dict[str, BrowserStatus] = {}


def _probe(path: str) -> BrowserStatus:
    now = time.monotonic()
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        return BrowserStatus(False, f"no browser at {path}", path, now)
    try:
        done = subprocess.run(
            [path, "--headless", "--no-sandbox", "--version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=PROBE_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return BrowserStatus(False, f"{path} --version took over {PROBE_TIMEOUT_S} s", path, now)
    except OSError as exc:
        return BrowserStatus(False, f"{path} cannot run ({exc.strerror})", path, now)
    if done.returncode != 0:
        return BrowserStatus(False, f"{path} --version failed ({done.returncode})", path, now)
    return BrowserStatus(True, done.stdout.decode(errors="replace").strip(), path, now)


def browser_status(*, force: bool = False, quick: bool = False) -> BrowserStatus:
    """The browser's last check, made again when stale, ``force``d or for another path.

    ``quick`` only looks for the file (no process started): for the start-up warning.
    """
    path = browser_path()
    if quick:
        exists = os.path.isfile(path) and os.access(path, os.X_OK)
        return BrowserStatus(exists, "" if exists else f"no browser at {path}", path, 0.0)
    with _status_lock:
        last = _status.get("last")
        fresh = last is not None and time.monotonic() - last.checked < PROBE_TTL_S[last.usable]
        if force or not fresh or last is None or last.path != path:
            last = _status["last"] = _probe(path)
        return last


def mark_unusable(reason: str) -> None:
    """Record that the browser failed (e.g. kaleido could not start it) until the next check."""
    with _status_lock:
        _status["last"] = BrowserStatus(False, reason, browser_path(), time.monotonic())


def require_browser() -> None:
    """Raise :class:`RendererUnavailable` unless the browser is usable (seconds at most)."""
    status = browser_status()
    if not status.usable:
        raise RendererUnavailable(status.reason)


class RenderGate:
    """At most ``slots`` renders at once; ``queue`` more may wait ``wait_s``; the rest are told
    to retry at once. Re-entrant per thread: a report's figures share their report's slot."""

    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits
        self._cond = threading.Condition()
        self._active = 0
        self._waiting = 0
        self._local = threading.local()

    def depth(self) -> dict[str, int]:
        """Renders running and waiting now, and the limits."""
        with self._cond:
            return {
                "active": self._active,
                "waiting": self._waiting,
                "slots": self.limits.slots,
                "queue": self.limits.queue,
            }

    def retry_after(self) -> int:
        """Seconds to suggest to a client turned away now."""
        ahead = self._active + self._waiting
        return max(5, SECONDS_PER_RENDER * ahead // max(1, self.limits.slots))

    def enqueue(self) -> bool:
        """Take a slot (True) or a place in the queue (False) at once; :class:`RendererBusy`
        when both are full. A queued caller must then call :meth:`wait_turn`."""
        with self._cond:
            if self._active < self.limits.slots and self._waiting == 0:
                self._active += 1
                return True
            if self._waiting >= self.limits.queue:
                raise RendererBusy(self.retry_after())
            self._waiting += 1
            return False

    def wait_turn(self, wait_s: float) -> None:
        """Trade a place in the queue for a slot, waiting at most ``wait_s`` seconds."""
        with self._cond:
            deadline = time.monotonic() + wait_s
            try:
                while self._active >= self.limits.slots:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise RendererBusy(self.retry_after())
                    self._cond.wait(remaining)
            finally:
                self._waiting -= 1
            self._active += 1

    def _enter(self) -> None:
        if not self.enqueue():
            self.wait_turn(self.limits.wait_s)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Mark a slot taken by :meth:`enqueue`/:meth:`wait_turn` as this thread's, release it
        at the end of the block."""
        self._local.held = True
        try:
            yield
        finally:
            self._local.held = False
            self._leave()

    def _leave(self) -> None:
        with self._cond:
            self._active -= 1
            self._cond.notify()

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a render slot for the block (raises :class:`RendererBusy` if none comes)."""
        if getattr(self._local, "held", False):
            yield
            return
        self._enter()
        with self.held():
            yield


GATE = RenderGate(render_limits_from_env())


@contextlib.contextmanager
def render_slot() -> Iterator[None]:
    """A slot of :data:`GATE` for a render that needs the browser (checked first)."""
    require_browser()
    with GATE.slot():
        yield


class KaleidoRenderer:
    """One kaleido browser on its own event-loop thread, every call bounded by a timeout.

    kaleido's own sync server waits forever when its browser dies or never starts; here a
    start that fails or overruns is :class:`RendererUnavailable` and a render that overruns
    restarts the browser. Callers serialise calls (the render gate, and :attr:`lock`).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._pid = 0
        #: Threads whose renders are cancelled, the thread rendering now and its call.
        self._cancelled: set[int] = set()
        self._holder = 0
        self._call: Any = None

    def _running(self) -> bool:
        return (
            self._kaleido is not None
            and self._pid == os.getpid()
            and self._thread is not None
            and self._thread.is_alive()
        )

    def _start(self) -> None:
        import kaleido  # here, not at the top: importing it costs every start 25 ms

        workdir.process_dir()  # kaleido's page and the browser profile go there
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="landfall-kaleido", daemon=True)
        thread.start()
        self._loop, self._thread, self._pid = loop, thread, os.getpid()

        async def open_browser() -> Any:
            # mathjax=False: kaleido's default MathJax comes from a CDN, which is off limits.
            renderer = kaleido.Kaleido(
                n=1, timeout=RENDER_TIMEOUT_S, mathjax=False, path=browser_path()
            )
            await renderer.open()
            return renderer

        future = asyncio.run_coroutine_threadsafe(open_browser(), loop)
        try:
            self._kaleido = future.result(timeout=START_TIMEOUT_S)
        except Exception as exc:
            future.cancel()
            self.stop()
            reason = f"the browser did not start ({type(exc).__name__})"
            mark_unusable(reason)
            raise RendererUnavailable(reason) from exc

    def render(self, fig: Any, opts: dict[str, Any], topojson: str | None) -> bytes:
        """The figure rendered to ``opts['format']``; :class:`ExportError` if that fails,
        :class:`Cancelled` if :meth:`cancel` was called for this thread."""
        with self.lock:
            self.check_cancelled()
            if not self._running():
                self.stop()
                self._start()
            assert self._loop is not None
            call = self._kaleido.calc_fig(fig, opts=opts, topojson=topojson)
            future = asyncio.run_coroutine_threadsafe(call, self._loop)
            self._holder, self._call = threading.get_ident(), future
            try:
                result = future.result(timeout=RENDER_TIMEOUT_S + 5)
            except TimeoutError as exc:
                future.cancel()
                self.stop()  # the browser may be wedged: the next render starts a new one
                raise ExportError("the image took too long to render") from exc
            except Exception as exc:
                if threading.get_ident() in self._cancelled:
                    self.stop()  # its browser was killed: the next render starts a new one
                    raise Cancelled("the export was cancelled") from exc
                raise ExportError(f"the image renderer failed ({type(exc).__name__})") from exc
            finally:
                self._holder, self._call = 0, None
        if not isinstance(result, bytes | bytearray) or not result:
            raise ExportError("the image renderer returned no image")
        return bytes(result)

    def check_cancelled(self) -> None:
        """Raise :class:`Cancelled` if this thread's renders are cancelled (long work between
        renders may ask)."""
        if threading.get_ident() in self._cancelled:
            raise Cancelled("the export was cancelled")

    def cancel(self, thread: int) -> None:
        """Cancel the renders of ``thread``: the one running now (its browser is killed, which
        a render cannot survive) and any it asks for later, until :meth:`forget`."""
        self._cancelled.add(thread)
        call = self._call
        if self._holder == thread and call is not None:
            call.cancel()
            self.kill()

    def forget(self, thread: int) -> None:
        """``thread``'s job has ended: its later renders are no longer cancelled."""
        self._cancelled.discard(thread)

    def kill(self) -> None:
        """End the browser at once (a stopping worker does not wait for a render)."""
        if self._pid == os.getpid():
            self._kill_browser()

    def _kill_browser(self) -> None:
        process = getattr(self._kaleido, "subprocess", None)
        if process is not None and process.poll() is None:
            # choreographer starts the browser in its own session: end the whole group.
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)

    def stop(self) -> None:
        """Close the browser (killing it if it does not close in seconds) and the loop."""
        loop, renderer = self._loop, self._kaleido
        if loop is not None and renderer is not None and self._pid == os.getpid():
            closing = asyncio.run_coroutine_threadsafe(renderer.close(), loop)
            with contextlib.suppress(Exception):
                closing.result(timeout=10)
            self._kill_browser()
        if loop is not None and self._pid == os.getpid():
            loop.call_soon_threadsafe(loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=5)
        self._loop, self._thread, self._kaleido = None, None, None


RENDERER = KaleidoRenderer()


def _after_fork_in_child() -> None:
    """A forked process (a background callback's) starts with no slot taken, no lock held and
    no browser: its parent's render threads do not exist in it."""
    GATE.__init__(GATE.limits)  # type: ignore[misc]
    RENDERER.__init__()  # type: ignore[misc]


os.register_at_fork(after_in_child=_after_fork_in_child)


def readiness() -> tuple[bool, dict[str, Any]]:
    """Whether the renderer can take exports, with the browser check and the queue's depth."""
    status = browser_status()
    report: dict[str, Any] = {
        "usable": status.usable,
        "browser": status.path,
        "detail": status.reason,
        "queue": GATE.depth(),
    }
    return status.usable, report


def startup_check() -> str | None:
    """At start: sweep what stopped processes left; a warning if there is no browser to render
    with (only a file check: starting a browser would slow every start)."""
    workdir.sweep_stale()
    status = browser_status(quick=True)
    if status.usable:
        return None
    return f"exports that need a browser are unavailable: {status.reason}"
