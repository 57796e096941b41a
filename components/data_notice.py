"""The visible notice of the repairs made while loading the datasets (never a silent repair)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import html

from components import ids

#: Id of the notice (not in :mod:`components.ids`, which other work edits concurrently).
DATA_WARNINGS = "data-warnings"


def data_notice(warnings: Sequence[str]) -> html.Div | None:
    """A notice listing each counted repair, or ``None`` when the data needed none.

    The warnings are plain strings from the loader; Dash renders them as text.
    """
    if not warnings:
        return None
    count = len(warnings)
    return html.Div(
        id=DATA_WARNINGS,
        className="notice data-notice",
        role="status",
        children=html.Details(
            [
                html.Summary(
                    f"The data were repaired while loading ({count} kind"
                    f"{'s' if count != 1 else ''} of problem) — details"
                ),
                html.Ul([html.Li(line) for line in warnings]),
            ]
        ),
    )


def with_data_notice(layout: Any, warnings: Sequence[str]) -> Any:
    """``layout`` (the page's root Div) with the data notice right after the URL notice."""
    notice = data_notice(warnings)
    if notice is None:
        return layout
    children = list(layout.children)
    position = next(
        (i + 1 for i, child in enumerate(children) if getattr(child, "id", None) == ids.NOTICE),
        0,
    )
    children.insert(position, notice)
    layout.children = children
    return layout
