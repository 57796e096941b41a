"""The Celery side of the jobs, used when ``$LANDFALL_REDIS_URL`` is set.

Then the rendered exports (``/export/figure/…``, ``/export/report.pdf``) and the page's
background callbacks (Dash's ``CeleryManager``: the critical-cable ranking and the card's
exports) run on Celery workers (``celery -A worker worker``, see ``worker.py``) fed by one Redis
queue, with their states and results in the same Redis: several app instances share the queue
and the results. Without the variable nothing here is imported and the jobs run in the web
workers (:mod:`export.jobs`).
"""

from __future__ import annotations

import functools
import os
from typing import Any

REDIS_ENV = "LANDFALL_REDIS_URL"
#: The one queue every instance sends to and every worker takes from.
QUEUE = "landfall"
#: The task that renders one scriptable export (registered by :mod:`export.routes`).
RENDER_TASK = "landfall.render_export"
#: Exports waiting in the queue beyond which a new one is refused with ``Retry-After``
#: (``$LANDFALL_CELERY_QUEUE``): a storm is told to come back rather than piling up.
QUEUE_ENV = "LANDFALL_CELERY_QUEUE"
QUEUE_BOUND = int(os.environ.get(QUEUE_ENV, "").strip() or 4)
#: Seconds Celery keeps a task's result (the job store keeps files as long).
RESULT_EXPIRES_S = 3600


def redis_url() -> str:
    """``$LANDFALL_REDIS_URL``, or an empty string when the jobs run in the web workers."""
    return os.environ.get(REDIS_ENV, "").strip()


@functools.cache
def celery_app(url: str) -> Any:
    """The Celery app over Redis at ``url`` (broker and result backend), one per process."""
    from celery import Celery  # here: only a multi-instance deployment needs it

    app = Celery("landfall", broker=url, backend=url)
    app.conf.update(
        task_default_queue=QUEUE,
        # A render takes a core for seconds: a worker takes one task at a time, so a queued
        # export waits in Redis (where any worker can take it), not in a busy worker.
        worker_prefetch_multiplier=1,
        task_acks_late=False,
        result_expires=RESULT_EXPIRES_S,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return app


def queue_depth(url: str) -> int:
    """Tasks waiting in the queue (not those a worker runs)."""
    import redis

    return int(redis.Redis.from_url(url).llen(QUEUE))  # type: ignore[arg-type]


def send_render(url: str, key: str, path: str, query: str) -> None:
    """Queue the render of export ``key`` (``path`` with ``query``) for any worker."""
    celery_app(url).send_task(RENDER_TASK, args=(key, path, query), queue=QUEUE)
