"""The analysis a selection asks for (route, cut), computed once for the page and the exports."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from analysis.cuts import CutImpact, cut_impact
from analysis.routing import RouteResult, find_routes
from analysis.scenarios import ScenarioError, cables_crossing, parse_corridor
from datalayer.selection import REGION_WORLD, Selection
from figures.analysis_layers import cut_traces, route_endpoints, route_traces
from services.context import AppContext


@dataclass(frozen=True)
class AnalysisResults:
    """The route and cut results a selection asks for (``None`` when it asks for none)."""

    route: RouteResult | None
    impact: CutImpact | None
    scenario_text: str | None
    #: The same route search on the uncut network, when a cut is active (for the comparison).
    route_before: RouteResult | None = None


def run_analysis(ctx: AppContext, sel: Selection) -> AnalysisResults:
    """Apply the selection's cut and find its routes on the in-service cable graph.

    With a cut active the routes avoid the cut cables, and the uncut best route is kept too:
    "what happens to Marseille–Singapore if the Red Sea cables are cut" in one view.
    """
    scenario = ctx.scenarios.get(sel.scenario) if sel.scenario else None
    corridor: list[str] = []
    if sel.corridor:
        try:
            corridor = cables_crossing(ctx.data, parse_corridor(sel.corridor))
        except ScenarioError:
            corridor = []
    cut_ids = list(dict.fromkeys([*sel.cut, *(scenario.cable_ids if scenario else ()), *corridor]))
    impact = None
    if cut_ids:
        region = None if sel.region == REGION_WORLD else sel.region
        impact = cut_impact(ctx.graph, cut_ids, hub=sel.hub, region=region)
    route = route_before = None
    if sel.route_from and sel.route_to and sel.route_from != sel.route_to:
        graph = ctx.graph.without(cut_ids) if cut_ids else ctx.graph
        route = find_routes(graph, sel.route_from, sel.route_to, alternatives=3)
        if cut_ids:
            route_before = find_routes(ctx.graph, sel.route_from, sel.route_to, alternatives=0)
    text = f"{scenario.label} ({scenario.date}): {scenario.description}" if scenario else None
    if sel.corridor:
        drawn = f"Corridor drawn on the map: {len(corridor)} cables cross it."
        text = f"{text} {drawn}" if text else drawn
    return AnalysisResults(route, impact, text, route_before)


def analysis_overlays(
    ctx: AppContext, sel: Selection, analysis: AnalysisResults, dark: bool
) -> list[go.Scattermap]:
    """The map traces that draw ``analysis``: cut cables and impact, routes, route ends."""
    return [
        *cut_traces(analysis.impact, ctx.data.landing_points, ctx.map.lines),
        *route_traces(analysis.route, dark=dark),
        *route_endpoints(ctx.data.landing_points, [sel.route_from, sel.route_to]),
    ]


def cut_comparison(result: RouteResult, before: RouteResult | None) -> str | None:
    """How the active cut changes the best route's RTT, in one sentence (None without a cut)."""
    if before is None or not result.removed:
        return None
    n, ignored = len(result.removed), len(result.ignored)
    cut = f"With the cut ({n} cable{'s' if n != 1 else ''} cut"
    cut += f", {ignored} not in service ignored)" if ignored else ")"
    if before.best is None:
        return f"{cut}: no route existed before the cut either."
    was = f"{before.best.rtt_ms:,.1f} ms RTT without the cut"
    if result.best is None:
        return f"{cut} there is no route left; it was {was}."
    change = result.best.rtt_ms - before.best.rtt_ms
    if abs(change) < 0.05:
        return f"{cut} the best route is unchanged ({was})."
    return (
        f"{cut} the best route takes {result.best.rtt_ms:,.1f} ms RTT, {change:+,.1f} ms ({was})."
    )
