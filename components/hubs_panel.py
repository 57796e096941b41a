"""The hubs view: ranking table, cables-over-time small multiples, one hub's profile, and the
timeline (a year control with a play button that also sets the map's RFS year filter).

The profile shown is URL state (``?metro=<hub id>``, declared in :mod:`datalayer.fields` with
the control :data:`PROFILE`). Every number comes from :func:`services.hubs.hubs_of`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import dash
import pandas as pd
from dash import ALL, Dash, Input, Output, State, dcc, html

from analysis.hubs import (
    METHODOLOGY,
    HubProfile,
    datacentres_line,
    point_names,
    region_hubs,
    rtt_column,
)
from components import ids
from datalayer.fields import control_of
from datalayer.query import parse_query
from figures.hubs import cables_over_time
from services.context import AppContext
from services.hubs import ESTIMATE_NOTE, HubsResult, hubs_of

CARD = "hubs-card"
PROFILE = control_of("metro")
PROFILE_BODY = "hubs-profile-body"
YEAR = "hubs-year"
PLAY = "hubs-play"
TICK = "hubs-tick"
TABLE = "hubs-table"
SORT = "hubs-sort"
MULTIPLES = "hubs-multiples"
SORT_BUTTON = "hubs-sort-button"
OPEN_BUTTON = "hubs-open"
CSV_URL = "/api/v1/hubs.csv"

#: Table column → header (``{year}`` is the timeline's year). RTTs are estimates.
COLUMNS: dict[str, str] = {
    "cables_in_year": "Cables {year}",
    "cables_in_service": "Cables in service",
    "cables_planned": "Planned",
    "countries": "Countries reached",
    "owners": "Owners",
    # Three of the ranking's destinations (analysis.hubs.DESTINATIONS), named as it names them.
    **{
        rtt_column(place): f"RTT {place} (est. ms)" for place in ("Singapore", "Mumbai", "New York")
    },
    "datacentres": "Data centres",
    "datacentre_mw": "Tagged MW",
    "exchanges": "IXs",
    "asia_min_cut": "Asia min-cut (cables)",
}
DEFAULT_SORT = {"col": "cables_in_service", "desc": True}

#: Play / pause / next year (a click starts from the first year when the last one is shown;
#: a tick never re-enables the timer or relabels the button, only a click or the last year).
PLAY_JS = """
function (clicks, ticks, stopped, year, low, high) {
  var none = window.dash_clientside.no_update;
  var trig = window.dash_clientside.callback_context.triggered.map(function (t) {
    return t.prop_id;
  });
  if (trig.indexOf("hubs-play.n_clicks") >= 0) {
    if (!stopped) return [true, none, "\u25b6 Play"];
    return [false, year >= high ? low : year, "\u23f8 Pause"];
  }
  if (stopped) return [none, none, none];
  if (year >= high) return [true, none, "\u25b6 Play"];
  var next = year + 1;
  if (next >= high) return [true, next, "\u25b6 Play"];
  return [none, next, none];
}
"""


def hubs_card(ctx: AppContext) -> html.Section:
    """The card; its table and profile are filled by :func:`register_hubs_callbacks`."""
    low, high = ctx.vocab.year_range
    last = min(high, int(ctx.data_date("cables.geojson")[:4]))
    options = [
        {"label": f"{h.name} ({h.country})", "value": h.id}
        for h in sorted(region_hubs(ctx.data.landing_points), key=lambda h: h.name)
    ]
    return html.Section(
        id=CARD,
        className="card hubs-card",
        children=[
            html.H2("Hubs", className="card-title"),
            html.P(f"{METHODOLOGY} {ESTIMATE_NOTE}", className="hint hubs-method"),
            html.Div(
                className="hubs-timeline",
                children=[
                    html.Label("Network at the end of", htmlFor=YEAR),
                    html.Div(
                        dcc.Slider(
                            id=YEAR,
                            min=low,
                            max=last,
                            step=1,
                            value=last,
                            marks={y: str(y) for y in range(low, last + 1) if y % 5 == 0},
                        ),
                        className="hubs-year",
                    ),
                    html.Button("▶ Play", id=PLAY, className="btn", n_clicks=0),
                    dcc.Interval(id=TICK, interval=1200, disabled=True),
                    html.A(
                        "Download CSV", href=CSV_URL, className="btn", download="landfall-hubs.csv"
                    ),
                ],
            ),
            dcc.Store(id=SORT, data=DEFAULT_SORT),
            html.Div(id=TABLE, className="table-scroll hubs-table"),
            dcc.Graph(id=MULTIPLES, config={"displayModeBar": False}),
            html.Div(
                className="hubs-profile",
                children=[
                    html.Label("Hub profile", htmlFor=PROFILE),
                    dcc.Dropdown(
                        id=PROFILE, options=options, value=None, placeholder="Choose a hub"
                    ),
                    html.Div(id=PROFILE_BODY),
                ],
            ),
        ],
    )


def _attrs(attributes: dict[str, Any]) -> dict[str, Any]:
    """Dashed HTML attributes (``data-*``, ``aria-*``) as keyword arguments."""
    return dict(attributes)


def _cell(value: Any) -> str:
    if value is None or value is pd.NA:
        return "–"
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def ranking_table(result: HubsResult, year: int | None, sort: dict[str, Any]) -> html.Table:
    """The ranking at ``year``, sorted by ``sort["col"]`` (unreachable RTTs last)."""
    table = result.at_year(year)
    col = str(sort.get("col")) if sort.get("col") in COLUMNS else str(DEFAULT_SORT["col"])
    desc = bool(sort.get("desc", True))
    table = table.sort_values(
        [col, "id"], ascending=[not desc, True], na_position="last", kind="stable"
    )
    heads = [html.Th("Hub", scope="col")] + [
        html.Th(
            html.Button(
                label.format(year=year) + (" ▼" if c == col and desc else " ▲" if c == col else ""),
                id={"type": SORT_BUTTON, "col": c},
                className="hubs-sort",
                n_clicks=0,
            ),
            scope="col",
            **_attrs(
                {"aria-sort": ("descending" if desc else "ascending") if c == col else "none"}
            ),
        )
        for c, label in COLUMNS.items()
    ]
    rows = [
        html.Tr(
            [
                html.Th(
                    html.Button(
                        f"{row['name']} ({row['country']})",
                        id={"type": OPEN_BUTTON, "hub": row["id"]},
                        className="link-button",
                        n_clicks=0,
                    ),
                    scope="row",
                )
            ]
            + [html.Td(_cell(row[c]), className="num") for c in COLUMNS],
            className="hub-row",
            **_attrs({"data-hub": row["id"]}),
        )
        for row in table.to_dict("records")
    ]
    return html.Table([html.Thead(html.Tr(heads)), html.Tbody(rows)], className="hubs-ranking")


def _line(label: str, values: tuple[str, ...] | list[str]) -> html.P:
    return html.P([html.Strong(f"{label} ({len(values)}): "), ", ".join(values) or "none"])


def _rank(row: dict[Any, Any], column: str, total: int) -> str:
    rank = row["rank_" + column]
    return "unranked (no data)" if pd.isna(rank) else f"rank {int(rank)} of {total}"


def profile_body(
    result: HubsResult,
    hub_id: str | None,
    cable_names: Mapping[str, str] | None = None,
    lp_names: Mapping[str, str] | None = None,
) -> list[Any]:
    """One hub's profile, with its rank on each measure; cables and landing points by name
    (their ids where a name is not given)."""
    cables = cable_names or {}
    points = lp_names or {}
    profile: HubProfile | None = result.profiles.get(hub_id or "")
    if profile is None:
        return [html.P("Choose a hub in the table or the list above.", className="hint")]
    row: dict[Any, Any] = next(
        r for r in result.table.to_dict("records") if r["id"] == profile.hub.id
    )
    total = len(result.table)
    ranks = [
        html.Li(f"{label.format(year='').strip()}: {_cell(row[c])} — {_rank(row, c, total)}")
        for c, label in COLUMNS.items()
        if f"rank_{c}" in row
    ]
    rtts = [
        html.Tr(
            [
                html.Td(r.destination),
                html.Td("no path" if r.rtt_ms is None else f"{r.rtt_ms:.1f}", className="num"),
                html.Td(f"{r.floor_ms:.1f}", className="num"),
            ]
        )
        for r in profile.rtts
    ]
    critical = [
        f"{cables.get(c, c)} (+{v:.1f} ms)"
        if v is not None
        else f"{cables.get(c, c)} (no path left)"
        for c, v in profile.critical.items()
    ]
    return [
        html.H3(f"{profile.hub.name}, {profile.hub.country}", id="hub-profile-title"),
        _line("Landing points", [points.get(p, p) for p in profile.hub.point_ids]),
        _line(
            f"Cables in service ({result.data_date})",
            [cables.get(c, c) for c in profile.cables_in_service],
        ),
        _line("Cables planned", [cables.get(c, c) for c in profile.cables_planned]),
        _line("Owners", profile.owners),
        _line("Suppliers", profile.suppliers),
        _line("Countries reached directly", profile.countries),
        html.Table(
            [
                html.Caption("Round-trip time — estimate, ms (great-circle floor beside it)"),
                html.Thead(html.Tr([html.Th("To"), html.Th("Estimate"), html.Th("Floor")])),
                html.Tbody(rtts),
            ],
            className="hub-rtts",
        ),
        _line(datacentres_line(profile), profile.datacentres)
        if profile.datacentres_mapped
        else html.P(html.Strong(datacentres_line(profile))),
        _line("Internet exchanges within 50 km", profile.exchanges),
        _line("Critical cables (cut alone, the path to Singapore slows)", critical),
        _line(
            "Smallest cut separating it from Asia (cables)",
            [cables.get(c, c) for c in profile.asia_min_cut],
        ),
        html.Ul(ranks, className="hub-ranks"),
    ]


def register_hubs_callbacks(app: Dash, ctx: AppContext) -> None:
    """Table, small multiples, profile, sorting and the timeline."""

    @app.callback(
        Output(SORT, "data"),
        Input({"type": SORT_BUTTON, "col": ALL}, "n_clicks"),
        State(SORT, "data"),
        prevent_initial_call=True,
    )
    def sort(_clicks: list[int], current: dict[str, Any]) -> Any:
        trigger = dash.ctx.triggered_id
        if not isinstance(trigger, dict) or not any(_clicks):
            return dash.no_update
        col = trigger["col"]
        desc = (
            not current.get("desc", True)
            if current.get("col") == col
            else not col.startswith("rtt_")
        )
        return {"col": col, "desc": desc}

    @app.callback(
        Output(TABLE, "children"),
        Output(MULTIPLES, "figure"),
        Input(YEAR, "value"),
        Input(SORT, "data"),
    )
    def table(year: int | None, sort_by: dict[str, Any] | None) -> tuple[Any, Any]:
        result = hubs_of(ctx)
        series = [
            (f"{row['name']}", result.profiles[row["id"]].cables_by_year)
            for row in result.table.to_dict("records")
        ]
        return ranking_table(result, year, sort_by or DEFAULT_SORT), cables_over_time(series, year)

    @app.callback(Output(PROFILE_BODY, "children"), Input(PROFILE, "value"))
    def profile(hub_id: str | None) -> list[Any]:
        return profile_body(
            hubs_of(ctx), hub_id, ctx.map.cable_names, point_names(ctx.data.landing_points)
        )

    @app.callback(
        Output(PROFILE, "value", allow_duplicate=True),
        Input({"type": OPEN_BUTTON, "hub": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def open_profile(clicks: list[int]) -> Any:
        trigger = dash.ctx.triggered_id
        if not isinstance(trigger, dict) or not any(clicks):
            return dash.no_update
        return trigger["hub"]

    # The timeline plays in the browser: a server round trip per tick would queue behind the
    # renders each year causes, and a newer tick's answer would drop the "Pause" click's.
    app.clientside_callback(
        PLAY_JS,
        Output(TICK, "disabled"),
        Output(YEAR, "value", allow_duplicate=True),
        Output(PLAY, "children"),
        Input(PLAY, "n_clicks"),
        Input(TICK, "n_intervals"),
        State(TICK, "disabled"),
        State(YEAR, "value"),
        State(YEAR, "min"),
        State(YEAR, "max"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.F_YEARS, "value", allow_duplicate=True),
        Output(YEAR, "value", allow_duplicate=True),
        Input(YEAR, "value"),
        State(ids.F_YEARS, "value"),
        State(ids.URL, "search"),
        State(YEAR, "max"),
        prevent_initial_call="initial_duplicate",
    )
    def year_on_map(
        year: int | None, current: list[int] | None, search: str | None, last: int
    ) -> tuple[Any, Any]:
        # One year, two controls: the slider moves the map's RFS year filter (the network at
        # the end of that year); a page opened with a year filter (a shared link) starts the
        # slider at its year. Later filter changes leave the slider alone: their echo of a
        # slider move could pull a quickly moving slider back.
        if dash.ctx.triggered_id == YEAR:
            return sync_years(year, current, True, ctx.vocab.year_range[0], last)
        linked = parse_query(search or "", ctx.vocab)[0]
        shared = [ctx.vocab.year_range[0], linked.year_max] if linked.year_max else None
        return sync_years(year, shared, False, ctx.vocab.year_range[0], last)


def sync_years(
    year: int | None, current: list[int] | None, from_slider: bool, low: int, last: int
) -> tuple[Any, Any]:
    """(map year filter, slider year) after one of them changed; ``no_update`` where the other
    already agrees."""
    if from_slider:
        if year is None:
            return dash.no_update, dash.no_update
        first = current[0] if current else low
        wanted = [min(first, year), year]
        return (dash.no_update if current == wanted else wanted), dash.no_update
    end = min(current[1], last) if current else last
    return dash.no_update, (dash.no_update if end == year else end)
