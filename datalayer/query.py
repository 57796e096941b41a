"""The URL query-string codec of a :class:`Selection`, shared by the page and the API.

Lists are repeated parameters (``owner=Orange&owner=Telecom%20Egypt``) because owner and country
names may contain commas. Unknown parameters and values are dropped and reported as notices, so
a stale or hand-edited link still opens, with a visible explanation. Which parameters exist and
how each is read and written is declared once, in :mod:`datalayer.fields`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from urllib.parse import parse_qs, urlencode

from datalayer.fields import (
    ALL_PARAMS,
    FIELDS,
    LIST_PARAMS,
    MAX_VALUE_CHARS,
    MAX_VALUES,
    SCALAR_PARAMS,
    VIEW_PARAMS,
    normalise_corridor,
    short,
)
from datalayer.selection import Selection
from datalayer.vocabulary import Vocabulary, build_vocabulary

__all__ = [
    "ALL_PARAMS",
    "LIST_PARAMS",
    "MAX_VALUES",
    "MAX_VALUE_CHARS",
    "SCALAR_PARAMS",
    "VIEW_PARAMS",
    "Vocabulary",
    "build_vocabulary",
    "normalise_corridor",
    "parse_params",
    "parse_query",
    "to_query",
]

#: The longest query string read; a longer one resets the page.
MAX_QUERY_CHARS = 20_000


def parse_params(
    params: Mapping[str, Sequence[str]], vocab: Vocabulary
) -> tuple[Selection, list[str]]:
    """A :class:`Selection` from parsed query parameters, plus a notice per value dropped."""
    notices = [
        f"Unknown parameter '{short(name)}' was ignored."
        for name in params
        if name not in ALL_PARAMS
    ]
    fields: dict[str, object] = {}
    for declaration in FIELDS:
        fields.update(declaration.parse(params, vocab, notices))
    return replace(Selection(), **fields), notices  # type: ignore[arg-type]


def parse_query(query: str, vocab: Vocabulary) -> tuple[Selection, list[str]]:
    """Parse a raw query string (with or without the leading ``?``)."""
    text = query[1:] if query.startswith("?") else query
    if len(text) > MAX_QUERY_CHARS:
        return Selection(), ["The link was too long and has been reset."]
    return parse_params(parse_qs(text, keep_blank_values=True), vocab)


def to_query(sel: Selection, default_layers: Sequence[str] | None = None) -> str:
    """The query string for ``sel`` (defaults omitted), with a leading ``?`` or empty."""
    pairs = [pair for declaration in FIELDS for pair in declaration.write(sel, default_layers)]
    return "?" + urlencode(pairs) if pairs else ""
