"""A response cache for the page's render callback (flask-caching), for production serving.

The render callback is a pure function of its request (the store, the theme and the URL search;
the data never changes while the process runs), and its answer is the biggest and slowest of the
page: about 1 MB of JSON and a few hundred ms at 1×, most of it building and serialising figures.
Every visitor of the default view asks for the same answer. So the *serialised* response is kept
in a flask-caching ``SimpleCache`` (per process, bounded) keyed on the request's output, inputs
and state: a hit skips filtering, figure building and JSON encoding, and response compression
still applies. Caching the output *objects* instead does not pay: cachelib pickles every value
and unpickling a figure tuple costs about as much as building it (see bench/README.md).

``install_render_cache(server)`` wraps Dash's ``/_dash-update-component`` view of a Flask app
built by ``app.create_app``; gunicorn.conf.py calls it in every worker. Only requests whose
output includes one of :data:`RENDER_OUTPUTS` (the map's and the panels' render callbacks) are cached; every other callback runs as before.
``LANDFALL_RENDER_CACHE=0`` turns it off; with ``LANDFALL_REDIS_URL`` set the cache is one
``RedisCache`` shared by every instance (see :func:`cache_config`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import Any

import orjson
from flask import Flask, Response, request
from flask_caching import Cache

CALLBACK_ENDPOINT = "/_dash-update-component"
#: The render callback's output list contains this (the map message).
RENDER_OUTPUT = "map-message.data"
#: Every render callback's output list contains one of these (the map's, the panels').
RENDER_OUTPUTS = (RENDER_OUTPUT, "kpi-cables.children")
#: Entries kept per process, and the largest response kept (bytes): at most 256 MB a worker.
MAX_ENTRIES = 32
MAX_ENTRY_BYTES = 8 * 1024 * 1024
ENABLE_ENV = "LANDFALL_RENDER_CACHE"
REDIS_ENV = "LANDFALL_REDIS_URL"
#: Response header that says whether the answer came from the cache (for tests and benchmarks).
CACHE_HEADER = "X-Landfall-Render-Cache"


def cache_key(body: bytes) -> str | None:
    """The cache key of a callback request, or ``None`` if it is not the render callback.

    Only what decides the answer goes in: the outputs, the input and state values (not
    ``changedPropIds``: the render callback answers the same whichever input fired).
    """
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    output = str(payload.get("output", "")) if isinstance(payload, dict) else ""
    if not any(name in output for name in RENDER_OUTPUTS):
        return None
    material = orjson.dumps(
        [payload.get("output"), payload.get("inputs"), payload.get("state")],
        option=orjson.OPT_SORT_KEYS,
    )
    return "render:" + hashlib.sha256(material).hexdigest()


def cache_config() -> dict[str, Any]:
    """Each worker's own ``SimpleCache``; with ``$LANDFALL_REDIS_URL`` one ``RedisCache`` that
    every worker of every instance shares (a render computed on one is a hit on the others;
    the instances must serve the same data and code)."""
    url = os.environ.get(REDIS_ENV, "").strip()
    if url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": url,
            "CACHE_KEY_PREFIX": "landfall:render:",
            # Bounded by time rather than count: Redis evicts by its own memory policy.
            "CACHE_DEFAULT_TIMEOUT": 3600,
        }
    return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": MAX_ENTRIES, "CACHE_DEFAULT_TIMEOUT": 0}


def install_render_cache(server: Flask) -> Cache | None:
    """Cache the render callback's responses on ``server``; ``None`` if turned off."""
    if os.environ.get(ENABLE_ENV, "1").strip() in ("0", "false", "no", "off"):
        return None
    view: Callable[..., Any] = server.view_functions[CALLBACK_ENDPOINT]
    cache = Cache(config=cache_config())
    cache.init_app(server)

    def cached_view(*args: Any, **kwargs: Any) -> Any:
        key = cache_key(request.get_data(cache=True))
        if key is None:
            return view(*args, **kwargs)
        hit = cache.get(key)
        if isinstance(hit, bytes):
            return Response(hit, mimetype="application/json", headers={CACHE_HEADER: "hit"})
        response = view(*args, **kwargs)
        if (
            isinstance(response, Response)
            and response.status_code == 200
            and not response.direct_passthrough
        ):
            data = response.get_data()
            if len(data) <= MAX_ENTRY_BYTES:
                cache.set(key, data)
            response.headers[CACHE_HEADER] = "miss"
        return response

    cached_view.__name__ = getattr(view, "__name__", "dispatch")
    server.view_functions[CALLBACK_ENDPOINT] = cached_view
    return cache
