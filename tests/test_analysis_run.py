"""The page's analysis: a route searched with the active cut, compared with the uncut route."""

from __future__ import annotations

import pytest

from components.analysis_panel import route_result
from datalayer.loader import Datasets
from datalayer.query import parse_query
from services.analysis_run import cut_comparison, run_analysis
from services.context import AppContext, build_context

ROUTE = "region=world&from=marseille-france&to=tuas-singapore"


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def test_route_without_a_cut_has_no_comparison(ctx: AppContext) -> None:
    sel, _ = parse_query(ROUTE, ctx.vocab)
    analysis = run_analysis(ctx, sel)
    assert analysis.route is not None and analysis.route.best is not None
    assert analysis.route_before is None and analysis.impact is None
    assert cut_comparison(analysis.route, analysis.route_before) is None


def test_route_avoids_every_cut_cable_and_states_the_cost(ctx: AppContext) -> None:
    sel, _ = parse_query(ROUTE + "&scenario=red-sea-all", ctx.vocab)
    analysis = run_analysis(ctx, sel)
    cut = set(ctx.scenarios["red-sea-all"].cable_ids)
    route, before = analysis.route, analysis.route_before
    assert route is not None and before is not None
    assert route.best is not None and before.best is not None
    for path in route.routes:
        assert not set(path.cable_ids) & cut
    assert set(before.best.cable_ids) & cut  # the uncut best route crosses the Red Sea
    assert route.best.rtt_ms > before.best.rtt_ms
    text = cut_comparison(route, before)
    assert text is not None and f"{before.best.rtt_ms:,.1f} ms RTT without the cut" in text
    assert f"{route.best.rtt_ms - before.best.rtt_ms:+,.1f} ms" in text
    rendered = str(route_result(route, before))
    assert "without the cut" in rendered


def test_a_cut_that_isolates_the_destination_says_so(ctx: AppContext) -> None:
    sel, _ = parse_query("from=marseille-france&to=alexandria-egypt&scenario=egypt-all", ctx.vocab)
    analysis = run_analysis(ctx, sel)
    assert analysis.route is not None and not analysis.route.reachable
    text = cut_comparison(analysis.route, analysis.route_before)
    assert text is not None and "no route left" in text
