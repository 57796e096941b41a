"""The page layout: header, layer panel with legend, map, attribution footer."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from components import ids
from components.context import AppContext
from figures.map import (
    DEFAULT_LAYERS,
    LAYER_CABLES,
    LAYER_COVERAGE,
    LAYER_FACILITIES,
    LAYER_FIBRE,
    LAYER_LANDING_POINTS,
)
from figures.theme import CABLE_PALETTE, LIGHT, OPERATOR_COLOURS

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


def layer_panel(ctx: AppContext) -> html.Section:
    """The legend, which is also the layer switch: each entry shows and hides its layer."""
    data = ctx.data
    options = [
        _layer_option(
            LAYER_CABLES, "Submarine cables", f"{len(data.cables):,}", _swatch(CABLE_PALETTE[:4])
        ),
        _layer_option(
            LAYER_LANDING_POINTS,
            "Landing points",
            f"{len(data.landing_points):,}",
            _swatch([LIGHT.landing_point], "dot"),
        ),
        _layer_option(
            LAYER_FACILITIES,
            "IX facilities",
            f"{len(data.facilities):,}",
            _swatch([LIGHT.facility], "dot"),
        ),
        _layer_option(
            LAYER_COVERAGE,
            "Mobile coverage (modelled)",
            "BdR",
            _swatch(list(OPERATOR_COLOURS.values()), "box"),
        ),
        _layer_option(
            LAYER_FIBRE,
            "Fibre FTTH 2018",
            "Marseille",
            _swatch(["#c6dbef", "#6baed6", "#08306b"], "box"),
        ),
    ]
    technologies = sorted(data.coverage["technology"].unique())
    operators = sorted(data.coverage["operator"].unique())
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
                    html.Div(
                        [
                            html.Span(
                                [_swatch([OPERATOR_COLOURS.get(o, "#777")], "box"), o],
                                className="legend-op",
                            )
                            for o in operators
                        ],
                        className="operator-legend",
                    ),
                    html.P(
                        "Coverage is modelled from ARCEP site locations (Jan 2018) as buffers of a "
                        "fixed radius per technology, clipped to land. It is not measured coverage.",
                        className="caveat",
                    ),
                ],
            ),
        ],
    )


def header(ctx: AppContext) -> html.Header:
    """Title, what the page shows, the data date and the theme switch."""
    return html.Header(
        className="topbar",
        children=[
            html.Div(
                className="brand",
                children=[
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
                        f"Cable data as of {ctx.data_date('cables.geojson')}", className="data-date"
                    ),
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
        children=[html.Span(line, className="attribution-line") for line in ctx.attribution_lines()]
        + [
            html.Span(
                "Routes are schematic; not for engineering use.", className="attribution-line"
            )
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
            header(ctx),
            html.Div(id=ids.NOTICE, className="notice", role="status"),
            html.Div(
                className="workspace",
                children=[
                    html.Aside(
                        className="panel", children=[layer_panel(ctx)], **_aria(label="Map layers")
                    ),
                    html.Main(
                        className="map-wrap",
                        children=[
                            dcc.Graph(
                                id=ids.MAP,
                                config=GRAPH_CONFIG,
                                className="map-graph",
                                style={"height": "100%", "width": "100%"},
                            ),
                        ],
                    ),
                ],
            ),
            footer(ctx),
        ],
    )
