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


def counted_options(values: Iterable[str], noun: str = "") -> list[dict[str, Any]]:
    """Dropdown options ``Name (count)`` for each distinct value, most frequent first."""
    counts = Counter(values)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))
    suffix = f" {noun}" if noun else ""
    return [
        {"label": f"{value} ({count}{suffix})", "value": value, "search": value}
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


def filter_sections(ctx: AppContext) -> list[html.Section]:
    """The cable, facility and coverage filters plus the reset action."""
    data = ctx.data
    cables = data.cables
    low, high = ctx.vocab.year_range
    data_date = ctx.data_date("cables.geojson")
    # Cables, owners and exchanges grow with the data: the page ships the most used few and
    # the server answers what the user types. The others are bounded (countries, suppliers).
    searched = ctx.option_indexes
    suppliers = counted_options((s for row in cables["suppliers"] for s in row), "cables")
    countries = counted_options(data.landing_points["country"], "landing points")
    fac_countries = counted_options(data.facilities["country"], "facilities")
    operators = [{"label": o, "value": o} for o in sorted(data.coverage["operator"].unique())]
    # Decade marks, skipping any that would collide with the end labels.
    marks = {y: str(y) for y in range(low - low % 10 + 10, high + 1, 10) if low + 4 < y < high - 4}
    marks[low], marks[high] = str(low), str(high)
    return [
        _section(
            "Cables",
            [
                html.Div(
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
                ),
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
                html.Div(
                    className="control",
                    children=[
                        html.Span(
                            "Ready-for-service year", className="control-label", id="years-label"
                        ),
                        dcc.RangeSlider(
                            id=ids.F_YEARS,
                            min=low,
                            max=high,
                            step=1,
                            value=[low, high],
                            marks=marks,
                            allowCross=False,
                            tooltip={"placement": "bottom", "always_visible": False},
                        ),
                    ],
                ),
                html.Div(
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
                ),
            ],
        ),
        _section(
            "Facilities",
            [
                _dropdown(ids.F_FAC_COUNTRY, "Country", fac_countries, "Search countries…"),
                _dropdown(
                    ids.F_IX,
                    "Internet exchange",
                    searched.exchanges.initial(),
                    "Type an exchange…",
                    searched=True,
                ),
            ],
        ),
        _section(
            "Mobile coverage (Bouches-du-Rhône)",
            [
                _dropdown(ids.F_OPERATOR, "Operator", operators, "All operators"),
            ],
        ),
    ]
