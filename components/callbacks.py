"""Callbacks: thin adapters from component values to the pure state, filter and figure functions.

Data flow: every control, click and the URL feed one *sync* callback, which settles the
:class:`Selection`, writes it to the URL (shareable, back/forward-able) and to a store. The store
drives one *render* callback that filters once and feeds the map, KPIs, charts, tables and
details from that single result.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import pandas as pd
from dash import ALL, ClientsideFunction, Dash, Input, Output, Patch, State, dcc, html, no_update
from dash import ctx as callback_ctx

from analysis.cuts import critical_cables
from components import ids
from components.analysis_panel import (
    RANK_LABEL,
    RANKING_LABEL,
    critical_result,
    cut_result,
    route_result,
)
from components.details import details_panel
from components.export_panel import (
    BUTTON_KINDS,
    KIND_DATA,
    KIND_IMAGE,
    choice_from,
    export_url,
    run_export,
    size_note,
)
from components.state import (
    CONTROL_IDS,
    apply_chart_click,
    controls_from_selection,
    selected_from_map_click,
    selection_from_controls,
)
from components.tables import frame_table, grid_count, grid_rows, grid_total
from datalayer.query import normalise_corridor, parse_query, to_query
from datalayer.selection import REGION_WORLD, MapView, Selection
from figures import charts
from figures.lod import view_key
from figures.map import needs_level_of_detail
from figures.summaries import (
    fold_top,
    kpis,
)
from figures.theme import get_theme
from figures.view import fit_selection
from services.analysis_run import run_analysis
from services.context import AppContext
from services.view_figures import CHART_NAMES, chart_figure, chart_summaries, selection_map

log = logging.getLogger("landfall.export")

CHART_IDS = (ids.CHART_OWNERS, ids.CHART_YEARS, ids.CHART_COUNTRIES, ids.CHART_FACILITIES)


@dataclass(frozen=True)
class SyncResult:
    """What the sync callback writes: ``None`` fields are left as they are."""

    search: str | None
    controls: dict[str, Any] | None
    store: str
    notice: str


def store_key(sel: Selection) -> str:
    """The store value for a selection: its query string without the map view."""
    return to_query(replace(sel, view=None)) or "?"


#: Separates the selection's query from the level-of-detail key in the store.
DETAIL_MARK = "#lod="


def store_value(ctx: AppContext, sel: Selection) -> str:
    """What the sync callback stores: :func:`store_key`, plus, for a selection too large to draw
    feature by feature, a key of the view, so that zooming and panning redraw its detail.

    Smaller selections leave the view out: moving the map then never re-renders anything.
    """
    key = store_key(sel)
    if sel.view is None:
        return key
    filtered = ctx.select(sel)
    if not needs_level_of_detail(
        ctx.map, filtered.cables, filtered.landing_points, filtered.facilities
    ):
        return key
    centre = {"lon": sel.view.lon, "lat": sel.view.lat}
    return key + DETAIL_MARK + view_key(centre, sel.view.zoom)


def selection_of_store(ctx: AppContext, store: str | None) -> Selection:
    """The selection a store value holds (its level-of-detail key dropped)."""
    return parse_query((store or "").partition(DETAIL_MARK)[0], ctx.vocab)[0]


def cluster_centre(point: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """The lon/lat of the group of markers a map click hit (its ``zoom:lon,lat`` customdata)."""
    data = point.get("customdata") if isinstance(point, Mapping) else None
    if isinstance(data, list) and data:
        data = data[0]
    if not isinstance(data, str) or not data.startswith("zoom:"):
        return None
    try:
        lon, lat = (float(v) for v in data[len("zoom:") :].split(","))
    except ValueError:
        return None
    return (lon, lat) if math.isfinite(lon) and math.isfinite(lat) else None


def zoom_from_map_click(point: Mapping[str, Any] | None, zoom: float) -> MapView | None:
    """The view a click on a group of markers asks for: centred on it, two levels closer."""
    centre = cluster_centre(point)
    if centre is None:
        return None
    lon, lat = centre
    return MapView(
        round((lon + 180) % 360 - 180, 4),
        round(min(max(lat, -85.0), 85.0), 4),
        round(min(max(zoom + 2.0, 0.0), 22.0), 2),
    )


def _view_from_relayout(relayout: Mapping[str, Any] | None) -> MapView | None:
    if not relayout or "map.center" not in relayout or "map.zoom" not in relayout:
        return None
    centre = relayout["map.center"]
    try:
        lon, lat, zoom = float(centre["lon"]), float(centre["lat"]), float(relayout["map.zoom"])
    except (KeyError, TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (lon, lat, zoom)):
        return None
    # MapLibre reports unwrapped longitudes after panning across ±180°; the URL codec only
    # accepts -180..180, -85..85 and zoom 0..22, so keep the written view within those.
    return MapView(
        round((lon + 180) % 360 - 180, 4),
        round(min(max(lat, -85.0), 85.0), 4),
        round(min(max(zoom, 0.0), 22.0), 2),
    )


def corridor_from_selection(selected: Mapping[str, Any] | None) -> str | None:
    """The ``lon lat, …`` corridor text of a lasso drawn on the map, if any."""
    if not isinstance(selected, Mapping):
        return None
    lasso = selected.get("lassoPoints")
    points = lasso.get("map") if isinstance(lasso, Mapping) else None
    if not isinstance(points, list) or len(points) < 3:
        return None
    text = ", ".join(
        f"{float(p[0]):.4f} {float(p[1]):.4f}"
        for p in points[:200]
        if isinstance(p, list | tuple) and len(p) == 2
    )
    return normalise_corridor(text)


def sync_state(
    ctx: AppContext,
    trigger: Any,
    search: str | None,
    control_values: Mapping[str, Any],
    event: Any = None,
) -> SyncResult:
    """Settle the selection after ``trigger`` fired (``None``: first load).

    The URL is the record of the current state, so events start from it; a control change
    starts from the controls.
    """
    current, notices = parse_query(search or "", ctx.vocab)
    if trigger is None or trigger == ids.URL:
        # The URL is left as typed: rewriting it here would re-fire this callback from the
        # location component and wipe the notice. The next change writes a clean URL.
        return SyncResult(
            search=None,
            controls=controls_from_selection(current, ctx.vocab),
            store=store_value(ctx, current),
            notice=" ".join(notices),
        )
    controls_changed = False
    if trigger in CONTROL_IDS:
        sel = selection_from_controls(control_values, ctx.vocab, current)
    elif trigger in CHART_IDS:
        point = (event or {}).get("points", [{}])[0] if isinstance(event, Mapping) else {}
        value = point.get("customdata") if isinstance(point, Mapping) else None
        sel = apply_chart_click(current, str(trigger), value, ctx.vocab)
        controls_changed = sel != current
    elif trigger == ids.MAP:
        point = (event or {}).get("points", [{}])[0] if isinstance(event, Mapping) else {}
        key = selected_from_map_click(point, ctx.map.cable_order, ctx.vocab)
        if key:
            sel = replace(current, selected=key)
        elif cluster_centre(point) is not None:
            # The fitted view's zoom is worked out only for a click on a group.
            zoom = (
                current.view.zoom
                if current.view
                else fit_selection(ctx.select(current).landing_points, current.region)[1]
            )
            closer = zoom_from_map_click(point, zoom)
            sel = replace(current, view=closer) if closer else current
        else:
            sel = current
    elif (
        isinstance(trigger, Mapping)
        and trigger.get("type") == ids.DETAIL_LINK
        and str(trigger.get("key", "")).startswith("cut:")
    ):
        cable = str(trigger["key"])[4:]
        known = cable in ctx.vocab.cables and cable not in current.cut
        sel = replace(current, cut=(*current.cut, cable)) if known else current
        controls_changed = sel != current
    elif isinstance(trigger, Mapping) and trigger.get("type") == ids.DETAIL_LINK:
        key = str(trigger.get("key", ""))
        probe, problems = parse_query(to_query(replace(Selection(), selected=key)), ctx.vocab)
        sel = (
            replace(current, selected=probe.selected)
            if probe.selected and not problems
            else current
        )
    elif trigger == ids.DETAILS_CLOSE:
        sel = replace(current, selected=None)
    elif trigger == ids.RESET:
        sel = Selection()
        controls_changed = True
    elif trigger == "relayout":
        view = _view_from_relayout(event)
        sel = replace(current, view=view) if view else current
    elif trigger == "lasso":
        corridor = corridor_from_selection(event)
        sel = replace(current, corridor=corridor) if corridor else current
    elif trigger == ids.CLEAR_CUT:
        sel = replace(current, cut=(), scenario=None, corridor=None)
        controls_changed = True
    else:
        sel = current
    query = to_query(sel)
    return SyncResult(
        search=query if query != (search or "") else None,
        controls=controls_from_selection(sel, ctx.vocab) if controls_changed else None,
        store=store_value(ctx, sel),
        notice="",
    )


def _format_int(value: float) -> str:
    return f"{value:,.0f}"


def render_outputs(
    ctx: AppContext, store: str | None, theme_name: str | None, search: str | None
) -> tuple[Any, ...]:
    """Filter once and build every output that shows the selection."""
    sel = selection_of_store(ctx, store)
    view, _ = parse_query(search or "", ctx.vocab)
    theme = get_theme(theme_name)
    filtered = ctx.select(sel)
    analysis = run_analysis(ctx, sel)
    if view.view is not None:
        centre = {"lon": view.view.lon, "lat": view.view.lat}
        zoom = view.view.zoom
        revision = "user-view"
    else:
        centre, zoom = fit_selection(filtered.landing_points, sel.region)
        revision = store or "?"
    figure = selection_map(
        ctx, sel, filtered, analysis, theme, center=centre, zoom=zoom, uirevision=revision
    )
    numbers = kpis(filtered.cables, filtered.landing_points, filtered.facilities)
    summaries = chart_summaries(filtered)
    owners, years = summaries["owners"], summaries["years"]
    countries, fac_countries = summaries["countries"], summaries["facilities"]
    return (
        figure,
        _format_int(numbers["cables"]),
        _format_int(numbers["km"]),
        _format_int(numbers["landing_points"]),
        _format_int(numbers["countries"]),
        _format_int(numbers["facilities"]),
        *[chart_figure(name, summaries[name], theme) for name in CHART_NAMES],
        # The table views show what the charts show (top N, the rest folded into one row):
        # hundreds of rows would be thousands of components for the Dash renderer.
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
        details_with_actions(ctx, sel),
        route_result(analysis.route, analysis.route_before),
        cut_result(analysis.impact, analysis.scenario_text),
        charts.proximity_chart(
            proximity_table(ctx, filtered.facilities), theme, nearest_first=True
        ),
    )


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

    @app.callback(
        Output(ids.URL, "search"),
        *[Output(c, "value") for c in CONTROL_IDS],
        Output(ids.SELECTION_STORE, "data"),
        Output(ids.NOTICE, "children"),
        Input(ids.URL, "search"),
        *[Input(c, "value") for c in CONTROL_IDS],
        *[Input(c, "clickData") for c in CHART_IDS],
        Input(ids.MAP, "clickData"),
        Input({"type": ids.DETAIL_LINK, "key": ALL}, "n_clicks"),
        Input(ids.DETAILS_CLOSE, "n_clicks"),
        Input(ids.RESET, "n_clicks"),
        Input(ids.MAP, "relayoutData"),
        Input(ids.MAP, "selectedData"),
        Input(ids.CLEAR_CUT, "n_clicks"),
        State(ids.SELECTION_STORE, "data"),
    )
    def _sync(search: str | None, *inputs: Any) -> tuple[Any, ...]:
        *args, stored = inputs
        values = dict(zip(CONTROL_IDS, args[: len(CONTROL_IDS)], strict=True))
        events = args[len(CONTROL_IDS) :]
        trigger: Any = callback_ctx.triggered_id
        event: Any = None
        if trigger in CHART_IDS:
            event = events[CHART_IDS.index(trigger)]
        elif trigger == ids.MAP:
            prop = callback_ctx.triggered[0]["prop_id"] if callback_ctx.triggered else ""
            if prop.endswith("relayoutData"):
                trigger, event = "relayout", events[-3]
            elif prop.endswith("selectedData"):
                trigger, event = "lasso", events[-2]
            else:
                event = events[len(CHART_IDS)]
        elif isinstance(trigger, Mapping) and not any(
            t.get("value") for t in callback_ctx.triggered
        ):
            trigger = "ignored"  # links re-rendered with n_clicks=0, not clicked
        result = sync_state(ctx, trigger, search, values, event)
        controls: Sequence[Any] = (
            [result.controls[c] for c in CONTROL_IDS]
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
            result.notice if trigger in (None, ids.URL, ids.RESET) else no_update,
        )

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.KPI_CABLES, "children"),
        Output(ids.KPI_KM, "children"),
        Output(ids.KPI_LANDING_POINTS, "children"),
        Output(ids.KPI_COUNTRIES, "children"),
        Output(ids.KPI_FACILITIES, "children"),
        *[Output(c, "figure") for c in CHART_IDS],
        Output(ids.TABLE_OWNERS, "children"),
        Output(ids.TABLE_YEARS, "children"),
        Output(ids.TABLE_COUNTRIES, "children"),
        Output(ids.TABLE_FACILITIES, "children"),
        Output(ids.DETAILS, "children"),
        Output(ids.ROUTE_RESULT, "children"),
        Output(ids.CUT_RESULT, "children"),
        Output(ids.PROXIMITY_CHART, "figure"),
        Input(ids.SELECTION_STORE, "data"),
        Input(ids.THEME_STORE, "data"),
        State(ids.URL, "search"),
    )
    def _render(store: str | None, theme_name: str | None, search: str | None) -> tuple[Any, ...]:
        return render_outputs(ctx, store, theme_name, search)

    @app.callback(
        Output(ids.CRITICAL_RESULT, "children"),
        Input(ids.CRITICAL_RUN, "n_clicks"),
        State(ids.SELECTION_STORE, "data"),
        prevent_initial_call=True,
        # A world ranking takes seconds: say so on the button while it runs.
        running=[
            (Output(ids.CRITICAL_RUN, "disabled"), True, False),
            (Output(ids.CRITICAL_RUN, "children"), RANKING_LABEL, RANK_LABEL),
        ],
    )
    def _critical(_clicks: int | None, store: str | None) -> list[Any]:
        sel = selection_of_store(ctx, store)
        region = None if sel.region == REGION_WORLD else sel.region
        table = critical_cables(ctx.graph, region=region, hub=sel.hub)
        return critical_result(table, float(table.attrs.get("seconds", 0.0)))

    @app.callback(
        Output(ids.GRID, "rowData"),
        Output(ids.GRID, "columnDefs"),
        Output(ids.GRID_COUNT, "children"),
        Input(ids.SELECTION_STORE, "data"),
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
        State(ids.FILTERS_PANEL, "className"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="landfall", function_name="showDetails"),
        Output(ids.DETAILS_PANEL, "className"),
        Input(ids.SELECTION_STORE, "data"),
    )
    register_export_callbacks(app, ctx)


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
        running=[(Output(button, "disabled"), True, False) for button in BUTTON_KINDS],
    )
    def _export(*args: Any) -> tuple[Any, str]:
        trigger = callback_ctx.triggered_id
        if trigger not in BUTTON_KINDS:
            return no_update, ""
        search, *values = args[len(BUTTON_KINDS) :]
        choice = choice_from(BUTTON_KINDS[trigger], *values)
        try:
            file, status = run_export(ctx, search, choice)
        except Exception:
            # The details go to the server log only; the page gets a plain sentence.
            log.exception("Export failed: %s %s", choice, search)
            return no_update, "Export failed because of an internal error; it has been logged."
        if file is None:
            return no_update, status
        return dcc.send_bytes(file.content, file.filename, type=file.mimetype), status
