"""Callbacks: thin adapters from component values to the pure figure functions."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from dash import ClientsideFunction, Dash, Input, Output, State

from components import ids
from components.context import AppContext
from figures.map import ALL_LAYERS, map_figure
from figures.theme import get_theme


def render_map(
    ctx: AppContext, layers: Sequence[str] | None, technology: str | None, theme_name: str | None
) -> go.Figure:
    """The map for the chosen layers, coverage technology and theme (unknown values ignored)."""
    chosen = frozenset(layer for layer in (layers or []) if layer in ALL_LAYERS)
    techs = set(ctx.data.coverage["technology"])
    tech = technology if technology is not None and technology in techs else "4G"
    data = ctx.data
    return map_figure(
        ctx.map,
        data.cables,
        data.landing_points,
        data.facilities,
        data.coverage,
        data.fibre,
        layers=chosen,
        coverage_technology=tech,
        theme=get_theme(theme_name),
    )


def register_callbacks(app: Dash, ctx: AppContext) -> None:
    """Wire every callback of the page to ``ctx``."""

    @app.callback(
        Output(ids.MAP, "figure"),
        Input(ids.LAYERS, "value"),
        Input(ids.COVERAGE_TECH, "value"),
        Input(ids.THEME_STORE, "data"),
    )
    def _update_map(
        layers: list[str] | None, technology: str | None, theme_name: str | None
    ) -> go.Figure:
        return render_map(ctx, layers, technology, theme_name)

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
