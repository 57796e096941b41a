"""Serves the page's map for a URL search (services/page_map.py) at ``GET /map-message?<search>``.

The browser asks the moment its URL changes (assets/mapdata.js), beside the page's callbacks
rather than after them, and draws the answer against the geometry pack it already holds. The
answer is small (which features of the pack to draw, their style, the layout) and a pure
function of the selection the search parses to, so each process keeps the last few, serialised.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, Response, request
from plotly.io.json import to_json_plotly

from datalayer.query import parse_query, to_query
from datalayer.selection import Selection
from services.context import AppContext
from services.page_map import MESSAGE_PATH, search_map
from web.http import JSON, guarded

#: Answers kept per process (each a few tens of KB).
KEPT = 64


def register_map_message(server: Flask, ctx: AppContext) -> None:
    """Answer ``GET`` :data:`~services.page_map.MESSAGE_PATH` with the map of the query's
    search."""

    @lru_cache(maxsize=KEPT)
    def answer(sel: Selection) -> bytes:
        # Two spellings of one selection share an answer: it is built from the selection's
        # own query (the same selection, the same view).
        return to_json_plotly(search_map(ctx, to_query(sel))).encode()

    def serve() -> Response:
        query = request.query_string.decode("utf-8", "replace")
        body = answer(parse_query("?" + query if query else "", ctx.vocab)[0])
        response = Response(body, mimetype=JSON)
        response.headers["X-Content-Type-Options"] = "nosniff"
        # A pure function of the search, but of the data and code too: the page keeps what it
        # fetched itself, and nothing is kept across a deploy.
        response.headers["Cache-Control"] = "no-cache"
        return response

    server.add_url_rule(
        MESSAGE_PATH, "map_message", guarded(serve, label="Map message"), methods=["GET"]
    )
