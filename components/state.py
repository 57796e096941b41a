"""Pure conversions between the page's controls, clicks and the :class:`Selection`.

The sync callback is a thin adapter over these functions, so they are tested without Dash.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from components import ids
from datalayer.query import Vocabulary
from datalayer.selection import DEFAULT_RADIUS_KM, RADII_KM, STATUS_ALL, STATUSES, Selection
from figures.map import DEFAULT_LAYERS

#: The filter controls, in the order the sync callback lists them.
CONTROL_IDS: tuple[str, ...] = (
    # The searched dropdowns (cables, owners, exchanges, landing points) are listed by their
    # hidden value holders: search_callbacks.py copies a holder to its dropdown together with
    # options that contain its values, so a value set from the URL always has its label.
    ids.F_CABLE_VALUE,
    ids.F_OWNER_VALUE,
    ids.F_SUPPLIER,
    ids.F_YEARS,
    ids.F_STATUS,
    ids.F_REGION,
    ids.F_COUNTRY,
    ids.F_FAC_COUNTRY,
    ids.F_IX_VALUE,
    ids.F_OPERATOR,
    ids.COVERAGE_TECH,
    ids.LAYERS,
    ids.A_FROM_VALUE,
    ids.A_TO_VALUE,
    ids.A_SCENARIO,
    ids.A_CUT_VALUE,
    ids.A_HUB_VALUE,
    ids.A_RADIUS,
)

#: Single-value controls holding a landing point id → Selection field.
_POINT_CONTROLS: dict[str, str] = {
    ids.A_FROM_VALUE: "route_from",
    ids.A_TO_VALUE: "route_to",
    ids.A_HUB_VALUE: "hub",
}

#: List-valued controls → (Selection field, vocabulary attribute).
_LIST_CONTROLS: dict[str, tuple[str, str]] = {
    ids.F_CABLE_VALUE: ("cables", "cables"),
    ids.F_OWNER_VALUE: ("owners", "owners"),
    ids.F_SUPPLIER: ("suppliers", "suppliers"),
    ids.F_COUNTRY: ("countries", "countries"),
    ids.F_FAC_COUNTRY: ("facility_countries", "facility_countries"),
    ids.F_IX_VALUE: ("exchanges", "exchanges"),
    ids.F_OPERATOR: ("operators", "operators"),
    ids.A_CUT_VALUE: ("cut", "cables"),
}

#: Chart → the Selection list field a click on one of its bars adds to.
CHART_FILTERS: dict[str, str] = {
    ids.CHART_OWNERS: "owners",
    ids.CHART_COUNTRIES: "countries",
    ids.CHART_FACILITIES: "facility_countries",
}


def _known(values: Any, allowed: frozenset[str]) -> tuple[str, ...]:
    if not isinstance(values, list | tuple):
        return ()
    return tuple(v for v in dict.fromkeys(values) if isinstance(v, str) and v in allowed)


def layers_of(sel: Selection) -> tuple[str, ...]:
    """The layers a selection shows (the defaults when it names none)."""
    return DEFAULT_LAYERS if sel.layers is None else sel.layers


def selection_from_controls(
    values: Mapping[str, Any], vocab: Vocabulary, base: Selection
) -> Selection:
    """The selection the controls describe; ``base`` supplies the selected item and map view.

    Values that are not in the vocabulary are dropped: a control can only offer known values,
    so anything else arrived from outside the page.
    """
    fields: dict[str, Any] = {}
    for control, (attr, vocab_attr) in _LIST_CONTROLS.items():
        fields[attr] = _known(values.get(control), getattr(vocab, vocab_attr))
    low, high = vocab.year_range
    years = values.get(ids.F_YEARS)
    year_min = year_max = None
    if isinstance(years, list | tuple) and len(years) == 2:
        try:
            a, b = sorted(int(y) for y in years)
        except (TypeError, ValueError):
            a, b = low, high
        year_min = a if a > low else None
        year_max = b if b < high else None
    status = values.get(ids.F_STATUS)
    region = values.get(ids.F_REGION)
    tech = values.get(ids.COVERAGE_TECH)
    layers = _known(values.get(ids.LAYERS), vocab.layers)
    for control, attr in _POINT_CONTROLS.items():
        value = values.get(control)
        known = isinstance(value, str) and value in vocab.landing_points
        fields[attr] = value if known else getattr(Selection(), attr)
    scenario = values.get(ids.A_SCENARIO)
    fields["scenario"] = scenario if scenario in vocab.scenarios else None
    radius = values.get(ids.A_RADIUS)
    known_radius = isinstance(radius, int) and not isinstance(radius, bool) and radius in RADII_KM
    fields["radius_km"] = radius if known_radius else DEFAULT_RADIUS_KM
    return replace(
        base,
        **fields,
        year_min=year_min,
        year_max=year_max,
        status=status if status in STATUSES else STATUS_ALL,
        region=region if region in vocab.regions else Selection().region,
        technology=tech if tech in vocab.technologies else Selection().technology,
        layers=None if layers == DEFAULT_LAYERS else layers,
    )


def controls_from_selection(sel: Selection, vocab: Vocabulary) -> dict[str, Any]:
    """The value of every control that shows ``sel``."""
    low, high = vocab.year_range
    values: dict[str, Any] = {
        control: list(getattr(sel, attr)) for control, (attr, _) in _LIST_CONTROLS.items()
    }
    values[ids.F_YEARS] = [
        sel.year_min if sel.year_min is not None else low,
        sel.year_max if sel.year_max is not None else high,
    ]
    values[ids.F_STATUS] = sel.status
    values[ids.F_REGION] = sel.region
    values[ids.COVERAGE_TECH] = sel.technology
    values[ids.LAYERS] = list(layers_of(sel))
    for control, attr in _POINT_CONTROLS.items():
        values[control] = getattr(sel, attr)
    values[ids.A_SCENARIO] = sel.scenario
    values[ids.A_RADIUS] = sel.radius_km
    return values


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
    landing points and facilities carry their ``lp:``/``fac:`` key.
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
        pools = {"lp": vocab.landing_points, "fac": vocab.facilities}
        if kind in pools and key in pools[kind]:
            return data
    return None
