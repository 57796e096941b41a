"""Landfall's Celery worker (with ``$LANDFALL_REDIS_URL`` set): ``celery -A worker worker``.

It builds the app as a web instance does, so the page's background callbacks and the export
render task are registered under the same names, then takes jobs from the shared Redis queue.
"""

from __future__ import annotations

import sys

from app import create_app
from export import celery_jobs

_URL = celery_jobs.redis_url()
if not _URL:
    print("Landfall worker: set LANDFALL_REDIS_URL (redis://host:port/db)", file=sys.stderr)
    raise SystemExit(2)

#: Building the app registers every task on this Celery app (``-A worker`` finds it here).
celery = celery_jobs.celery_app(_URL)
dash_app = create_app()
