"""Serves the map's geometry pack (services/map_pack.py) at its immutable URL.

The pack is compressed once per process and sent with long cache headers: a browser fetches
it once per data version (its URL carries a hash of its content) and then keeps it.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable

from flask import Flask, Response, request

from services.map_pack import PACK_PATH, MapPack
from web.http import JSON, json_error

#: A year: the URL changes whenever the content does.
IMMUTABLE = "public, max-age=31536000, immutable"


def register_map_pack(server: Flask, pack: Callable[[], MapPack]) -> None:
    """Answer ``GET`` :data:`~services.map_pack.PACK_PATH` from ``pack()`` (built on first
    use); any other version is a 404 (the page asks for the pack its messages name)."""
    compressed: list[bytes] = []

    def serve(version: str) -> Response:
        current = pack()
        if version != current.version:
            return json_error(404, "unknown map geometry version", current=current.url)
        if not compressed:
            compressed.append(gzip.compress(current.body, compresslevel=6))
        accepts = "gzip" in request.headers.get("Accept-Encoding", "")
        body = compressed[0] if accepts else current.body
        response = Response(body, mimetype=JSON)
        if accepts:
            response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    server.add_url_rule(PACK_PATH, "map_pack", serve, methods=["GET"])
