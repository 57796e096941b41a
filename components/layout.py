"""The page layout: header, layer panel with legend, map, attribution footer."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
from dash import dcc, html

from components import ids
from components.analysis_panel import analysis_card
from components.data_sources import data_sources_card
from components.export_panel import export_card
from components.filters_panel import filter_sections
from components.hubs_panel import hubs_card
from components.population_panel import population_panel
from datalayer import fields
from datalayer.selection import DEFAULT_OPERATOR, OPERATOR_ALL
from figures.layers import DEFAULT_LAYERS, LAYERS
from figures.theme import OPERATOR_COLOURS
from services.context import AppContext
from services.data_sources import page_licences

GRAPH_CONFIG: Any = {
    "displaylogo": False,
    "scrollZoom": True,
    "showSendToCloud": False,
    "responsive": True,
    "toImageButtonOptions": {"format": "png", "filename": "landfall-map", "scale": 2},
}

HIDDEN: dict[str, Any] = {"aria-hidden": "true"}


def _aria(**attributes: str) -> dict[str, Any]:
    """ARIA attributes as keyword arguments (Dash takes them by their dashed names)."""
    return {f"aria-{key}": value for key, value in attributes.items()}


def _swatch(colours: list[str] | tuple[str, ...], shape: str = "line") -> html.Span:
    return html.Span(
        [html.Span(className=f"swatch-{shape}", style={"background": c}) for c in colours],
        className="swatches",
        **HIDDEN,
    )


def _layer_option(key: str, label: str, count: str, swatch: html.Span) -> dict[str, object]:
    return {
        "label": html.Span(
            [
                swatch,
                html.Span(label, className="layer-name"),
                html.Span(count, className="layer-count"),
            ],
            className="layer-label",
        ),
        "value": key,
    }


def _operator_options(ctx: AppContext) -> list[dict[str, Any]]:
    """The coverage operator's choices as declared (one operator, or every one's outline),
    each with its colour."""
    declared = fields.BY_ATTR["operator"]
    assert isinstance(declared, fields.ChoiceField)
    choices = declared.choices(ctx.vocab)
    operators = sorted(c for c in choices if c != OPERATOR_ALL)
    options: list[dict[str, Any]] = [
        {
            "label": html.Span([_swatch([OPERATOR_COLOURS.get(o, "#777")], "box"), o]),
            "value": o,
        }
        for o in operators
    ]
    if OPERATOR_ALL in choices:
        options.append({"label": "All (outlines)", "value": OPERATOR_ALL})
    return options


def layer_panel(ctx: AppContext) -> html.Section:
    """The legend, which is also the layer switch: each entry shows and hides its layer."""
    data = ctx.data
    options = [
        _layer_option(
            layer.key,
            layer.label,
            layer.legend.extent or f"{len(getattr(data, layer.dataset)):,}",
            _swatch(list(layer.legend.colours), layer.legend.shape),
        )
        for layer in LAYERS
    ]
    technologies = sorted(data.coverage["technology"].unique())
    return html.Section(
        className="panel-section",
        children=[
            html.H2("Layers", className="panel-title", id="layers-heading"),
            dcc.Checklist(
                id=ids.LAYERS,
                options=options,
                value=list(DEFAULT_LAYERS),
                className="layer-list",
                inputClassName="layer-input",
                labelClassName="layer-item",
            ),
            html.Div(
                className="sub-control",
                children=[
                    html.Span("Coverage technology", className="control-label", id="tech-label"),
                    dcc.RadioItems(
                        id=ids.COVERAGE_TECH,
                        options=[{"label": t, "value": t} for t in technologies],
                        value="4G" if "4G" in technologies else technologies[-1],
                        inline=True,
                        className="radio-row",
                    ),
                    html.Span("Coverage operator", className="control-label", id="operator-label"),
                    dcc.RadioItems(
                        id=ids.F_OPERATOR,
                        options=_operator_options(ctx),
                        value=DEFAULT_OPERATOR,
                        className="radio-row operator-choice",
                        labelClassName="legend-op",
                    ),
                    html.P(
                        "Coverage is modelled from ARCEP site locations "
                        f"({_coverage_vintage(ctx)}) as buffers of a fixed radius per "
                        "technology, clipped to land. It is not measured coverage.",
                        className="caveat",
                    ),
                ],
            ),
        ],
    )


def _coverage_vintage(ctx: AppContext) -> str:
    """The coverage's site-list edition as the build recorded it (``Jan 2018``, ``2024 Q1``)."""
    entry = ctx.data.metadata["datasets"].get("coverage.geojson", {})
    return str(entry.get("vintage") or entry.get("data_date", ""))


def header(ctx: AppContext) -> html.Header:
    """Title, what the page shows, the data date, the filter drawer and theme switches."""
    return html.Header(
        className="topbar",
        children=[
            html.Div(
                className="brand",
                children=[
                    html.Button(
                        "☰ Filters",
                        id=ids.FILTERS_TOGGLE,
                        className="btn filters-toggle",
                        n_clicks=0,
                        **_aria(controls=ids.FILTERS_PANEL),
                    ),
                    html.Span("◉", className="brand-mark", **HIDDEN),
                    html.H1("Landfall"),
                    html.Span(
                        "Submarine cables, landing stations and interconnection in the "
                        "Mediterranean",
                        className="tagline",
                    ),
                ],
            ),
            html.Div(
                className="top-actions",
                children=[
                    html.Span(
                        f"Cable data as of {ctx.data_date('cables.geojson')}",
                        className="data-date",
                    ),
                    html.A(
                        "Export",
                        href=f"#{ids.EXPORT_CARD}",
                        className="btn btn-link",
                        title="Images, data and a report of this view",
                    ),
                    html.A(
                        "Sources",
                        href=f"#{ids.DATA_SOURCES_CARD}",
                        className="btn btn-link",
                        title="Each dataset's vintage, records, licence and rebuild command",
                    ),
                    html.A("API", href="/api/v1", className="btn btn-link", target="_blank"),
                    html.Button(
                        "Dark theme",
                        id=ids.THEME_TOGGLE,
                        className="btn",
                        n_clicks=0,
                        title="Switch between light and dark theme",
                    ),
                ],
            ),
        ],
    )


def footer(ctx: AppContext) -> html.Footer:
    """Attribution for every dataset, always on the page (the licences require it)."""
    return html.Footer(
        id=ids.ATTRIBUTION,
        className="attribution",
        tabIndex=0,
        title="Data sources and licences (hover or focus to expand)",
        children=[html.Span(line, className="attribution-line") for line in ctx.attribution_lines()]
        + [
            html.Span(
                "Licences: " + " · ".join(page_licences(ctx.data.metadata)),
                className="attribution-line attribution-licences",
            ),
            html.Span(
                "Routes are schematic; not for engineering use.", className="attribution-line"
            ),
        ],
    )


def _kpi(kpi_id: str, label: str, note: str | None = None) -> html.Div:
    return html.Div(
        className="kpi",
        title=note,
        children=[
            html.Span("–", id=kpi_id, className="kpi-value"),
            html.Span(label, className="kpi-label"),
        ],
    )


def kpi_row() -> html.Section:
    """Headline numbers of the current selection."""
    return html.Section(
        className="kpis",
        **_aria(label="Key figures"),
        children=[
            _kpi(ids.KPI_CABLES, "cables shown"),
            _kpi(ids.KPI_KM, "km of cable (published lengths)"),
            _kpi(ids.KPI_LANDING_POINTS, "landing points"),
            _kpi(
                ids.KPI_COUNTRIES,
                "landing countries, worldwide",
                "Countries where the shown cables land, in the region or beyond it "
                "(a Mediterranean cable to Asia counts China).",
            ),
            _kpi(ids.KPI_FACILITIES, "IX facilities"),
            _kpi(
                ids.KPI_DATACENTRES,
                "data centres · MW tagged",
                "Data centres shown, and the sum of the power tagged in OpenStreetMap "
                "(data_center:power; most data centres tag none).",
            ),
        ],
    )


def chart_config(filename: str) -> Any:
    """Graph config for a chart: no Plotly logo or cloud button, a named PNG download."""
    return {
        "displaylogo": False,
        "showSendToCloud": False,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }


def _chart_card(graph_id: str, table_id: str, filename: str, hint: str) -> html.Section:
    return html.Section(
        className="card chart-card",
        children=[
            dcc.Graph(id=graph_id, config=chart_config(filename), className="chart"),
            html.P(hint, className="chart-hint"),
            html.Details(
                className="table-view",
                children=[
                    html.Summary("Table view"),
                    html.Div(id=table_id, className="table-scroll"),
                ],
            ),
        ],
    )


def charts_grid() -> html.Div:
    """The four linked charts; clicking a bar filters by it."""
    return html.Div(
        className="charts",
        children=[
            _chart_card(
                ids.CHART_OWNERS,
                ids.TABLE_OWNERS,
                "landfall-owners",
                "Click a bar to filter by that owner.",
            ),
            _chart_card(
                ids.CHART_YEARS,
                ids.TABLE_YEARS,
                "landfall-rfs-years",
                "Click a bar to show that year only.",
            ),
            _chart_card(
                ids.CHART_COUNTRIES,
                ids.TABLE_COUNTRIES,
                "landfall-landing-countries",
                "Click a bar to filter by landing country.",
            ),
            _chart_card(
                ids.CHART_FACILITIES,
                ids.TABLE_FACILITIES,
                "landfall-facility-countries",
                "Click a bar to filter facilities by country.",
            ),
            _chart_card(
                ids.CHART_DATACENTRES,
                ids.TABLE_DATACENTRES,
                "landfall-datacentre-operators",
                "Click a bar to filter data centres by that operator.",
            ),
        ],
    )


def tables_card() -> html.Section:
    """The sortable, searchable table of the filtered cables, landing points or facilities."""
    return html.Section(
        className="card grid-card",
        children=[
            html.Div(
                className="grid-toolbar",
                children=[
                    dcc.RadioItems(
                        id=ids.GRID_TAB,
                        options=[
                            {"label": "Cables", "value": "cables"},
                            {"label": "Landing points", "value": "landing_points"},
                            {"label": "Facilities", "value": "facilities"},
                        ],
                        value="cables",
                        inline=True,
                        className="tabs",
                    ),
                    dcc.Input(
                        id=ids.GRID_SEARCH,
                        type="search",
                        placeholder="Search the table…",
                        debounce=0.3,
                        className="grid-search",
                    ),
                    html.Span(id=ids.GRID_COUNT, className="grid-count"),
                ],
            ),
            dag.AgGrid(
                id=ids.GRID,
                columnDefs=[],
                rowData=[],
                defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90},
                dashGridOptions={
                    "pagination": True,
                    "paginationPageSize": 15,
                    "paginationPageSizeSelector": [15, 50, 200],
                    "animateRows": False,
                    "enableCellTextSelection": True,
                },
                columnSize="responsiveSizeToFit",
                className="grid",
                style={"height": "560px"},
            ),
        ],
    )


def details_drawer() -> html.Aside:
    """The details of the clicked cable, landing point or facility, beside the map."""
    return html.Aside(
        id=ids.DETAILS_PANEL,
        className="details-panel",
        **_aria(label="Details", live="polite"),
        children=[
            html.Button(
                "×",
                id=ids.DETAILS_CLOSE,
                className="details-close",
                n_clicks=0,
                title="Close details",
                **_aria(label="Close details"),
            ),
            html.Div(id=ids.DETAILS, className="details-body"),
        ],
    )


def build_layout(ctx: AppContext) -> html.Div:
    """The whole page."""
    return html.Div(
        className="app",
        id="app-root",
        children=[
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.THEME_STORE, storage_type="local"),
            dcc.Store(id=ids.SELECTION_STORE),
            dcc.Store(id=ids.MAP_MOVE),
            dcc.Store(id=ids.MAP_PICK),
            dcc.Store(id=ids.MAP_FIT),
            dcc.Store(id=ids.MAP_MESSAGE),
            dcc.Store(id=ids.RENDER_KEY),
            header(ctx),
            html.Div(id=ids.NOTICE, className="notice", role="status"),
            html.Div(
                className="workspace",
                children=[
                    html.Aside(
                        id=ids.FILTERS_PANEL,
                        className="panel",
                        **_aria(label="Filters"),
                        children=[
                            html.Div(
                                className="panel-actions",
                                children=[
                                    html.Button(
                                        "Reset all",
                                        id=ids.RESET,
                                        className="btn",
                                        n_clicks=0,
                                        title="Clear every filter and the map view",
                                    ),
                                ],
                            ),
                            *filter_sections(ctx),
                            layer_panel(ctx),
                            population_panel(ctx),
                            # Phones only (style.css): the drawer covers the page, so it says
                            # how to get back to the results.
                            html.Button(
                                "Show results",
                                id=ids.FILTERS_DONE,
                                className="btn filters-done",
                                n_clicks=0,
                                **_aria(controls=ids.FILTERS_PANEL),
                            ),
                        ],
                    ),
                    html.Main(
                        className="content",
                        children=[
                            kpi_row(),
                            html.Div(
                                className="map-card card",
                                children=[
                                    dcc.Graph(
                                        id=ids.MAP,
                                        config=GRAPH_CONFIG,
                                        className="map-graph",
                                        style={"height": "100%", "width": "100%"},
                                    ),
                                    html.Button(
                                        "⤢ Fit to selection",
                                        id=ids.MAP_FIT_BUTTON,
                                        className="map-fit-button",
                                        n_clicks=0,
                                        title="Frame what the filters, route or cut ask about",
                                    ),
                                    details_drawer(),
                                ],
                            ),
                            analysis_card(ctx),
                            hubs_card(ctx),
                            charts_grid(),
                            tables_card(),
                            export_card(),
                            data_sources_card(ctx),
                        ],
                    ),
                ],
            ),
            footer(ctx),
        ],
    )
