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
(503 with ``Retry-After``). A queued job nobody has asked about for :data:`ABANDON_S` is
cancelled before it renders (its client has gone). Job states and results live in a
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

from export import meta, renderer

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

    def submit(self, key: str, work: Work) -> None:
        """Start ``work`` as job ``key`` unless it already runs (raises RendererBusy when every
        slot and queue place of this process is taken)."""
        with self._lock:
            current = self.status(key)
            if current and current["state"] in (QUEUED, RUNNING):
                self.touch(key)
                return
            gate = renderer.GATE  # this job's gate, whatever replaces the module's later
            granted = gate.enqueue()
            now = time.time()
            self._set(
                key,
                state=RUNNING if granted else QUEUED,
                owner=_owner(),
                created=now,
                seen=now,
                error=None,
                code=None,
            )
        thread = threading.Thread(
            target=self._run,
            args=(key, work, gate, granted),
            name=f"landfall-job-{key[:8]}",
            daemon=True,
        )
        thread.start()
        self.threads = [t for t in self.threads if t.is_alive()] + [thread]

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
                file = work()
                self.store.set(
                    f"file:{key}", (file.filename, file.mimetype, file.content), expire=KEEP_S
                )
                self._set(key, state=DONE)
        except renderer.RendererBusy as exc:
            self._set(key, state=FAILED, error=str(exc), code=503)
        except renderer.ExportError as exc:
            self._set(key, state=FAILED, error=str(exc), code=503)
        except Exception:
            log.exception("Export job %s failed", key)
            self._set(key, state=FAILED, error="internal error", code=500)

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
            time.sleep(0.1)


JOBS = Jobs()
