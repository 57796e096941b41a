"""The map and the four linked charts of one selection: one builder for the page and the exports.

The page's render callback and the image/report exports both call these, so an exported figure
is the page's figure (plus the export's decorations), never a near-copy of it.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from datalayer.filters import Filtered
from datalayer.selection import Selection
from figures import charts
from figures.map import layers_of, map_figure
from figures.summaries import (
    country_summary,
    facility_country_summary,
    owner_summary,
    year_summary,
)
from figures.theme import Theme
from services.analysis_run import AnalysisResults, analysis_overlays
from services.context import AppContext

#: The linked charts, in page order.
CHART_NAMES: tuple[str, ...] = ("owners", "years", "countries", "facilities")


def chart_summaries(filtered: Filtered) -> dict[str, pd.DataFrame]:
    """The table behind each chart (the page's table views show them too)."""
    return {
        "owners": owner_summary(filtered.cables),
        "years": year_summary(filtered.cables),
        "countries": country_summary(filtered.landing_points),
        "facilities": facility_country_summary(filtered.facilities),
    }


def chart_figure(name: str, summary: pd.DataFrame, theme: Theme) -> go.Figure:
    """Chart ``name`` (one of :data:`CHART_NAMES`) of its summary table."""
    if name == "owners":
        return charts.owners_chart(summary, theme)
    if name == "years":
        return charts.years_chart(summary, theme)
    if name == "countries":
        return charts.count_chart(
            summary, "country", "landing_points", theme, "Landing points by country"
        )
    if name == "facilities":
        return charts.count_chart(
            summary,
            "country",
            "facilities",
            theme,
            "IX facilities by country",
            colour=charts.BAR_2,
        )
    raise ValueError(f"unknown chart {name!r}")


def selection_map(
    ctx: AppContext,
    sel: Selection,
    filtered: Filtered,
    analysis: AnalysisResults,
    theme: Theme,
    *,
    center: dict[str, float],
    zoom: float,
    uirevision: str,
    interactive: bool = True,
) -> go.Figure:
    """The map of ``sel``: its filtered layers plus the route and cut overlays of ``analysis``."""
    return map_figure(
        ctx.map,
        filtered,
        layers=frozenset(layers_of(sel)),
        coverage_technology=sel.technology,
        theme=theme,
        selected=sel.selected,
        center=center,
        zoom=zoom,
        uirevision=uirevision,
        overlays=analysis_overlays(ctx, sel, analysis, dark=theme.name == "dark"),
        interactive=interactive,
    )
