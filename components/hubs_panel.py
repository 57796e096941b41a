"""The hubs view: ranking table, cables-over-time small multiples, one hub's profile, and the
timeline (a year control with a play button that also sets the map's RFS year filter).

The profile shown is URL state (``?metro=<hub id>``, declared in :mod:`datalayer.fields` with
the control :data:`PROFILE`). Every number comes from :func:`services.hubs.hubs_of`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash
import dash_ag_grid as dag
from dash import Dash, Input, Output, State, dcc, html

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
from services.hubs import (
    ESTIMATE_NOTE,
    HubsResult,
    hubs_ready,
    is_missing,
    measure_text,
    rank_text,
)

CARD = "hubs-card"
PROFILE = control_of("metro")
PROFILE_BODY = "hubs-profile-body"
YEAR = "hubs-year"
PLAY = "hubs-play"
TICK = "hubs-tick"
TABLE = "hubs-table"
MULTIPLES = "hubs-multiples"
#: Polls for the ranking while a worker process computes it (the first page after a start).
WAIT = "hubs-wait"
STATUS = "hubs-status"
#: What the card says meanwhile.
RANKING_NOTE = (
    "Ranking the hubs: RTTs, critical cables and min-cuts of every hub, computed once after "
    "the server starts (about ten seconds on today's data)…"
)
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
#: The ranking opens sorted by this column, most first.
DEFAULT_SORT = "cables_in_service"
#: The hub name column (a click on a name opens the hub's profile).
NAME_COLUMN = "hub"

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
            html.P(RANKING_NOTE, id=STATUS, className="hint hubs-status", role="status"),
            dcc.Interval(id=WAIT, interval=1000),
            # One component for the whole ranking: a table of Dash components (a cell each,
            # ~1,400 for 84 hubs) made every later update of the page seconds slower.
            dag.AgGrid(
                id=TABLE,
                columnDefs=ranking_columns(last),
                rowData=[],
                getRowId="params.data.id",
                defaultColDef={
                    "sortable": True,
                    "resizable": True,
                    "minWidth": 84,
                    "wrapHeaderText": True,
                    "autoHeaderHeight": True,
                },
                dashGridOptions={
                    "animateRows": False,
                    "enableCellTextSelection": True,
                    "tooltipShowDelay": 300,
                    "postSortRows": {"function": "landfallMissingLast(params)"},
                    # Empty only while the ranking is computed (RANKING_NOTE says so above).
                    # Plain text: an overlay *template* is HTML, which dash-ag-grid refuses
                    # (it logged an error and showed AG Grid's default "No Rows To Show").
                    "localeText": {"noRowsToShow": "Ranking the hubs…"},
                    "rowHeight": 30,
                    # 16 columns: every cell of a drawn row is in the page (find, copy, tests).
                    "suppressColumnVirtualisation": True,
                },
                columnSize="autoSize",
                className="hubs-grid",
                style={"height": "440px"},
            ),
            # Hidden until the ranking is in (an empty figure draws bare axes).
            dcc.Graph(id=MULTIPLES, config={"displayModeBar": False}, style={"display": "none"}),
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


def ranking_columns(year: int | None) -> list[dict[str, Any]]:
    """The grid's columns: the hub, then each measure of :data:`COLUMNS` (numbers sort as
    numbers; a missing value, an unreachable RTT or unmapped data centres, shows as –)."""
    measures = [
        {
            "field": c,
            "headerName": label.format(year=year),
            "type": "numericColumn",
            "valueFormatter": {"function": "landfallHubNumber(params.value)"},
            "headerTooltip": label.format(year=year),
            # Best first on the first click: fewest ms for an RTT, most for the rest.
            "sortingOrder": ["asc", "desc"] if c.startswith("rtt_") else ["desc", "asc"],
            **({"sort": "desc"} if c == DEFAULT_SORT else {}),
        }
        for c, label in COLUMNS.items()
    ]
    hub = {
        "field": NAME_COLUMN,
        "headerName": "Hub",
        "pinned": "left",
        "minWidth": 210,
        "cellClass": "hub-link",
        "tooltipField": NAME_COLUMN,
    }
    return [hub, *measures]


def ranking_rows(result: HubsResult, year: int | None) -> list[dict[str, Any]]:
    """One grid row per hub: its id, ``"Name (Country)"`` and every measure at ``year`` (JSON
    numbers; ``None`` where missing)."""
    table = result.at_year(year)
    rows = []
    for row in table.to_dict("records"):
        out: dict[str, Any] = {"id": row["id"], NAME_COLUMN: f"{row['name']} ({row['country']})"}
        for c in COLUMNS:
            value = row[c]
            if is_missing(value):
                out[c] = None
            else:
                out[c] = round(float(value), 1) if isinstance(value, float) else int(value)
        rows.append(out)
    return rows


def _line(label: str, values: tuple[str, ...] | list[str]) -> html.P:
    return html.P([html.Strong(f"{label} ({len(values)}): "), ", ".join(values) or "none"])


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
        html.Li(
            f"{label.format(year='').strip()}: {measure_text(row[c])} — rank: {rank_text(row, c, total)}"
        )
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
        Output(TABLE, "rowData"),
        Output(TABLE, "columnDefs"),
        Output(MULTIPLES, "figure"),
        Output(MULTIPLES, "style"),
        Output(WAIT, "disabled"),
        Output(STATUS, "hidden"),
        Input(YEAR, "value"),
        Input(WAIT, "n_intervals"),
    )
    def table(year: int | None, _waited: int | None) -> tuple[Any, ...]:
        # Sorting happens in the grid (a header click); the year relabels one column.
        result = hubs_ready(ctx)
        if result is None:  # a worker process is ranking the hubs: asked again in a second
            return (dash.no_update,) * 4 + (False, False)
        series = [
            (f"{row['name']}", result.profiles[row["id"]].cables_by_year)
            for row in result.table.to_dict("records")
        ]
        return (
            ranking_rows(result, year),
            ranking_columns(year),
            cables_over_time(series, year, dark=None),
            {},
            True,
            True,
        )

    @app.callback(
        Output(PROFILE_BODY, "children"), Input(PROFILE, "value"), Input(WAIT, "disabled")
    )
    def profile(hub_id: str | None, _ready: bool | None) -> Any:
        result = hubs_ready(ctx)
        if result is None:
            return html.P(RANKING_NOTE, className="hint") if hub_id else None
        return profile_body(
            result, hub_id, ctx.map.cable_names, point_names(ctx.data.landing_points)
        )

    @app.callback(
        Output(PROFILE, "value", allow_duplicate=True),
        Input(TABLE, "cellClicked"),
        prevent_initial_call=True,
    )
    def open_profile(clicked: dict[str, Any] | None) -> Any:
        # A click on a hub's name opens its profile (the other cells are numbers to read).
        if not clicked or clicked.get("colId") != NAME_COLUMN or not clicked.get("rowId"):
            return dash.no_update
        return str(clicked["rowId"])

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
