"""Rendered exports as jobs: off the request thread, shared by the workers, cached by query.

A scriptable image or PDF export (``/export/figure/…``, ``/export/report.pdf``) becomes a job
keyed by the data version and the normalised query (:func:`job_key`). The request waits
:data:`SHORT_WAIT_S` for it (if no other request of the process is waiting): a quick result is answered directly, a slow one with ``202
Accepted`` and the job's URL (``/export/jobs/<key>``) to poll, which answers 202 until the file
is ready and then the file itself. The same query asked again, from any worker, joins the
running job or gets the finished file from the store at once (the data never changes while the
app runs, so the file is the same; it states when it was first rendered).

A job renders on a thread of the worker that accepted it, holding a slot of that worker's render
gate (:mod:`export.renderer`): accepting it takes a slot or a queue place at once, or is refused
(503 with ``Retry-After``). With ``$LANDFALL_REDIS_URL`` set it goes instead to the Celery queue
that every instance shares (:mod:`export.celery_jobs`), refused when that queue is full. A job
whose client has gone is cancelled: a queued one nobody has asked about for :data:`ABANDON_S`
before it renders, a running one after :data:`ABANDON_RUNNING_S` (its render is stopped). Job states and results live in a
``diskcache`` store that every worker of the instance opens (``$LANDFALL_JOBS_DIR``, else
``<system temp>/landfall-jobs``), or in Redis when ``$LANDFALL_REDIS_URL`` is set, so that
several instances share them; a job whose worker died is reported as failed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import diskcache
import orjson

from export import celery_jobs, meta, renderer

log = logging.getLogger("landfall.export")

JOBS_DIR_ENV = "LANDFALL_JOBS_DIR"
#: Response header on a download served from the store (for tests and operators).
CACHE_HEADER = "X-Landfall-Export-Cache"
#: Seconds a scriptable export waits for its job before answering 202 (``$LANDFALL_EXPORT_WAIT_S``).
WAIT_ENV = "LANDFALL_EXPORT_WAIT_S"
SHORT_WAIT_S = float(os.environ.get(WAIT_ENV, "").strip() or 5)
#: Request threads per process that may wait for a job at once; other requests get their 202
#: (or the file, if it is done) without waiting, so waiting never takes the page's threads.
WAITERS = 1
#: Seconds a client is asked to wait between polls.
POLL_AFTER_S = 5
#: A queued job nobody asked about for this long is cancelled before it renders.
ABANDON_S = 60.0
#: A running job nobody has asked about for this long (``$LANDFALL_EXPORT_ABANDON_S``; clients
#: poll every :data:`POLL_AFTER_S`) is cancelled, its render stopped.
ABANDON_ENV = "LANDFALL_EXPORT_ABANDON_S"
ABANDON_RUNNING_S = float(os.environ.get(ABANDON_ENV, "").strip() or 30)
#: Seconds between a running job's looks at whether it is still wanted.
WATCH_EVERY_S = 1.0
#: Seconds a queued job waits for a render slot before it fails as busy.
QUEUE_WAIT_S = 600.0
#: How long finished files and job states are kept, and the store's size.
KEEP_S = 3600
STORE_BYTES = 1024**3
QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
ENDED = (DONE, FAILED, CANCELLED)
#: Source folders whose code shapes a rendered file (their text is part of the data version).
_CODE_DIRS = ("export", "figures", "services", "analysis", "datalayer")
_REPO = Path(__file__).resolve().parent.parent

Work = Callable[[], meta.ExportFile]


def store_dir() -> Path:
    """Where the job store lives (shared by every worker of one instance)."""
    value = os.environ.get(JOBS_DIR_ENV, "").strip()
    return Path(value) if value else Path(tempfile.gettempdir()) / "landfall-jobs"


def _code_digest() -> bytes:
    digest = hashlib.sha256()
    for folder in _CODE_DIRS:
        for path in sorted((_REPO / folder).glob("*.py")):
            digest.update(path.read_bytes())
    return digest.digest()


_versions: dict[int, str] = {}


def data_version(metadata: Any, ids: Iterable[Iterable[str]]) -> str:
    """A digest of the data (its metadata and every feature id) and of the rendering code."""
    digest = hashlib.sha256(orjson.dumps(metadata, option=orjson.OPT_SORT_KEYS))
    for column in ids:
        digest.update("\n".join(map(str, column)).encode())
    digest.update(_code_digest())
    return digest.hexdigest()[:16]


def job_key(version: str, path: str, query: str, options: dict[str, str]) -> str:
    """The job (and cached file) of ``path`` for a normalised query and its options."""
    material = orjson.dumps([version, path, query, sorted(options.items())])
    return hashlib.sha256(material).hexdigest()[:32]


REDIS_ENV = "LANDFALL_REDIS_URL"


class RedisStore:
    """The job store in Redis, for several app instances (``$LANDFALL_REDIS_URL``): the same
    ``get``/``set(expire=)`` as the diskcache store, values pickled, keys under one prefix."""

    PREFIX = "landfall:jobs:"

    def __init__(self, url: str) -> None:
        import redis  # here: only a multi-instance deployment needs it

        self._redis = redis.Redis.from_url(url)

    def get(self, key: str) -> Any:
        """The value stored under ``key``, or ``None``."""
        raw = self._redis.get(self.PREFIX + key)
        return pickle.loads(raw) if isinstance(raw, bytes) else None  # our own values

    def set(self, key: str, value: Any, expire: int | None = None) -> None:
        """Store ``value`` under ``key`` for ``expire`` seconds."""
        self._redis.set(self.PREFIX + key, pickle.dumps(value), ex=expire)


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_alive(owner: str) -> bool:
    """Whether the process that owns a job runs; another host's is trusted (its state expires)."""
    host, _, pid = owner.rpartition(":")
    return host != socket.gethostname() or not pid.isdigit() or _alive(int(pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Jobs:
    """The job runner of one process over the instance's shared store."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters = threading.BoundedSemaphore(WAITERS)
        #: The threads of the jobs this process started (finished ones are dropped).
        self.threads: list[threading.Thread] = []
        self._store: Any = None
        self._pid = 0

    @property
    def store(self) -> Any:
        """The store, opened anew in each process (a forked worker does not reuse a handle):
        Redis when ``$LANDFALL_REDIS_URL`` is set (shared by instances), else diskcache
        (shared by the workers of one instance)."""
        if self._store is None or self._pid != os.getpid():
            url = os.environ.get(REDIS_ENV, "").strip()
            self._store = (
                RedisStore(url)
                if url
                else diskcache.Cache(str(store_dir()), size_limit=STORE_BYTES)
            )
            self._pid = os.getpid()
        return self._store

    def status(self, key: str) -> dict[str, Any] | None:
        """The job's state (``None`` if unknown); a job whose worker died has failed."""
        status: dict[str, Any] | None = self.store.get(f"job:{key}")
        if status and status["state"] in (QUEUED, RUNNING) and not _owner_alive(status["owner"]):
            status = self._set(key, state=FAILED, error="the worker rendering it stopped", code=503)
        return status

    def result(self, key: str) -> meta.ExportFile | None:
        """The finished file, if the store still has it."""
        found = self.store.get(f"file:{key}")
        return meta.ExportFile(*found) if found else None

    def touch(self, key: str) -> None:
        """A client asked about the job: it is wanted."""
        status = self.store.get(f"job:{key}")
        # A write per poll would make pollers contend with the job for the store: once a second.
        if status and time.time() - status.get("seen", 0) > 1:
            self.store.set(f"job:{key}", {**status, "seen": time.time()}, expire=KEEP_S)

    def _set(self, key: str, **fields: Any) -> dict[str, Any]:
        status = {**(self.store.get(f"job:{key}") or {}), **fields}
        self.store.set(f"job:{key}", status, expire=KEEP_S)
        return status

    def submit(self, key: str, work: Work, path: str = "", query: str = "") -> None:
        """Start ``work`` as job ``key`` unless it already runs (raises RendererBusy when every
        slot and queue place is taken). With ``$LANDFALL_REDIS_URL`` set the job goes to the
        Celery queue as ``path`` and ``query``, which a worker turns back into ``work``."""
        with self._lock:
            current = self.status(key)
            if current and current["state"] in (QUEUED, RUNNING):
                self.touch(key)
                return
            url = celery_jobs.redis_url()
            if url and path:
                self._send(url, key, path, query)
                return
            gate = renderer.GATE  # this job's gate, whatever replaces the module's later
            granted = gate.enqueue()
            self._begin(key, RUNNING if granted else QUEUED)
        thread = threading.Thread(
            target=self._run,
            args=(key, work, gate, granted),
            name=f"landfall-job-{key[:8]}",
            daemon=True,
        )
        thread.start()
        self.threads = [t for t in self.threads if t.is_alive()] + [thread]

    def _begin(self, key: str, state: str, owner: str = "") -> None:
        now = time.time()
        self._set(
            key, state=state, owner=owner or _owner(), created=now, seen=now, error=None, code=None
        )

    def _send(self, url: str, key: str, path: str, query: str) -> None:
        """Queue the job for the Celery workers, or refuse it at once when the queue is full."""
        depth = celery_jobs.queue_depth(url)
        if depth >= celery_jobs.QUEUE_BOUND:
            raise renderer.RendererBusy(max(5, renderer.SECONDS_PER_RENDER * depth))
        # Owned by the queue until a worker takes it (then by the worker's process).
        self._begin(key, QUEUED, owner="celery")
        celery_jobs.send_render(url, key, path, query)

    def run_here(self, key: str, work: Work) -> None:
        """Run job ``key`` in this process now (a Celery worker's task), unless it has ended."""
        status = self.status(key)
        if status and status["state"] in ENDED:
            return
        gate = renderer.GATE
        granted = gate.enqueue()
        self._set(key, owner=_owner())
        self._run(key, work, gate, granted)

    def fail(self, key: str, error: str, code: int) -> None:
        """Record that job ``key`` failed before it could run."""
        self._set(key, state=FAILED, error=error, code=code)

    def _run(self, key: str, work: Work, gate: renderer.RenderGate, granted: bool) -> None:
        try:
            if not granted:
                gate.wait_turn(QUEUE_WAIT_S)
            with gate.held():
                status = self.status(key) or {}
                if time.time() - status.get("seen", 0) > ABANDON_S:
                    self._set(key, state=CANCELLED, error="nobody asked for it any more")
                    return
                self._set(key, state=RUNNING)
                file = self._watched(key, work)
                self.store.set(
                    f"file:{key}", (file.filename, file.mimetype, file.content), expire=KEEP_S
                )
                self._set(key, state=DONE)
        except renderer.Cancelled:
            pass  # the watch has said why
        except renderer.ExportError as exc:
            self._set(key, state=FAILED, error=str(exc), code=503)
        except Exception:
            log.exception("Export job %s failed", key)
            self._set(key, state=FAILED, error="internal error", code=500)

    def _watched(self, key: str, work: Work) -> meta.ExportFile:
        """``work()``, cancelled (its render stopped) once nobody has asked about the job for
        :data:`ABANDON_RUNNING_S`: its client has gone."""
        done = threading.Event()
        thread = threading.get_ident()
        watch = threading.Thread(
            target=self._watch, args=(key, thread, done), name=f"landfall-watch-{key[:8]}"
        )
        watch.daemon = True
        watch.start()
        try:
            file = work()
        finally:
            done.set()
            watch.join()
            renderer.RENDERER.forget(thread)
        if (self.status(key) or {}).get("state") == CANCELLED:
            raise renderer.Cancelled("the export was cancelled")
        return file

    def _watch(self, key: str, thread: int, done: threading.Event) -> None:
        while not done.wait(WATCH_EVERY_S):
            status = self.store.get(f"job:{key}") or {}
            if time.time() - status.get("seen", 0) > ABANDON_RUNNING_S:
                log.info("Export job %s cancelled: its client has gone", key)
                self._set(key, state=CANCELLED, error="nobody asked for it any more")
                renderer.RENDERER.cancel(thread)
                return

    def wait(self, key: str, seconds: float) -> dict[str, Any] | None:
        """The job's state once it has ended, or after ``seconds``, whichever comes first; at
        once when :data:`WAITERS` other requests of this process are waiting already."""
        if not self._waiters.acquire(blocking=False):
            return self.status(key)
        try:
            return self._wait(key, seconds)
        finally:
            self._waiters.release()

    def _wait(self, key: str, seconds: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + seconds
        while True:
            status = self.status(key)
            if status is None or status["state"] in ENDED or time.monotonic() >= deadline:
                return status
            self.touch(key)  # the client is waiting for it
            time.sleep(0.1)


JOBS = Jobs()
