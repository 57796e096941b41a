"""HTTP hardening for Landfall: security headers, no version banners, no leaked tracebacks.

Call :func:`register_security` once, after the Dash app and its callbacks exist::

    app = Dash(...)
    ...
    register_security(app)

What it does, for every response of the app's Flask server:

* A Content-Security-Policy that allows only the app's own origin (:func:`content_security_policy`;
  inline scripts only by the hashes Dash reports for its own, ``app.csp_hashes()``), plus
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``,
  ``X-Frame-Options: DENY`` and ``Cross-Origin-Opener-Policy: same-origin``.
* No server version banner: Werkzeug's development server and gunicorn both answer
  ``Server: landfall`` (see :func:`neutralise_server_banners`).
* Any exception no route handled becomes a generic JSON error, logged with its traceback on the
  server only: ``400 {"error": "invalid callback request"}`` for a Dash callback request (the body
  was not what the page sends), ``500 {"error": "internal error"}`` otherwise.
* Dash's development routes (``/_reload-hash``, ``/_dash-dev…``, ``/_alive_…``) answer 404 unless
  the server itself runs in debug mode, which no request can switch on.
* Request bodies larger than :data:`MAX_BODY_BYTES` are refused with 413.
* Every error is the app's JSON error, Werkzeug's (404, 405, 413…) and gunicorn's own (a
  malformed request, headers too large) included, with the same headers; a static path that
  climbs out of its folder (``/_dash-component-suites/../app.py``) or names a package Dash does
  not serve is a 404.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

import dash
import flask
import orjson
from dash.exceptions import DependencyException
from flask import Response, request
from werkzeug.exceptions import HTTPException, NotFound

from web.http import json_error

log = logging.getLogger("landfall.security")

#: The banner both servers send instead of their name and version.
SERVER_BANNER = "landfall"
#: The largest request body accepted (callback bodies are a few kB; a lasso over every point of
#: the map is well under 1 MB).
MAX_BODY_BYTES = 4 * 1024 * 1024
#: Paths that only Dash's development tools use.
DEV_PATH_PREFIXES = ("/_reload-hash", "/_dash-dev", "/_alive_")
CALLBACK_PATH = "/_dash-update-component"
#: Routes that serve files from a folder (Dash's packages, the app's assets).
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")

STATIC_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def content_security_policy(script_hashes: Iterable[str]) -> str:
    """The CSP: own origin only; inline scripts only by hash.

    MapLibre (Plotly's ``map`` traces) starts its tile worker from a ``blob:`` URL, hence
    ``worker-src``/``child-src blob:``; Plotly, AG Grid and Dash set inline styles, hence
    ``style-src 'unsafe-inline'`` (styles cannot run code). No ``'unsafe-eval'`` is needed.
    """
    directives = [
        ("default-src", ["'self'"]),
        ("script-src", ["'self'", *script_hashes]),
        ("style-src", ["'self'", "'unsafe-inline'"]),
        ("img-src", ["'self'", "data:", "blob:"]),
        ("worker-src", ["'self'", "blob:"]),
        ("child-src", ["'self'", "blob:"]),
        ("connect-src", ["'self'"]),
        ("font-src", ["'self'", "data:"]),
        ("frame-ancestors", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
        ("object-src", ["'none'"]),
    ]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives)


def neutralise_server_banners() -> None:
    """Make Werkzeug's and gunicorn's ``Server`` header say ``landfall``, without a version.

    Both servers write that header themselves (after the app's own headers), so an
    ``after_request`` hook could only add a second one. Werkzeug's request handler and
    gunicorn's response class read the banner at response time, so setting it here, in the
    process that serves, is enough. gunicorn.conf.py sets gunicorn's as well, for clarity.
    """
    try:
        from werkzeug.serving import WSGIRequestHandler
    except ImportError:  # pragma: no cover - werkzeug ships with Flask
        pass
    else:

        def version_string(_handler: Any) -> str:
            return SERVER_BANNER

        WSGIRequestHandler.version_string = version_string  # type: ignore[method-assign,assignment]
    gunicorn_wsgi = sys.modules.get("gunicorn.http.wsgi")
    if gunicorn_wsgi is not None:
        gunicorn_wsgi.SERVER = SERVER_BANNER  # type: ignore[attr-defined]
    gunicorn_util = sys.modules.get("gunicorn.util")
    if gunicorn_util is not None:
        # gunicorn's own refusals (a malformed request, headers too large…) are written by
        # this function before the app sees the request: make them the app's JSON errors.
        gunicorn_util.write_error = write_server_error  # type: ignore[attr-defined]


def server_error_bytes(status: int, reason: str, message: str) -> bytes:
    """A whole HTTP response for an error the server answers itself: the app's JSON error
    shape and every security header (a CSP that allows nothing: the body is data)."""
    body = orjson.dumps({"error": reason.lower(), "details": [message] if message else []})
    headers = {
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        "Connection": "close",
        "Cache-Control": "no-store",
        "Server": SERVER_BANNER,
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        **STATIC_HEADERS,
    }
    head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode("latin-1") + b"\r\n" + body


def write_server_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's ``util.write_error``, answering :func:`server_error_bytes` instead of HTML."""
    from gunicorn.util import write_nonblock

    write_nonblock(sock, server_error_bytes(status_int, reason, mesg))


def is_traversal(path: str) -> bool:
    """Whether a (decoded) static path tries to climb out of its folder."""
    return path.startswith(STATIC_PREFIXES) and (
        ".." in PurePosixPath(path).parts or "\\" in path or "\x00" in path
    )


def register_security(app: dash.Dash) -> None:
    """Add the headers, error handling and dev-route blocking described above to ``app``."""
    server: flask.Flask = app.server
    limit = server.config.get("MAX_CONTENT_LENGTH")
    if limit is None or limit > MAX_BODY_BYTES:
        server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    # Flask's default; stated so a config file cannot turn tracebacks into responses.
    server.config["PROPAGATE_EXCEPTIONS"] = False
    neutralise_server_banners()
    policy: list[str] = []

    def csp() -> str:
        # Computed on first use, so callbacks registered after this call are hashed too.
        if not policy:
            policy.append(content_security_policy(app.csp_hashes()))
        return policy[0]

    @server.before_request
    def _block_dev_routes() -> Response | None:
        if not server.debug and request.path.startswith(DEV_PATH_PREFIXES):
            raise NotFound()
        if is_traversal(request.path):
            raise NotFound()
        return None

    @server.after_request
    def _add_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = csp()
        for name, value in STATIC_HEADERS.items():
            response.headers[name] = value
        return response

    def _unhandled(exc: Exception) -> Response | HTTPException:
        if isinstance(exc, HTTPException):
            if exc.code is None or exc.code < 400:
                return exc  # a routing redirect (a missing trailing slash)
            # 404, 405, 413…: the app's JSON error, with the headers Werkzeug's page had.
            response = json_error(exc.code, (exc.name or "error").lower())
            for name, value in exc.get_headers():
                if name.lower() not in ("content-type", "content-length"):
                    response.headers[name] = value
            return response
        if isinstance(exc, DependencyException):
            # Dash's component-suite route asked for a file no package registered.
            return json_error(404, "not found")
        if request.path == CALLBACK_PATH and request.method == "POST":
            # The page only sends bodies Dash built from its own layout; anything that makes
            # the callback machinery fail was sent by something else.
            log.warning("Rejected callback request (%s: %s)", type(exc).__name__, exc, exc_info=exc)
            return json_error(400, "invalid callback request")
        log.error("Unhandled error on %s %s", request.method, request.path, exc_info=exc)
        return json_error(500, "internal error")

    server.register_error_handler(Exception, _unhandled)
