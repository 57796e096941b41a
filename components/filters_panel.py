"""The filter panel: every control's options and counts come from the data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from dash import dcc, html

from components import ids
from components.search_callbacks import value_holder
from datalayer.selection import (
    REGION_WORLD,
    STATUS_ALL,
    STATUS_IN_SERVICE,
    STATUS_PLANNED,
    Selection,
)
from services.context import AppContext
from services.option_search import counted


def counted_options(values: Iterable[str], noun: str = "") -> list[dict[str, Any]]:
    """Dropdown options ``Name (count noun)`` for each distinct value, most frequent first
    (``noun`` in the singular: ``"Egypt (1 landing point)"``, ``"France (12 landing points)"``)."""
    counts = Counter(values)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))
    return [
        {"label": f"{value} ({counted(count, noun)})", "value": value, "search": value}
        for value, count in ordered
    ]


def _dropdown(
    control_id: str,
    label: str,
    options: list[dict[str, Any]],
    placeholder: str,
    searched: bool = False,
) -> html.Div:
    """A multi-select filter; ``searched``: its options come from the server as the user types
    (search_callbacks.py), next to the hidden holder of its value."""
    return html.Div(
        className="control",
        children=[
            html.Label(label, htmlFor=control_id, className="control-label"),
            dcc.Dropdown(
                id=control_id,
                options=options,
                value=[],
                multi=True,
                searchable=True,
                placeholder=placeholder,
                className="control-dropdown",
                maxHeight=280,
                # Searched: keep the server's ranking (best match first).
                search_order="original" if searched else "index",
            ),
            *([value_holder(control_id, [])] if searched else []),
        ],
    )


def _section(title: str, children: list[Any]) -> html.Section:
    return html.Section(
        className="panel-section", children=[html.H2(title, className="panel-title"), *children]
    )


def region_options(ctx: AppContext) -> list[dict[str, str]]:
    """The sea regions of the data, Mediterranean first, then the whole world."""
    regions = ctx.data.regions
    order = sorted(
        regions.index, key=lambda r: (r != Selection().region, str(regions.loc[r, "name"]))
    )
    options = [{"label": str(regions.loc[r, "name"]), "value": str(r)} for r in order]
    return [*options, {"label": "Whole world", "value": REGION_WORLD}]


def _region_control(ctx: AppContext) -> html.Div:
    """The sea-region picker (one region at a time, never empty)."""
    return html.Div(
        className="control",
        children=[
            html.Label("Sea region", htmlFor=ids.F_REGION, className="control-label"),
            dcc.Dropdown(
                id=ids.F_REGION,
                options=region_options(ctx),
                value=Selection().region,
                clearable=False,
                searchable=False,
                className="control-dropdown",
            ),
        ],
    )


def _year_marks(low: int, high: int) -> dict[int, str]:
    """The year slider's marks: each decade, skipping any that would collide with the end
    labels, then the two ends."""
    marks = {y: str(y) for y in range(low - low % 10 + 10, high + 1, 10) if low + 4 < y < high - 4}
    marks[low], marks[high] = str(low), str(high)
    return marks


def _years_control(low: int, high: int) -> html.Div:
    """The ready-for-service year range slider over ``low``–``high``."""
    return html.Div(
        className="control",
        children=[
            html.Span("Ready-for-service year", className="control-label", id="years-label"),
            dcc.RangeSlider(
                id=ids.F_YEARS,
                min=low,
                max=high,
                step=1,
                value=[low, high],
                marks=_year_marks(low, high),
                allowCross=False,
                tooltip={"placement": "bottom", "always_visible": False},
            ),
        ],
    )


def _status_control(data_date: str) -> html.Div:
    """The status radio buttons, with the note that status is as of the data date."""
    return html.Div(
        className="control",
        children=[
            html.Span("Status", className="control-label", id="status-label"),
            dcc.RadioItems(
                id=ids.F_STATUS,
                options=[
                    {"label": "All", "value": STATUS_ALL},
                    {"label": "In service", "value": STATUS_IN_SERVICE},
                    {"label": "Planned", "value": STATUS_PLANNED},
                ],
                value=STATUS_ALL,
                inline=True,
                className="radio-row",
            ),
            html.P(
                f"Status as of the data date, {data_date}: some cables planned then "
                "are in service now.",
                className="caveat",
                id=ids.DATA_DATE_NOTE,
            ),
        ],
    )


def _cables_section(ctx: AppContext) -> html.Section:
    """The cable filters: region, cable, owner, supplier, landing country, years, status."""
    cables = ctx.data.cables
    low, high = ctx.vocab.year_range
    # Cables, owners and exchanges grow with the data: the page ships the most used few and
    # the server answers what the user types. The others are bounded (countries, suppliers).
    searched = ctx.option_indexes
    suppliers = counted_options((s for row in cables["suppliers"] for s in row), "cable")
    countries = counted_options(ctx.data.landing_points["country"], "landing point")
    return _section(
        "Cables",
        [
            _region_control(ctx),
            _dropdown(
                ids.F_CABLE,
                "Cable",
                searched.cables.initial(),
                "Type a cable name…",
                searched=True,
            ),
            _dropdown(
                ids.F_OWNER,
                "Owner / operator (owned by any of)",
                searched.owners.initial(),
                "Type an owner…",
                searched=True,
            ),
            _dropdown(ids.F_SUPPLIER, "Supplier", suppliers, "Search suppliers…"),
            _dropdown(ids.F_COUNTRY, "Landing country", countries, "Search countries…"),
            _years_control(low, high),
            _status_control(ctx.data_date("cables.geojson")),
        ],
    )


def _facilities_section(ctx: AppContext) -> html.Section:
    """The facility filters: country and internet exchange."""
    fac_countries = counted_options(ctx.data.facilities["country"], "facility")
    return _section(
        "Facilities",
        [
            _dropdown(ids.F_FAC_COUNTRY, "Country", fac_countries, "Search countries…"),
            _dropdown(
                ids.F_IX,
                "Internet exchange",
                ctx.option_indexes.exchanges.initial(),
                "Type an exchange…",
                searched=True,
            ),
        ],
    )


def _datacentres_section(ctx: AppContext) -> html.Section:
    """The data-centre filter: operator (searched, as the owners are)."""
    return _section(
        "Data centres",
        [
            _dropdown(
                ids.F_DC_OPERATOR,
                "Operator (as tagged in OpenStreetMap)",
                ctx.option_indexes.dc_operators.initial(),
                "Type an operator…",
                searched=True,
            ),
        ],
    )


def filter_sections(ctx: AppContext) -> list[html.Section]:
    """The cable, facility, data-centre and coverage filters plus the reset action."""
    return [_cables_section(ctx), _facilities_section(ctx), _datacentres_section(ctx)]
