"""Render-callback caching variants, for the benchmark to compare (``python -m bench.caching``).

* ``response``: what production runs (gunicorn.conf.py installs it in every worker):
  :func:`web.render_cache.install_render_cache`, a flask-caching ``SimpleCache`` of the
  callback's *serialised* response; a hit skips rendering and JSON encoding.

The other two replace ``components.callbacks.map_outputs`` and ``panel_outputs`` (looked up at
call time by the map's and the panels' render callbacks) with memoised versions, keyed per
(store, theme, map view):

* ``lru``: an in-process LRU dict holding the output tuple itself (a hit returns the same
  objects; Dash still serialises them per request). Per worker process, no pickling.
* ``flask-caching``: ``flask_caching.Cache`` with ``SimpleCache`` (also per process); cachelib
  pickles every value, so a hit pays an unpickle of every figure and component.

Run it like the app: ``python -m bench.caching --port P --data DIR`` (mode from
``$LANDFALL_BENCH_CACHE``, default ``response``), or under gunicorn as ``bench.caching:server``.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from dash import Dash

MODE_ENV = "LANDFALL_BENCH_CACHE"
MODES = ("response", "lru", "flask-caching")
SIZE = 64

Render = Callable[[Any, "str | None", "str | None", "str | None"], tuple[Any, ...]]


def _key(store: str | None, theme: str | None, search: str | None) -> str:
    """Only the map view of the URL search changes the output (the store holds the rest)."""
    view = parse_qs((search or "").lstrip("?")).get("view", [""])[-1]
    return f"render|{store or '?'}|{theme or ''}|{view}"


def memoise_lru(render: Render, size: int = SIZE, prefix: str = "render") -> Render:
    cache: OrderedDict[str, tuple[Any, ...]] = OrderedDict()
    lock = threading.Lock()

    def cached(
        ctx: Any, store: str | None, theme: str | None, search: str | None
    ) -> tuple[Any, ...]:
        key = prefix + _key(store, theme, search)
        with lock:
            if key in cache:
                cache.move_to_end(key)
                return cache[key]
        value = render(ctx, store, theme, search)
        with lock:
            cache[key] = value
            while len(cache) > size:
                cache.popitem(last=False)
        return value

    return cached


def memoise_flask_caching(
    app: Dash, render: Render, size: int = SIZE, prefix: str = "render"
) -> Render:
    from flask_caching import Cache

    cache = Cache(
        app.server,
        config={
            "CACHE_TYPE": "SimpleCache",
            "CACHE_THRESHOLD": size,
            "CACHE_DEFAULT_TIMEOUT": 0,
        },
    )

    def cached(
        ctx: Any, store: str | None, theme: str | None, search: str | None
    ) -> tuple[Any, ...]:
        key = prefix + _key(store, theme, search)
        value = cache.get(key)
        if value is None:
            value = render(ctx, store, theme, search)
            cache.set(key, value)
        return tuple(value)

    return cached


def install(app: Dash, mode: str) -> None:
    """Memoise the render callback of ``app`` (built by ``app.create_app``)."""
    import components.callbacks as callbacks

    if mode not in MODES:
        raise ValueError(f"unknown cache mode {mode!r} (one of {', '.join(MODES)})")
    if mode == "response":
        from web.render_cache import install_render_cache

        install_render_cache(app.server)
        return
    # The map's and the panels' render callbacks look these up at call time.
    for name in ("map_outputs", "panel_outputs"):
        original: Render = getattr(callbacks, name)
        if mode == "lru":
            setattr(callbacks, name, memoise_lru(original, prefix=name))
        else:
            setattr(callbacks, name, memoise_flask_caching(app, original, prefix=name))


def create_cached_app(data_dir: Any = None, mode: str | None = None) -> Dash:
    from app import create_app

    dash_app = create_app(data_dir=data_dir)
    install(dash_app, mode or os.environ.get(MODE_ENV, "response"))
    return dash_app


def __getattr__(name: str) -> Any:
    """``bench.caching:server`` for gunicorn, like ``app:server``."""
    if name == "server":
        server = create_cached_app().server
        globals()["server"] = server
        return server
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    from config import parse_args

    settings = parse_args(argv)
    dash_app = create_cached_app(settings.data_dir)
    print(f"Landfall (render cache {os.environ.get(MODE_ENV, 'response')}) on port {settings.port}")
    dash_app.run(host=settings.host, port=settings.port, debug=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
