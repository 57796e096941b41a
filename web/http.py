"""The JSON answers and guards every route of the app shares (data API, analysis API, exports,
security's last-resort handler): one error shape, one rule for caching, no traceback ever sent.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson
from flask import Response, current_app, request

from datalayer.fields import LIST_PARAMS, MAX_VALUES

JSON = "application/json"
GEOJSON = "application/geo+json"
#: The data never changes while the process runs; five minutes bounds staleness across deploys.
CACHE_OK = "public, max-age=300"
#: Every method the catch-all routes answer, so no request falls through to the Dash page.
ANY_METHOD = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

View = Callable[..., Response]
#: An exception type a guard expects → the response it gets instead of a 500.
Handlers = Mapping[type[Exception], Callable[[Any], Response]]


def json_response(payload: Any, status: int = 200, mimetype: str = JSON) -> Response:
    """A JSON response serialised with orjson, never sniffed as anything else.

    Successful answers may be cached for :data:`CACHE_OK`; errors never are.
    """
    response = Response(orjson.dumps(payload), status=status, mimetype=mimetype)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = CACHE_OK if status < 400 else "no-store"
    return response


def json_error(status: int, message: str, **extra: Any) -> Response:
    """A JSON error body: ``{"error": message, ...extra}``, never cached."""
    return json_response({"error": message, **extra}, status=status)


def allow(response: Response, methods: Iterable[str]) -> Response:
    """``response`` with ``methods`` in its ``Allow`` header."""
    response.headers["Allow"] = ", ".join(methods)
    return response


def too_many_values(params: Mapping[str, list[str]]) -> list[str]:
    """A notice per list parameter over the limit (the query parser would silently cut it)."""
    return [
        f"Too many values for '{name}' (at most {MAX_VALUES})."
        for name in LIST_PARAMS
        if len([v for v in params.get(name, []) if v != ""]) > MAX_VALUES
    ]


def guarded(
    view: View,
    *,
    label: str,
    handlers: Handlers | None = None,
    options: Iterable[str] | None = None,
) -> View:
    """``view`` made safe: expected exceptions become their ``handlers``' answers, anything
    else a logged JSON 500 (the details go to the server log only).

    With ``options`` (the methods the route takes), an OPTIONS request is answered 204 with
    them in ``Allow``: Flask's automatic OPTIONS would list a catch-all route's methods too.
    """
    expected = dict(handlers or {})
    methods = tuple(options) if options is not None else None

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            if methods is not None and request.method == "OPTIONS":
                response = Response(status=204)
                response.headers["X-Content-Type-Options"] = "nosniff"
                return allow(response, methods)
            return view(*args, **kwargs)
        except tuple(expected) as exc:
            handler = next(h for kind, h in expected.items() if isinstance(exc, kind))
            return handler(exc)
        except Exception:
            current_app.logger.exception("%s request failed: %s", label, request.full_path)
            return json_error(500, "internal error")

    return wrapper
