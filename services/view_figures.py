"""The map and the five linked charts of one selection: one builder for the page and the exports.

The page's render callback and the image/report exports both call these, so an exported figure
is the page's figure (plus the export's decorations), never a near-copy of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from datalayer.filters import Filtered
from datalayer.selection import Selection
from figures import charts
from figures.map import layers_of, map_figure
from figures.map_context import MED_CENTER, MED_ZOOM
from figures.summaries import (
    country_summary,
    datacentre_operator_summary,
    facility_country_summary,
    owner_summary,
    year_summary,
)
from figures.theme import Theme
from figures.view import DETAILS_PANEL_PX, fit_beside_panel, selection_bounds
from services.analysis_run import AnalysisResults, analysis_overlays
from services.context import AppContext

#: The linked charts, in page order.
CHART_NAMES: tuple[str, ...] = ("owners", "years", "countries", "facilities", "datacentres")


def chart_summaries(filtered: Filtered) -> dict[str, pd.DataFrame]:
    """The table behind each chart (the page's table views show them too)."""
    return {
        "owners": owner_summary(filtered.cables),
        "years": year_summary(filtered.cables),
        "countries": country_summary(filtered.landing_points),
        "facilities": facility_country_summary(filtered.facilities),
        "datacentres": datacentre_operator_summary(filtered.datacentres),
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
    if name == "datacentres":
        return charts.datacentres_chart(summary, theme)
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
    fit: dict[str, Any] | None = None,
    layers: Iterable[str] | None = None,
    shared: dict[str, Any] | None = None,
) -> go.Figure:
    """The map of ``sel``: its filtered layers (or ``layers``, e.g. every layer for the page,
    which switches them in the browser) plus the route and cut overlays of ``analysis``.

    ``fit`` (the box framed, the panel's width, a revision) lets the page refit the view to the
    map's real size in the browser (assets/landfall.js). ``shared``: see
    :func:`figures.map.map_figure`."""
    return map_figure(
        ctx.map,
        filtered,
        layers=frozenset(layers_of(sel) if layers is None else layers),
        coverage_technology=sel.technology,
        theme=theme,
        selected=sel.selected,
        center=center,
        zoom=zoom,
        uirevision=uirevision,
        overlays=analysis_overlays(ctx, sel, analysis, dark=theme.name == "dark"),
        interactive=interactive,
        fit=fit,
        shared=shared,
    )


def question_bounds(
    sel: Selection, filtered: Filtered, analysis: AnalysisResults
) -> tuple[float, float, float, float] | None:
    """The box the selection asks about, when it asks about something narrower than its
    region: the routes found (with the uncut route, so a detour and what it replaces both
    show), the facilities when only facility filters are set, or the selected cable's landing
    points. ``None``: fit the region."""
    lons: list[float] = []
    lats: list[float] = []
    for result in (analysis.route, analysis.route_before):
        if result is None or not result.reachable:
            continue
        for route in result.routes[:4]:
            lons.extend(v for v in route.lon if v is not None)
            lats.extend(v for v in route.lat if v is not None)
    facility_question = (sel.exchanges or sel.facility_countries) and not (
        sel.cables or sel.owners or sel.suppliers or sel.countries
    )
    if not lons and facility_question and not filtered.facilities.empty:
        lons.extend(float(x) for x in filtered.facilities.geometry.x)
        lats.extend(float(y) for y in filtered.facilities.geometry.y)
    if not lons and sel.selected and sel.selected.startswith("cable:"):
        return _cable_bounds(filtered, sel.selected[len("cable:") :], sel.region)
    if not lons:
        return None
    return min(lons), min(lats), max(lons), max(lats)


def _cable_bounds(
    filtered: Filtered, cable: str, region: str
) -> tuple[float, float, float, float] | None:
    """The box of a selected cable's landing points on the region's shores (all of them when it
    has none there); ``None`` when the cable is not in view."""
    if cable not in filtered.cables.index:
        return None
    ids = list(filtered.cables.loc[cable, "landing_point_ids"])
    points = filtered.landing_points[filtered.landing_points.index.isin(ids)]
    return selection_bounds(points, region) if not points.empty else None


@dataclass(frozen=True)
class Framing:
    """What the map frames for a selection: the view the server draws and the box behind it,
    which the page refits to the map's real size (assets/landfall.js)."""

    centre: dict[str, float]
    zoom: float
    #: West, south, east, north; ``None`` when there is nothing to frame.
    box: tuple[float, float, float, float] | None
    #: Width of the details panel over the map's right side (0: closed).
    panel_px: int

    def fit_meta(self, revision: str) -> dict[str, Any] | None:
        """The ``layout.meta.fit`` the page refits from (``None``: nothing to refit)."""
        if self.box is None:
            return None
        return {"box": [round(v, 4) for v in self.box], "panel": self.panel_px, "rev": revision}


def frame_question(
    sel: Selection, filtered: Filtered, analysis: AnalysisResults, *, panel: bool
) -> Framing:
    """The view that answers the selection's question (see :func:`question_bounds`), else the
    region's landing points of the selection; left of the details panel when ``panel``."""
    box = question_bounds(sel, filtered, analysis)
    if box is None and not filtered.landing_points.empty:
        box = selection_bounds(filtered.landing_points, sel.region)
    panel_px = DETAILS_PANEL_PX if panel else 0
    if box is None:
        return Framing(dict(MED_CENTER), MED_ZOOM, None, panel_px)
    centre, zoom = fit_beside_panel(*box, panel_px=panel_px)
    return Framing(centre, zoom, box, panel_px)
