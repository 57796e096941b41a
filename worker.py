"""Landfall's Celery worker (with ``$LANDFALL_REDIS_URL`` set): ``celery -A worker worker``.

It builds the app as a web instance does, so the page's background callbacks and the export
render task are registered under the same names, then takes jobs from the shared Redis queue.
Each render process ends its browser and sweeps its temporary folder when it stops (Celery's
pool ends its processes without Python's exit handlers), and the worker sweeps what is left.
"""

from __future__ import annotations

import sys
from typing import Any

from celery import signals

from app import create_app
from export import celery_jobs, images, workdir

_URL = celery_jobs.redis_url()
if not _URL:
    print("Landfall worker: set LANDFALL_REDIS_URL (redis://host:port/db)", file=sys.stderr)
    raise SystemExit(2)

#: Building the app registers every task on this Celery app (``-A worker`` finds it here).
celery = celery_jobs.celery_app(_URL)
dash_app = create_app()


@signals.worker_process_shutdown.connect
def _render_process_stops(**_: Any) -> None:
    """A render process stops: its browser and temporary files go with it."""
    images.stop_server(wait_s=5)
    workdir.release()


@signals.worker_shutdown.connect
def _worker_stops(**_: Any) -> None:
    """The worker stops: sweep whatever its render processes left."""
    workdir.release()
    workdir.sweep_stale()
