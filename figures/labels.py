"""Hover and label text built from data, always escaped so data can never inject markup."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import pandas as pd

MAX_LABEL_CHARS = 120


def inert(value: Any, limit: int = MAX_LABEL_CHARS) -> str:
    """Text from data made safe for Plotly's pseudo-HTML labels: escaped and length-capped.

    Control characters and bidirectional overrides are dropped so a label cannot reorder or hide
    the text around it.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, str):
        # Countries, cities, cable and exchange names recur across thousands of labels.
        return _inert_text(value, limit)
    return _inert_text(str(value), limit)


@lru_cache(maxsize=65_536)
def _inert_text(text: str, limit: int) -> str:
    """The body of :func:`inert` for a string (memoised)."""
    # Bidi embeddings, overrides and isolates (U+202A–E, U+2066–9) are format characters, which
    # str.isprintable rejects: one check in C drops them with every other control character.
    if not text.isprintable():
        text = "".join(ch for ch in text if ch.isprintable())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)


def join_limited(items: Sequence[str], limit: int = 4) -> str:
    """Escaped ``a, b, c, d +N more`` for a list from data."""
    shown = ", ".join(inert(i, 60) for i in items[:limit])
    extra = len(items) - limit
    return f"{shown} +{extra} more" if extra > 0 else (shown or "—")


def format_km(value: float | None) -> str:
    """``12,345 km`` or ``length not published``."""
    if value is None or pd.isna(value):
        return "length not published"
    return f"{value:,.0f} km"


def cable_hover(row: Mapping[str, Any]) -> str:
    """The hover label of one cable: name, owners, RFS and length."""
    status = "planned (as of data date)" if row["is_planned"] else "in service"
    return (
        f"<b>{inert(row['name'])}</b><br>"
        f"Owners: {join_limited(list(row['owners']))}<br>"
        f"RFS: {inert(row['rfs'])} · {status}<br>"
        f"Length: {format_km(row['length_km'])}"
    )


def landing_point_hover(row: Mapping[str, Any], cable_names: dict[str, str]) -> str:
    """The hover label of one landing point: name, country and the cables landing there."""
    names = [cable_names.get(c, c) for c in row["cable_ids"]]
    return (
        f"<b>{inert(row['name'])}</b><br>{inert(row['country'])}<br>"
        f"{len(names)} cable{'s' if len(names) != 1 else ''}: {join_limited(sorted(names))}"
    )


def datacentre_hover(row: Mapping[str, Any]) -> str:
    """The hover label of one data centre: name, operator, tagged power and IXs hosted."""
    operator = row.get("operator")
    power = row.get("power_mw")
    lines = [f"<b>{inert(row['name'])}</b>", inert(operator) if operator else "operator not tagged"]
    if power is not None and power == power:
        lines.append(f"{power:g} MW (as tagged in OpenStreetMap)")
    count = int(row["exchange_count"])
    if count:
        lines.append(
            f"{count} internet exchange{'s' if count != 1 else ''}: "
            f"{join_limited(list(row['exchanges']), 3)}"
        )
    return "<br>".join(lines)


def facility_hover(row: Mapping[str, Any]) -> str:
    """The hover label of one interconnection facility."""
    return (
        f"<b>{inert(row['name'])}</b><br>{inert(row['address'])}<br>"
        f"{inert(row['city'])}, {inert(row['country'])}<br>"
        f"{int(row['exchange_count'])} internet exchange"
        f"{'s' if row['exchange_count'] != 1 else ''}: {join_limited(list(row['exchanges']), 3)}"
    )
