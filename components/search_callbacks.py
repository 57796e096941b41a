"""Searched dropdowns: the options of cables, owners, exchanges and landing points come from the
server as the user types, so the page never carries a list that grows with the data.

Each searched dropdown has a hidden *holder* of its value (a ``dcc.Checklist`` / ``RadioItems``
without options, which never drops a value it does not list). The sync callback reads and writes
the holder (it is in :data:`~components.state.CONTROL_IDS`); one callback here copies the
holder's value to the dropdown *together with* options that contain it, copies a user's pick
back to the holder, and answers the typed text (``search_value``) with matching options.

The data grid's quick search runs in the browser; its row count follows it here too
(:func:`register_grid_search_count`).

Why the holder: Dash 4's dropdown clears a value that is missing from its options. Were the sync
callback to set a dropdown's value straight from a shared URL (``from=tuas-singapore``), the
dropdown would drop it before the matching options arrived.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dash import Dash, Input, Output, State, dcc, no_update
from dash import ctx as callback_ctx

from components import ids
from components.tables import GRID_COUNT_JS
from services.option_search import OptionIndex, OptionIndexes


@dataclass(frozen=True)
class Searched:
    """A searched dropdown: its id, its hidden value holder, its index and whether multi."""

    control: str
    holder: str
    index: str
    multi: bool


SEARCHED: tuple[Searched, ...] = (
    Searched(ids.F_CABLE, ids.F_CABLE_VALUE, "cables", True),
    Searched(ids.F_OWNER, ids.F_OWNER_VALUE, "owners", True),
    Searched(ids.F_IX, ids.F_IX_VALUE, "exchanges", True),
    Searched(ids.F_DC_OPERATOR, ids.F_DC_OPERATOR_VALUE, "dc_operators", True),
    Searched(ids.A_FROM, ids.A_FROM_VALUE, "landing_points", False),
    Searched(ids.A_TO, ids.A_TO_VALUE, "landing_points", False),
    Searched(ids.A_CUT, ids.A_CUT_VALUE, "cables", True),
    Searched(ids.A_HUB, ids.A_HUB_VALUE, "landing_points", False),
)
BY_CONTROL = {s.control: s for s in SEARCHED}


def value_holder(control_id: str, value: Any) -> dcc.Checklist | dcc.RadioItems:
    """The hidden holder of a searched dropdown's value (place it next to the dropdown)."""
    spec = BY_CONTROL[control_id]
    hidden = {"display": "none"}
    if spec.multi:
        return dcc.Checklist(id=spec.holder, options=[], value=list(value or []), style=hidden)
    return dcc.RadioItems(id=spec.holder, options=[], value=value, style=hidden)


def selected_values(value: Any) -> list[Any]:
    """A dropdown value as a list (``None`` → nothing, a single value → one item)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def settle(
    index: OptionIndex,
    triggers: set[str],
    holder: Any,
    shown: Any,
    text: Any,
) -> tuple[Any, Any, Any]:
    """``(options, dropdown value, holder value)`` of one searched dropdown (``no_update`` for
    what stays).

    ``triggers`` names what changed: ``"holder"`` (the sync callback set the value, e.g. from the
    URL; also the first call), ``"control"`` (the user picked), ``"search"`` (the user typed).
    """
    query = text if isinstance(text, str) else ""
    if "holder" in triggers:
        # The state (URL) decides: show its value, with options that contain it.
        shown_out = holder if holder != shown else no_update
        return index.search(query, selected_values(holder)), shown_out, no_update
    holder_out: Any = no_update
    if "control" in triggers and shown != holder:
        holder_out = shown
    if "search" in triggers:
        if not query and shown != holder:
            # A pick clears the typed text, and the call for that can overtake the pick's own
            # call, whose answer Dash then drops: the pick reaches the holder here instead.
            holder_out = shown
        return index.search(query, selected_values(shown)), no_update, holder_out
    return no_update, no_update, holder_out


def triggers_of(spec: Searched, triggered: Sequence[str]) -> set[str]:
    """What changed for ``spec``'s callback, from its ``component_id.property`` triggers
    (none: the first call, which shows the holder's value)."""
    kinds = {
        kind
        for prop, kind in (
            (f"{spec.holder}.value", "holder"),
            (f"{spec.control}.value", "control"),
            (f"{spec.control}.search_value", "search"),
        )
        if prop in triggered
    }
    return kinds or {"holder"}


def register_search_callbacks(app: Dash, indexes: OptionIndexes) -> None:
    """One callback per searched dropdown (one request per keystroke, per state change).

    One callback each, not one for all: Dash drops the answer of a call that a newer call of
    the same callback overtakes, so with one shared callback a keystroke in one dropdown could
    swallow another dropdown's results or pick.
    """
    for spec in SEARCHED:
        _register_one(app, spec, getattr(indexes, spec.index))
    register_grid_search_count(app)


def register_grid_search_count(app: Dash) -> None:
    """The data grid's row count follows its search (in the browser, where the search runs):
    "3 of 68 rows match the search", back to the server's "68 rows" when the search is cleared."""
    app.clientside_callback(
        GRID_COUNT_JS,
        # The grid callback (callbacks.register_grid) writes the count with the rows.
        Output(ids.GRID_COUNT, "children", allow_duplicate=True),
        Output(ids.GRID_COUNT, "data-rows"),
        Input(ids.GRID, "virtualRowData"),
        Input(ids.GRID, "rowData"),
        Input(ids.GRID, "dashGridOptions"),
        State(ids.GRID, "filterModel"),
        State(ids.GRID_COUNT, "children"),
        State(ids.GRID_COUNT, "data-rows"),
        prevent_initial_call=True,
    )


def _register_one(app: Dash, spec: Searched, index: OptionIndex) -> None:
    @app.callback(
        Output(spec.control, "options"),
        Output(spec.control, "value"),
        # The sync callback writes the holder too (from the URL, a chart click, reset…).
        Output(spec.holder, "value", allow_duplicate=True),
        Input(spec.holder, "value"),
        Input(spec.control, "value"),
        Input(spec.control, "search_value"),
        # No call of its own on page load: the sync callback's first answer sets every holder,
        # which brings this one in after it.
        prevent_initial_call=True,
    )
    def _search(holder: Any, shown: Any, text: Any) -> tuple[Any, Any, Any]:
        triggers = triggers_of(spec, list(callback_ctx.triggered_prop_ids))
        return settle(index, triggers, holder, shown, text)
