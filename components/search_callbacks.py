"""Searched dropdowns: the options of cables, owners, exchanges and landing points come from the
server as the user types, so the page never carries a list that grows with the data.

Each searched dropdown has a hidden *holder* of its value (a ``dcc.Checklist`` / ``RadioItems``
without options, which never drops a value it does not list). The sync callback reads and writes
the holder (it is in :data:`~components.state.CONTROL_IDS`); one callback here copies the
holder's value to the dropdown *together with* options that contain it, copies a user's pick
back to the holder, and answers the typed text (``search_value``) with matching options.

Why the holder: Dash 4's dropdown clears a value that is missing from its options. Were the sync
callback to set a dropdown's value straight from a shared URL (``from=tuas-singapore``), the
dropdown would drop it before the matching options arrived.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dash import Dash, Input, Output, dcc, no_update
from dash import ctx as callback_ctx

from components import ids
from components.option_search import OptionIndex, OptionIndexes


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


def search_outputs(
    indexes: OptionIndexes,
    triggered: Sequence[str],
    holders: Sequence[Any],
    shown: Sequence[Any],
    texts: Sequence[Any],
) -> tuple[Any, ...]:
    """Every searched dropdown's ``(options…, values…, holder values…)`` after ``triggered``
    (the callback's ``component_id.property`` strings; none: the first call)."""
    options: list[Any] = []
    values: list[Any] = []
    held: list[Any] = []
    for i, spec in enumerate(SEARCHED):
        triggers = {
            kind
            for prop, kind in (
                (f"{spec.holder}.value", "holder"),
                (f"{spec.control}.value", "control"),
                (f"{spec.control}.search_value", "search"),
            )
            if prop in triggered
        }
        if not triggered:
            triggers = {"holder"}
        index: OptionIndex = getattr(indexes, spec.index)
        o, v, h = settle(index, triggers, holders[i], shown[i], texts[i])
        options.append(o)
        values.append(v)
        held.append(h)
    return (*options, *values, *held)


def register_search_callbacks(app: Dash, indexes: OptionIndexes) -> None:
    """One callback for every searched dropdown (one request per keystroke, per state change)."""
    n = len(SEARCHED)

    @app.callback(
        *[Output(s.control, "options") for s in SEARCHED],
        *[Output(s.control, "value") for s in SEARCHED],
        # The sync callback writes the holders too (from the URL, a chart click, reset…).
        *[Output(s.holder, "value", allow_duplicate=True) for s in SEARCHED],
        *[Input(s.holder, "value") for s in SEARCHED],
        *[Input(s.control, "value") for s in SEARCHED],
        *[Input(s.control, "search_value") for s in SEARCHED],
        # No call of its own on page load: the sync callback's first answer sets every holder,
        # which brings this one in after it.
        prevent_initial_call=True,
    )
    def _search(*args: Any) -> tuple[Any, ...]:
        triggered = list(callback_ctx.triggered_prop_ids)
        return search_outputs(indexes, triggered, args[:n], args[n : 2 * n], args[2 * n :])
