"""Callbacks: thin adapters from component values to the pure state, filter and figure functions.

Data flow: every control, click and the URL feed one *sync* callback, which settles the
:class:`Selection`, writes it to the URL (shareable, back/forward-able) and to a store. The store
drives one *render* callback that filters once and feeds the map, KPIs, charts, tables and
details from that single result. The sync callback's events and their pure handlers are one
table in components/sync.py.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
from dash import ClientsideFunction, Dash, Input, Output, Patch, State, dcc, html, no_update
from dash import ctx as callback_ctx

from analysis.cuts import critical_cables
from components import ids
from components.analysis_panel import (
    HIDDEN,
    RANK_LABEL,
    RANKING_LABEL,
    SHOWN,
    critical_result,
    cut_result,
    route_result,
)
from components.details import details_panel
from components.export_panel import (
    BUTTON_KINDS,
    KIND_DATA,
    KIND_IMAGE,
    PROGRESS_TEXT,
    choice_from,
    export_url,
    run_export,
    size_note,
)
from components.state import CONTROL_IDS
from components.sync import (
    CHART_IDS,
    DETAIL_MARK,
    SYNC_EVENTS,
    SYNC_KEYS,
    SyncResult,
    cluster_centre,
    corridor_from_selection,
    decode_trigger,
    selection_of_store,
    store_key,
    store_value,
    sync_state,
    zoom_from_map_click,
)
from components.tables import frame_table, grid_count, grid_rows, grid_total
from datalayer.selection import REGION_WORLD, Selection
from export import images, workdir
from export.jobs import store_dir
from figures import charts
from figures.summaries import (
    datacentre_kpis,
    fold_top,
    format_mw,
    kpis,
)
from figures.theme import get_theme
from services.analysis_run import run_analysis
from services.context import AppContext
from services.page_map import map_messages, message_stub, page_map
from services.single_flight import Busy, one_at_a_time
from services.view_figures import (
    CHART_NAMES,
    chart_figure,
    chart_summaries,
)

__all__ = [
    # The sync logic lives in components/sync.py; these names stay importable from here.
    "CHART_IDS",
    "DETAIL_MARK",
    "SyncResult",
    "cluster_centre",
    "corridor_from_selection",
    "details_with_actions",
    "map_outputs",
    "page_map_figure",
    "panel_outputs",
    "proximity_table",
    "register_analysis",
    "register_callbacks",
    "register_clientside",
    "register_export_callbacks",
    "register_grid",
    "register_render",
    "register_sync",
    "render_outputs",
    "selection_of_store",
    "store_key",
    "store_value",
    "sync_inputs",
    "sync_outputs",
    "sync_state",
    "zoom_from_map_click",
]

log = logging.getLogger("landfall.export")


def _format_int(value: float) -> str:
    return f"{value:,.0f}"


def page_map_figure(
    ctx: AppContext, store: str | None, theme_name: str | None, search: str | None
) -> go.Figure:
    """The map the page draws for a store, with the store's own layers (the figure the
    browser rebuilds from the map's message; for the benchmark and tests)."""
    sel = selection_of_store(ctx, store)
    parts = (ctx.select(sel), run_analysis(ctx, sel))
    return page_map(ctx, store, sel, parts, theme_name, search)


def map_outputs(
    ctx: AppContext, store: str | None, theme_name: str | None, search: str | None
) -> tuple[Any, ...]:
    """The map callback's outputs: where the browser gets the map of this state (it has
    usually asked already, as soon as the URL changed: services/page_map.py), and the
    analysis results.

    ``theme_name`` is not used: the signature is the panels' (bench/caching.py memoises both).
    """
    sel = selection_of_store(ctx, store)
    analysis = run_analysis(ctx, sel)
    return (
        message_stub(store, search),
        route_result(analysis.route, analysis.route_before),
        cut_result(analysis.impact, analysis.scenario_text),
    )


def panel_outputs(
    ctx: AppContext, store: str | None, theme_name: str | None, search: str | None = None
) -> tuple[Any, ...]:
    """The panels callback's outputs: KPIs, charts, their tables, the details panel and the
    proximity chart (``search`` is not used; see :func:`map_outputs`)."""
    sel = selection_of_store(ctx, store)
    theme = get_theme(theme_name)
    filtered = ctx.select(sel)
    numbers = kpis(filtered.cables, filtered.landing_points, filtered.facilities)
    summaries = chart_summaries(filtered)
    return (
        _format_int(numbers["cables"]),
        _format_int(numbers["km"]),
        _format_int(numbers["landing_points"]),
        _format_int(numbers["countries"]),
        _format_int(numbers["facilities"]),
        *[chart_figure(name, summaries[name], theme) for name in CHART_NAMES if name != DC_CHART],
        *_chart_tables(summaries),
        details_with_actions(ctx, sel),
        charts.proximity_chart(
            proximity_table(ctx, filtered.facilities), theme, nearest_first=True
        ),
        # The data centres' outputs come last, so the older outputs keep their positions.
        datacentre_kpi(filtered.datacentres),
        chart_figure(DC_CHART, summaries[DC_CHART], theme),
        frame_table(
            summaries[DC_CHART],
            [("operator", "Operator"), ("datacentres", "Data centres"), ("mw", "MW tagged")],
            "Data centres and tagged MW by operator",
        ),
    )


def _chart_tables(summaries: dict[str, pd.DataFrame]) -> tuple[Any, ...]:
    """The table views of the four charts: what the charts show (top N, the rest folded into
    one row): hundreds of rows would be thousands of components for the Dash renderer."""
    owners, years = summaries["owners"], summaries["years"]
    countries, fac_countries = summaries["countries"], summaries["facilities"]
    return (
        frame_table(
            fold_top(owners, "owner", charts.OWNER_TOP, ["cables", "km"]),
            [("owner", "Owner"), ("cables", "Cables"), ("km", "km")],
            "Cables and km by owner",
        ),
        frame_table(
            years,
            [
                ("year", "RFS year"),
                ("cables", "Cables"),
                ("km", "km"),
                ("cumulative_km", "Cumulative km"),
            ],
            "Cables by RFS year",
        ),
        frame_table(
            fold_top(countries, "country", charts.COUNTRY_TOP, ["landing_points"]),
            [("country", "Country"), ("landing_points", "Landing points")],
            "Landing points by country",
        ),
        frame_table(
            fold_top(fac_countries, "country", charts.COUNTRY_TOP, ["facilities", "exchanges"]),
            [("country", "Country"), ("facilities", "Facilities"), ("exchanges", "Exchanges")],
            "IX facilities by country",
        ),
    )


#: Where the details panel ends among the panels' outputs (the route and cut results, which
#: the map callback answers, came next in the one render callback this replaced).
_BEFORE_ANALYSIS = 14


def render_outputs(
    ctx: AppContext, store: str | None, theme_name: str | None, search: str | None
) -> tuple[Any, ...]:
    """Every output that shows the selection, in the order of the single render callback the
    map and panels callbacks replaced (the map message of ``theme_name`` first, as the browser
    gets it from the map's own URL): for the benchmark and the tests."""
    _stub, route, cut = map_outputs(ctx, store, theme_name, search)
    panels = panel_outputs(ctx, store, theme_name, search)
    message = map_messages(ctx, store, search)[get_theme(theme_name).name]
    return (message, *panels[:_BEFORE_ANALYSIS], route, cut, *panels[_BEFORE_ANALYSIS:])


#: The data-centre chart (answered after the others, with its KPI and table).
DC_CHART = "datacentres"


def datacentre_kpi(datacentres: gpd.GeoDataFrame) -> str:
    """``25 · 77 MW``: data centres shown and the MW tagged in OpenStreetMap."""
    numbers = datacentre_kpis(datacentres)
    return f"{_format_int(numbers['datacentres'])} · {format_mw(numbers['mw'])}"


def proximity_table(ctx: AppContext, facilities: gpd.GeoDataFrame) -> pd.DataFrame:
    """Each facility's nearest landing point and distance, with the facility's city, nearest
    first."""
    if facilities.empty:
        return pd.DataFrame(columns=["name", "city", "nearest_name", "distance_km"])
    # The nearest landing point depends on no filter: pick the facilities out of the shared
    # table, which is already in chart order (a subset of a sorted table stays sorted).
    shared = ctx.facility_proximity()
    table = shared[shared.index.isin(facilities.index)].copy()
    table["city"] = facilities["city"].reindex(table.index).to_numpy()
    return table


def details_with_actions(ctx: AppContext, sel: Selection) -> list[Any]:
    """The details panel, plus 'cut this cable' for a selected cable."""
    children = list(details_panel(ctx, sel.selected, with_close=False, radius_km=sel.radius_km))
    if sel.selected and sel.selected.startswith("cable:"):
        cable = sel.selected[len("cable:") :]
        if cable not in sel.cut:
            children.append(
                html.Button(
                    "Cut this cable in the simulator",
                    className="btn details-action",
                    id={"type": ids.DETAIL_LINK, "key": f"cut:{cable}"},
                    n_clicks=0,
                )
            )
    return children


def register_callbacks(app: Dash, ctx: AppContext) -> None:
    """Wire every callback of the page to ``ctx``."""
    register_sync(app, ctx)
    register_render(app, ctx)
    register_analysis(app, ctx)
    register_grid(app, ctx)
    register_clientside(app)
    register_export_callbacks(app, ctx)


def sync_inputs() -> list[Input]:
    """The sync callback's inputs: the URL search, the controls, then the table's events."""
    return [
        Input(ids.URL, "search"),
        *[Input(c, "value") for c in CONTROL_IDS],
        *[Input(event.component_id, event.prop) for event in SYNC_EVENTS],
    ]


def _same_value(shown: Any, wanted: Any) -> bool:
    """Whether a control already shows ``wanted`` (lists and tuples alike)."""

    def plain(value: Any) -> Any:
        return list(value) if isinstance(value, list | tuple) else value

    return bool(plain(shown) == plain(wanted))


def sync_outputs(
    result: SyncResult,
    stored: str | None,
    triggered_id: Any,
    shown: dict[str, Any] | None = None,
) -> tuple[Any, ...]:
    """The sync callback's answer for ``result`` (``no_update`` where nothing changes).

    A control that already shows its value (``shown``) is not written again: every written
    value fires the callbacks that listen to it (a searched picker's options, a profile), a
    dozen requests and redraws per filter change for controls nobody touched.
    """
    current = shown or {}
    controls: Sequence[Any] = (
        [
            no_update
            if c in current and _same_value(current[c], result.controls[c])
            else result.controls[c]
            for c in CONTROL_IDS
        ]
        if result.controls
        else [no_update] * len(CONTROL_IDS)
    )
    return (
        result.search if result.search is not None else no_update,
        *controls,
        # Writing the same value would still fire the render: moving the map of a small
        # selection (its store has no view) would redraw the whole page for nothing.
        result.store if result.store != stored else no_update,
        # A notice stays until the next page load or reset: controls echo their values
        # back after a load, and that echo must not wipe what the user needs to read.
        result.notice if triggered_id in (None, ids.URL, ids.RESET) else no_update,
    )


def register_sync(app: Dash, ctx: AppContext) -> None:
    """The sync callback: every control, click and the URL settle the selection."""

    @app.callback(
        Output(ids.URL, "search"),
        *[Output(c, "value") for c in CONTROL_IDS],
        Output(ids.SELECTION_STORE, "data"),
        Output(ids.NOTICE, "children"),
        *sync_inputs(),
        State(ids.SELECTION_STORE, "data"),
    )
    def _sync(search: str | None, *inputs: Any) -> tuple[Any, ...]:
        *args, stored = inputs
        values = dict(zip(CONTROL_IDS, args[: len(CONTROL_IDS)], strict=True))
        events = dict(zip(SYNC_KEYS, args[len(CONTROL_IDS) :], strict=True))
        triggered_id = callback_ctx.triggered_id
        trigger, event = decode_trigger(triggered_id, callback_ctx.triggered, events)
        result = sync_state(ctx, trigger, search, values, event)
        return sync_outputs(result, stored, triggered_id, values)


def register_render(app: Dash, ctx: AppContext) -> None:
    """The render callbacks: the render key drives every output that shows the selection. The
    map's (with the route and cut results) answers both themes at once and runs beside the
    panels' (KPIs, charts, tables, details), so the map repaints without waiting for charts.

    Their outputs, inputs and state key the response cache (web/render_cache.py).
    """

    @app.callback(
        Output(ids.MAP_MESSAGE, "data"),
        Output(ids.ROUTE_RESULT, "children"),
        Output(ids.CUT_RESULT, "children"),
        Input(ids.RENDER_KEY, "data"),
        State(ids.URL, "search"),
    )
    def _map(store: str | None, search: str | None) -> tuple[Any, ...]:
        # Looked up at call time: bench/caching.py swaps in memoised ones.
        return map_outputs(ctx, store, None, search)

    @app.callback(
        Output(ids.KPI_CABLES, "children"),
        Output(ids.KPI_KM, "children"),
        Output(ids.KPI_LANDING_POINTS, "children"),
        Output(ids.KPI_COUNTRIES, "children"),
        Output(ids.KPI_FACILITIES, "children"),
        *[Output(c, "figure") for c in CHART_IDS if c != ids.CHART_DATACENTRES],
        Output(ids.TABLE_OWNERS, "children"),
        Output(ids.TABLE_YEARS, "children"),
        Output(ids.TABLE_COUNTRIES, "children"),
        Output(ids.TABLE_FACILITIES, "children"),
        Output(ids.DETAILS, "children"),
        Output(ids.PROXIMITY_CHART, "figure"),
        Output(ids.KPI_DATACENTRES, "children"),
        Output(ids.CHART_DATACENTRES, "figure"),
        Output(ids.TABLE_DATACENTRES, "children"),
        Input(ids.RENDER_KEY, "data"),
        Input(ids.THEME_STORE, "data"),
    )
    def _panels(store: str | None, theme_name: str | None) -> tuple[Any, ...]:
        return panel_outputs(ctx, store, theme_name)


def register_analysis(app: Dash, ctx: AppContext) -> None:
    """The critical-cables ranking, run on demand as a background callback: in a process of its
    own (the app's background manager), with progress and a cancel button in the page, one
    ranking at a time per server, and cached by the data version and its inputs."""

    @app.callback(
        Output(ids.CRITICAL_RESULT, "children"),
        Input(ids.CRITICAL_RUN, "n_clicks"),
        State(ids.SELECTION_STORE, "data"),
        prevent_initial_call=True,
        background=True,
        interval=500,
        progress=[Output(ids.CRITICAL_PROGRESS, "value"), Output(ids.CRITICAL_PROGRESS, "max")],
        progress_default=["0", "1"],
        cancel=[Input(ids.CRITICAL_CANCEL, "n_clicks")],
        # A world ranking takes seconds: say so on the button while it runs.
        running=[
            (Output(ids.CRITICAL_RUN, "disabled"), True, False),
            (Output(ids.CRITICAL_RUN, "children"), RANKING_LABEL, RANK_LABEL),
            (Output(ids.CRITICAL_CANCEL, "style"), SHOWN, HIDDEN),
            (Output(ids.CRITICAL_PROGRESS, "style"), SHOWN, HIDDEN),
        ],
    )
    def _critical(set_progress: Any, _clicks: int | None, store: str | None) -> list[Any]:
        sel = selection_of_store(ctx, store)
        region = None if sel.region == REGION_WORLD else sel.region
        step = {"last": 0.0}

        def progress(done: int, total: int) -> None:
            # Every cable would be a store write: report at most every 0.3 s.
            now = time.monotonic()
            if now - step["last"] >= 0.3 or done == total:
                step["last"] = now
                set_progress((str(done), str(total)))

        try:
            with one_at_a_time(store_dir() / "ranking.lock"):
                table = critical_cables(ctx.graph, region=region, hub=sel.hub, progress=progress)
        except Busy as exc:
            return [html.P(f"{str(exc).capitalize()}.", className="hint")]
        return critical_result(table, float(table.attrs.get("seconds", 0.0)))


def register_grid(app: Dash, ctx: AppContext) -> None:
    """The data grid: its rows follow the store and the tab; its search filters in the browser."""

    @app.callback(
        Output(ids.GRID, "rowData"),
        Output(ids.GRID, "columnDefs"),
        Output(ids.GRID_COUNT, "children"),
        Input(ids.RENDER_KEY, "data"),
        Input(ids.GRID_TAB, "value"),
    )
    def _grid(store: str | None, tab: str | None) -> tuple[Any, ...]:
        sel = selection_of_store(ctx, store)
        filtered = ctx.select(sel)
        rows, columns = grid_rows(filtered, tab or "cables", ctx.map.cable_names)
        return rows, columns, grid_count(len(rows), grid_total(filtered, tab or "cables"))

    @app.callback(
        Output(ids.GRID, "dashGridOptions"),
        Input(ids.GRID_SEARCH, "value"),
        prevent_initial_call=True,
    )
    def _grid_search(text: str | None) -> Patch:
        patch = Patch()
        patch["quickFilterText"] = (text or "")[:200]
        return patch


def register_clientside(app: Dash) -> None:
    """The callbacks that run in the browser (assets/): theme, filters panel, details panel."""
    app.clientside_callback(
        ClientsideFunction(namespace="landfall", function_name="toggleTheme"),
        Output(ids.THEME_STORE, "data"),
        Input(ids.THEME_TOGGLE, "n_clicks"),
        State(ids.THEME_STORE, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="landfall", function_name="applyTheme"),
        Output(ids.THEME_TOGGLE, "children"),
        Input(ids.THEME_STORE, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="landfall", function_name="toggleFilters"),
        Output(ids.FILTERS_PANEL, "className"),
        Input(ids.FILTERS_TOGGLE, "n_clicks"),
        Input(ids.FILTERS_DONE, "n_clicks"),
        State(ids.FILTERS_PANEL, "className"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="landfallMap", function_name="renderKey"),
        Output(ids.RENDER_KEY, "data"),
        Input(ids.SELECTION_STORE, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="landfallMap", function_name="drawMap"),
        Output(ids.MAP, "figure"),
        Input(ids.MAP_MESSAGE, "data"),
        Input(ids.LAYERS, "value"),
        Input(ids.THEME_STORE, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="landfall", function_name="mapPicked"),
        Output(ids.MAP_PICK, "data"),
        Input(ids.MAP, "clickData"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="landfall", function_name="watchMap"),
        Output(ids.MAP_FIT, "data"),
        Input(ids.MAP, "figure"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="landfall", function_name="fitToQuestion"),
        Output(ids.MAP_FIT, "data", allow_duplicate=True),
        Input(ids.MAP_FIT_BUTTON, "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="landfall", function_name="mapMoved"),
        Output(ids.MAP_MOVE, "data"),
        Input(ids.MAP, "relayoutData"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="landfall", function_name="showDetails"),
        Output(ids.DETAILS_PANEL, "className"),
        Input(ids.SELECTION_STORE, "data"),
    )


def register_export_callbacks(app: Dash, ctx: AppContext) -> None:
    """The export card: size note and scriptable links follow the choice; buttons download."""
    choice_states = [
        State(ids.EXPORT_FIGURE, "value"),
        State(ids.EXPORT_IMAGE_FORMAT, "value"),
        State(ids.EXPORT_SCALE, "value"),
        State(ids.EXPORT_DATASET, "value"),
        State(ids.EXPORT_DATA_FORMAT, "value"),
        State(ids.EXPORT_THEME, "value"),
    ]

    @app.callback(
        Output(ids.EXPORT_SIZE_NOTE, "children"),
        Output(ids.EXPORT_IMAGE_LINK, "href"),
        Output(ids.EXPORT_IMAGE_LINK, "children"),
        Output(ids.EXPORT_DATA_LINK, "href"),
        Output(ids.EXPORT_DATA_LINK, "children"),
        Input(ids.URL, "search"),
        *[Input(s.component_id, s.component_property) for s in choice_states],
    )
    def _export_choice(search: str | None, *values: Any) -> tuple[str, str, str, str, str]:
        image = choice_from(KIND_IMAGE, *values)
        data = choice_from(KIND_DATA, *values)
        image_url, data_url = export_url(image, search), export_url(data, search)
        return (
            size_note(image.figure, image.image_format, image.scale),
            image_url,
            f"{image.figure}.{image.image_format}",
            data_url,
            f"{data.dataset}.{data.data_format}",
        )

    @app.callback(
        Output(ids.EXPORT_DOWNLOAD, "data"),
        Output(ids.EXPORT_STATUS, "children"),
        *[Input(button, "n_clicks") for button in BUTTON_KINDS],
        State(ids.URL, "search"),
        *choice_states,
        prevent_initial_call=True,
        # Made in a process of its own (the app's background manager), one export at a time
        # per server, with what it is doing and a cancel button in the card.
        background=True,
        interval=500,
        progress=[Output(ids.EXPORT_PROGRESS, "children")],
        progress_default=[""],
        cancel=[Input(ids.EXPORT_CANCEL, "n_clicks")],
        running=[
            *[(Output(button, "disabled"), True, False) for button in BUTTON_KINDS],
            (Output(ids.EXPORT_CANCEL, "style"), SHOWN, HIDDEN),
        ],
    )
    def _export(set_progress: Any, *args: Any) -> tuple[Any, str]:
        trigger = callback_ctx.triggered_id
        if trigger not in BUTTON_KINDS:
            return no_update, ""
        search, *values = args[len(BUTTON_KINDS) :]
        choice = choice_from(BUTTON_KINDS[trigger], *values)
        try:
            set_progress(("Waiting for another export to finish…",))
            with one_at_a_time(store_dir() / "page-export.lock"):
                set_progress((PROGRESS_TEXT[choice.kind],))
                file, status = run_export(ctx, search, choice)
        except Busy:
            return no_update, "The server is busy with other exports; try again in a minute."
        except Exception:
            # The details go to the server log only; the page gets a plain sentence.
            log.exception("Export failed: %s %s", choice, search)
            return no_update, "Export failed because of an internal error; it has been logged."
        finally:
            # This process ends with the export: its browser and temporary files go with it.
            images.stop_server(wait_s=5)
            workdir.release()
        if file is None:
            return no_update, status
        return dcc.send_bytes(file.content, file.filename, type=file.mimetype), status
