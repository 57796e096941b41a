"""The analysis card: route finder, cut-impact simulator, critical cables and proximity."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from analysis.cuts import CutImpact
from analysis.graph import CAVEAT
from analysis.routing import RouteResult
from components import ids
from components.search_callbacks import selected_values, value_holder
from datalayer.selection import DEFAULT_RADIUS_KM, RADII_KM, Selection
from figures.analysis_layers import ROUTE_COLOURS, ROUTE_NAMES
from services.analysis_run import cut_comparison
from services.context import AppContext
from services.option_search import OptionIndex

RANK_LABEL = "Rank critical cables"
RANKING_LABEL = "Ranking… (a few seconds for the whole world)"
#: Styles of the ranking's cancel button and progress bar, hidden unless a ranking runs.
HIDDEN: dict[str, str] = {"display": "none"}
SHOWN: dict[str, str] = {"display": "inline-block"}
#: Rows of the cut-impact table shown on the page (the API returns all of them).
IMPACT_ROWS = 40
POINT_PLACEHOLDER = "Type a place or country…"
CABLE_PLACEHOLDER = "Type a cable name…"


def labelled(label: str, control: Any, control_id: str) -> html.Div:
    """``control`` (one component or a list) under its visible ``<label>`` (the card's
    controls share this layout)."""
    controls = control if isinstance(control, list) else [control]
    return html.Div(
        className="control",
        children=[
            html.Label(label, htmlFor=control_id, className="control-label"),
            *controls,
        ],
    )


def searched_picker(
    label: str,
    control_id: str,
    index: OptionIndex,
    value: Any,
    placeholder: str,
    **dropdown: Any,
) -> html.Div:
    """A dropdown searched on the server as the user types (search_callbacks.py), under its
    label, with the hidden holder of its value; it starts with ``index``'s short list."""
    return labelled(
        label,
        [
            dcc.Dropdown(
                id=control_id,
                options=index.initial(selected_values(value)),
                value=value,
                placeholder=placeholder,
                search_order="original",
                className="control-dropdown",
                **dropdown,
            ),
            value_holder(control_id, value),
        ],
        control_id,
    )


def _route_tab(points: OptionIndex) -> html.Div:
    """The "Route & latency" tab: the two landing-point pickers and the route result."""
    return html.Div(
        className="analysis-tab",
        children=[
            html.Div(
                className="analysis-controls",
                children=[
                    searched_picker("From", ids.A_FROM, points, None, POINT_PLACEHOLDER),
                    searched_picker("To", ids.A_TO, points, None, POINT_PLACEHOLDER),
                ],
            ),
            dcc.Loading(html.Div(id=ids.ROUTE_RESULT, className="analysis-result"), type="dot"),
        ],
    )


def _cut_controls(
    scenarios: list[dict[str, str]], cables: OptionIndex, points: OptionIndex
) -> html.Div:
    """The cut simulator's pickers: preset scenario, cables to cut and the hub."""
    return html.Div(
        className="analysis-controls",
        children=[
            labelled(
                "Preset scenario",
                dcc.Dropdown(
                    id=ids.A_SCENARIO,
                    options=scenarios,
                    value=None,
                    placeholder="e.g. February 2024 Red Sea cuts",
                    className="control-dropdown",
                ),
                ids.A_SCENARIO,
            ),
            searched_picker(
                "Cables to cut (or click a cable, then 'Cut this cable')",
                ids.A_CUT,
                cables,
                [],
                CABLE_PLACEHOLDER,
                multi=True,
            ),
            searched_picker(
                "Hub", ids.A_HUB, points, Selection().hub, POINT_PLACEHOLDER, clearable=False
            ),
        ],
    )


def _cut_actions() -> html.Div:
    """The lasso hint and the "Clear the cut" button under the cut simulator's pickers."""
    return html.Div(
        className="analysis-actions",
        children=[
            html.P(
                "Or draw a corridor: pick the lasso in the map's toolbar and circle a "
                "stretch of sea; every cable crossing it is cut.",
                className="hint",
            ),
            html.Button(
                "Clear the cut",
                id=ids.CLEAR_CUT,
                className="btn",
                type="button",
                n_clicks=0,
            ),
        ],
    )


def _cut_tab(ctx: AppContext) -> html.Div:
    """The "Cut impact" tab: scenario and cable pickers, hub, actions and the cut result."""
    scenarios = [
        {"label": f"{s.label} ({s.date})", "value": key} for key, s in ctx.scenarios.items()
    ]
    return html.Div(
        className="analysis-tab",
        children=[
            _cut_controls(scenarios, ctx.option_indexes.cables, ctx.option_indexes.landing_points),
            _cut_actions(),
            dcc.Loading(html.Div(id=ids.CUT_RESULT, className="analysis-result"), type="dot"),
        ],
    )


def _critical_tab() -> html.Div:
    """The "Critical cables" tab: what the ranking does, its button and its result."""
    return html.Div(
        className="analysis-tab",
        children=[
            html.P(
                "Cut each in-service cable of the selected sea region alone and measure what it "
                "does to the landing points' best RTT to the hub.",
                className="caveat",
            ),
            html.Button(RANK_LABEL, id=ids.CRITICAL_RUN, className="btn", n_clicks=0),
            # Shown while a ranking runs (it runs off the server's request threads).
            html.Button(
                "Cancel", id=ids.CRITICAL_CANCEL, className="btn", n_clicks=0, style=HIDDEN
            ),
            html.Progress(
                id=ids.CRITICAL_PROGRESS, value="0", max="1", style=HIDDEN, title="cables cut"
            ),
            dcc.Loading(
                html.Div(id=ids.CRITICAL_RESULT, className="analysis-result"), type="circle"
            ),
        ],
    )


def _proximity_tab() -> html.Div:
    """The "Proximity" tab: the facility radius picker, the distance chart and its caveat."""
    return html.Div(
        className="analysis-tab",
        children=[
            html.Div(
                className="analysis-controls",
                children=[
                    labelled(
                        "Facilities within (listed in a landing point's details)",
                        dcc.Dropdown(
                            id=ids.A_RADIUS,
                            options=[{"label": f"{r} km", "value": r} for r in RADII_KM],
                            value=DEFAULT_RADIUS_KM,
                            clearable=False,
                            searchable=False,
                            className="control-dropdown",
                        ),
                        ids.A_RADIUS,
                    ),
                ],
            ),
            dcc.Graph(
                id=ids.PROXIMITY_CHART, config={"displaylogo": False, "showSendToCloud": False}
            ),
            html.P(
                "Great-circle distance from the 15 IX facilities of the selection nearest a "
                "cable landing point to that landing point. Open a landing point or facility "
                "for its neighbours.",
                className="caveat",
            ),
        ],
    )


def analysis_card(ctx: AppContext) -> html.Section:
    """Route finder, cut simulator, critical-cable ranking and proximity, as tabs."""
    # Landing points and cables are searched on the server as the user types
    # (search_callbacks.py): the page ships only the best-connected few.
    return html.Section(
        className="card analysis-card",
        children=[
            html.H2("Analysis", className="card-title"),
            html.P(CAVEAT, className="caveat"),
            dcc.Tabs(
                className="analysis-tabs",
                children=[
                    dcc.Tab(
                        label="Route & latency",
                        children=_route_tab(ctx.option_indexes.landing_points),
                    ),
                    dcc.Tab(label="Cut impact", children=_cut_tab(ctx)),
                    dcc.Tab(label="Critical cables", children=_critical_tab()),
                    dcc.Tab(label="Proximity", children=_proximity_tab()),
                ],
            ),
        ],
    )


def _table(frame: pd.DataFrame, columns: list[tuple[str, str]], caption: str) -> html.Table:
    def cell(value: Any) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return "—"
        if isinstance(value, float):
            return f"{value:,.1f}"
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return str(value)

    return html.Table(
        className="data-table",
        children=[
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(label, scope="col") for _, label in columns])),
            html.Tbody(
                [
                    html.Tr([html.Td(cell(r[c])) for c, _ in columns])
                    for r in frame.to_dict("records")
                ]
            ),
        ],
    )


def route_result(result: RouteResult | None, before: RouteResult | None = None) -> list[Any]:
    """The routes found, as a table with their latency next to the great-circle floor.

    ``before`` is the uncut search when a cut is active: the change is stated first.
    """
    if result is None:
        return [
            html.P(
                "Pick two landing points (or cities) to see the lowest-latency path "
                "and up to three alternatives that avoid its cables.",
                className="hint",
            )
        ]
    comparison = cut_comparison(result, before)
    head = [html.P(comparison, className="route-summary cut-comparison")] if comparison else []
    if not result.reachable:
        return [*head, html.P(result.message, className="notice-inline")]
    rows = [
        {
            "route": ROUTE_NAMES[i],
            "cables": " → ".join(r.cable_names) or "land link",
            "hops": len(r.hops),
            "km": r.km,
            "km_drawn": r.km_drawn,
            "one_way": r.one_way_ms,
            "rtt": r.rtt_ms,
            "floor": r.floor_rtt_ms,
        }
        for i, r in enumerate(result.routes[: len(ROUTE_NAMES)])
    ]
    swatches = [
        html.Span(ROUTE_NAMES[i], className="route-key", style={"borderColor": ROUTE_COLOURS[i]})
        for i in range(len(rows))
    ]
    notes = [html.P(n, className="caveat") for n in result.notes]
    return [
        *head,
        html.P(
            [
                f"{result.source.name} → {result.target.name}: great-circle floor "
                f"{result.floor_rtt_ms:,.1f} ms RTT. On the map: ",
                *swatches,
            ],
            className="route-summary",
        ),
        _table(
            pd.DataFrame(rows),
            [
                ("route", "Route"),
                ("cables", "Cables used"),
                ("hops", "Hops"),
                ("km", "km (scaled)"),
                ("km_drawn", "km (drawn)"),
                ("one_way", "One-way ms"),
                ("rtt", "RTT ms"),
                ("floor", "Floor RTT ms"),
            ],
            "Estimated latency (4.9 µs/km in fibre)",
        ),
        *notes,
    ]


def cut_result(impact: CutImpact | None, scenario_text: str | None) -> list[Any]:
    """What the cut does: summary, countries cut off, and the most affected landing points."""
    if impact is None:
        return [
            html.P(
                "Choose a preset or cables to cut. Landing points that lose every "
                "path to the hub turn red on the map, slower ones orange.",
                className="hint",
            )
        ]
    summary = impact.summary()
    head = [
        html.P(scenario_text, className="scenario-text") if scenario_text else None,
        html.P(
            f"Cut ({summary['cables_cut']} cables"
            + (
                f"; {summary['cables_ignored']} ignored, not in service"
                if summary["cables_ignored"]
                else ""
            )
            + f"): {', '.join(impact.cable_names.get(c, c) for c in impact.cut_cable_ids) or '—'}."
            f" Hub: {impact.hub.name}. {summary['points_disconnected']} of "
            f"{summary['points_examined']} landing points lose every path to the hub; "
            f"{summary['points_slower']} are slower (mean +{summary['mean_increase_ms']:,.1f} ms,"
            f" max +{summary['max_increase_ms']:,.1f} ms RTT).",
            className="route-summary",
        ),
        html.P(
            "Countries cut off: " + (", ".join(impact.countries_cut_off) or "none"),
            className="route-summary",
        ),
        html.P(impact.methodology, className="hint methodology"),
    ]
    if impact.ignored_cable_ids:
        head.append(
            html.P(
                "Not in the in-service network (ignored): " + ", ".join(impact.ignored_cable_ids),
                className="caveat",
            )
        )
    affected = impact.table[impact.table["status"].isin(["disconnected", "slower"])]
    table = _table(
        affected.head(IMPACT_ROWS),
        [
            ("name", "Landing point"),
            ("country", "Country"),
            ("status", "Status"),
            ("baseline_rtt_ms", "RTT before (ms)"),
            ("cut_rtt_ms", "RTT after (ms)"),
            ("increase_ms", "Increase (ms)"),
        ],
        f"Most affected landing points (first {min(len(affected), IMPACT_ROWS)} of "
        f"{len(affected)}; the full table is in /api/v1/cut)",
    )
    return [h for h in head if h is not None] + [html.Div(table, className="table-scroll")]


def critical_result(table: pd.DataFrame, seconds: float) -> list[Any]:
    """The ranking of critical cables."""
    if table.empty:
        return [html.P("No in-service cable of this region reaches the hub.", className="hint")]
    return [
        html.P(f"Ranked {len(table)} cables in {seconds:,.2f} s.", className="caveat"),
        html.Div(
            _table(
                table.head(25),
                [
                    ("rank", "#"),
                    ("name", "Cable"),
                    ("points_disconnected", "Points cut off"),
                    ("n_countries_cut_off", "Countries cut off"),
                    ("points_slower", "Points slower"),
                    ("total_increase_ms", "Total +ms"),
                    ("max_increase_ms", "Max +ms"),
                ],
                "Most critical cables (cut alone)",
            ),
            className="table-scroll",
        ),
    ]
