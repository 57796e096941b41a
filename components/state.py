"""Pure conversions between the page's controls, clicks and the :class:`Selection`.

The sync callback is a thin adapter over these functions, so they are tested without Dash.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from components import ids
from datalayer.fields import CONTROLS, controls_from_selection, selection_from_controls
from datalayer.selection import Selection
from datalayer.vocabulary import Vocabulary

__all__ = [
    "CHART_FILTERS",
    "CONTROL_IDS",
    "apply_chart_click",
    "controls_from_selection",
    "selected_from_map_click",
    "selection_from_controls",
]

#: The controls that edit the selection, one per declaration of datalayer.fields that has one.
#: The searched dropdowns (cables, owners, exchanges, landing points) are listed by their hidden
#: value holders: search_callbacks.py copies a holder to its dropdown together with options that
#: contain its values, so a value set from the URL always has its label.
CONTROL_IDS: tuple[str, ...] = tuple(CONTROLS)

#: Chart → the Selection list field a click on one of its bars adds to.
CHART_FILTERS: dict[str, str] = {
    ids.CHART_OWNERS: "owners",
    ids.CHART_COUNTRIES: "countries",
    ids.CHART_FACILITIES: "facility_countries",
    ids.CHART_DATACENTRES: "dc_operators",
}


def apply_chart_click(sel: Selection, chart: str, value: Any, vocab: Vocabulary) -> Selection:
    """Cross-filter: the selection after a click on a bar of ``chart`` (unknown bars: no-op)."""
    if chart == ids.CHART_YEARS:
        try:
            year = int(value)
        except (TypeError, ValueError):
            return sel
        low, high = vocab.year_range
        return replace(sel, year_min=year, year_max=year) if low <= year <= high else sel
    attr = CHART_FILTERS.get(chart)
    if attr is None or not isinstance(value, str):
        return sel
    allowed = {
        "owners": vocab.owners,
        "countries": vocab.countries,
        "facility_countries": vocab.facility_countries,
        "dc_operators": vocab.dc_operators,
    }[attr]
    current: tuple[str, ...] = getattr(sel, attr)
    if value not in allowed or value in current:
        return sel
    changes: dict[str, Any] = {attr: (*current, value)}
    return replace(sel, **changes)


def selected_from_map_click(
    point: Mapping[str, Any] | None, cable_order: Sequence[str], vocab: Vocabulary
) -> str | None:
    """The ``kind:id`` key of what a map click hit, from the clicked point's customdata.

    Cable vertices carry the cable's position in the full cable table (a compact number);
    landing points, facilities and data centres carry their ``lp:``/``fac:``/``dc:`` key.
    """
    if not point:
        return None
    data = point.get("customdata")
    if isinstance(data, list) and data:
        data = data[0]
    if isinstance(data, int | float) and not isinstance(data, bool):
        position = int(data)
        return f"cable:{cable_order[position]}" if 0 <= position < len(cable_order) else None
    if isinstance(data, str):
        kind, _, key = data.partition(":")
        pools = {"lp": vocab.landing_points, "fac": vocab.facilities, "dc": vocab.datacentres}
        if kind in pools and key in pools[kind]:
            return data
    return None
