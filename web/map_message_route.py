"""Serves the page's map for a URL search (services/page_map.py) at ``GET /map-message?<search>``.

The browser asks the moment its URL changes (assets/mapdata.js), beside the page's callbacks
rather than after them, and draws the answer against the geometry pack it already holds. The
answer is small (which features of the pack to draw, their style, the layout) and a pure
function of the search, so each process keeps the last few, serialised, by what they depend on.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, Response, request
from plotly.io.json import to_json_plotly

from datalayer.query import parse_query
from services.context import AppContext
from services.page_map import MESSAGE_PATH, search_map
from web.http import JSON, guarded

#: Answers kept per process (each a few tens of KB).
KEPT = 64


class AnswerMemo:
    """The last :data:`KEPT` answers, serialised, by key (thread-safe; a miss computes
    outside the lock, so one slow answer never holds up another)."""

    def __init__(self, size: int = KEPT) -> None:
        self.size = size
        self._answers: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, compute: Callable[[], bytes]) -> bytes:
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        body = compute()
        with self._lock:
            self._answers[key] = body
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return body


def answer_key(ctx: AppContext, search: str) -> str:
    """What the answer for ``search`` depends on: the selection it parses to (two spellings
    of one selection share an answer)."""
    return repr(parse_query(search, ctx.vocab)[0])


def register_map_message(server: Flask, ctx: AppContext) -> None:
    """Answer ``GET`` :data:`~services.page_map.MESSAGE_PATH` with the map of the query's
    search."""
    memo = AnswerMemo()

    def serve() -> Response:
        query = request.query_string.decode("utf-8", "replace")
        search = "?" + query if query else ""
        body = memo.get(
            answer_key(ctx, search), lambda: to_json_plotly(search_map(ctx, search)).encode()
        )
        response = Response(body, mimetype=JSON)
        response.headers["X-Content-Type-Options"] = "nosniff"
        # A pure function of the search, but of the data and code too: the page keeps what it
        # fetched itself, and nothing is kept across a deploy.
        response.headers["Cache-Control"] = "no-cache"
        return response

    server.add_url_rule(
        MESSAGE_PATH, "map_message", guarded(serve, label="Map message"), methods=["GET"]
    )
