"""gunicorn settings for Landfall in production: ``gunicorn -c gunicorn.conf.py app:server``.

Environment overrides: ``LANDFALL_BIND`` (default ``127.0.0.1:8050``; put a reverse proxy in
front rather than binding a public interface), ``LANDFALL_WORKERS`` (2: one per core of the
target machine), ``LANDFALL_THREADS`` (4), ``LANDFALL_ACCESS_LOG`` (a path or ``-`` for
stdout; off by default), ``LANDFALL_DATA`` (the dataset directory, read by the app itself), ``LANDFALL_RENDER_CACHE=0``
(turns off the render-callback response cache, see web/render_cache.py).

Response compression (gzip, brotli, zstd through flask-compress) is on in the app itself
(``Dash(compress=True)``); ``/healthz`` answers ``{"status": "ok"}`` for a load balancer.
"""

from __future__ import annotations

import os
from typing import Any

wsgi_app = "app:server"
bind = [os.environ.get("LANDFALL_BIND", "127.0.0.1:8050")]
# Two cores: two worker processes, each with a few threads for the many small requests
# (assets, layout, dependencies) a page load makes next to its render callbacks.
workers = int(os.environ.get("LANDFALL_WORKERS", "2"))
threads = int(os.environ.get("LANDFALL_THREADS", "4"))
worker_class = "gthread"
# Load and validate the data once in the master, then fork: workers share those pages
# copy-on-write and a broken dataset stops the start-up before any worker exists.
preload_app = True
timeout = 60
# The page keeps its whole state in the URL, and its own parser takes up to 500 values per list
# (datalayer.fields.MAX_VALUES): 200 cut cables are ~4.9 kB of request line, a 200-point
# corridor ~7 kB, and 500 cables ~12 kB, while gunicorn's largest finite limit is 8,190 bytes.
# 0 lifts gunicorn's limit: the app bounds what it uses, and request bodies stay at 4 MiB
# (web/security.py). A reverse proxy in front needs as much room (nginx:
# large_client_header_buffers 4 64k).
limit_request_line = 0
graceful_timeout = 30
keepalive = 5
# No runtime control socket (gunicorn ≥ 25 creates ~/.gunicorn/gunicorn.ctl by default).
control_socket_disable = True
accesslog = os.environ.get("LANDFALL_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LANDFALL_LOG_LEVEL", "info")
# Worker heartbeat files on tmpfs where there is one (a slow disk can stall heartbeats).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
proc_name = "landfall"


def post_worker_init(worker: Any) -> None:
    """Give each worker its own render-callback response cache (flask-caching SimpleCache)."""
    from web.render_cache import install_render_cache

    if install_render_cache(worker.wsgi) is not None:
        worker.log.info("render-callback response cache on (worker %s)", worker.pid)


def worker_exit(server: Any, worker: Any) -> None:
    """In a stopping worker: stop its renderer browser and sweep its temporary folder."""
    from export import images, workdir

    images.stop_server(wait_s=1)  # a render still going (a job) is not waited for
    workdir.release()


def child_exit(server: Any, worker: Any) -> None:
    """In the master, once a worker is gone (even by ``kill -9``): end any browser it left and
    delete its temporary folder, so nothing outlives the worker."""
    from export import workdir

    folder = workdir.root() / str(worker.pid)
    if folder.exists():
        ended = workdir.sweep(folder)
        server.log.info("swept worker %s's temporary files (%s processes ended)", worker.pid, ended)
