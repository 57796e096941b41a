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


#: Every in-service cable landing in Cyprus (an island: no land link leaves it).
CYPRUS_CABLES = (
    "cadmos,hawk,mednautilus-submarine-system,peace-cable,poseidon,seamewe-3,tamares-north,"
    "te-northtgn-eurasiaseacomalexandrosmedex,turcyos-1,turcyos-2,ugarit"
)


def test_a_cut_that_isolates_the_destination_says_so(ctx: AppContext) -> None:
    cuts = "".join(f"&cut={c}" for c in CYPRUS_CABLES.split(","))
    query = f"from=marseille-france&to=pentaskhinos-cyprus{cuts}"
    sel, _ = parse_query(query, ctx.vocab)
    assert len(sel.cut) == 11
    analysis = run_analysis(ctx, sel)
    assert analysis.route is not None and not analysis.route.reachable
    text = cut_comparison(analysis.route, analysis.route_before)
    assert text is not None and "With the cut (11 cables cut) there is no route left" in text


def test_a_mainland_destination_whose_cables_are_all_cut_is_reached_over_land(
    ctx: AppContext,
) -> None:
    # Every cable landing in Egypt cut: Alexandria is on the mainland, so it is slower, not cut off,
    # and the sentence counts the cut as the cut tab does (cut and ignored apart).
    sel, _ = parse_query("from=marseille-france&to=alexandria-egypt&scenario=egypt-all", ctx.vocab)
    analysis = run_analysis(ctx, sel)
    assert analysis.route is not None and analysis.route.reachable
    assert analysis.impact is not None
    n_cut, n_ignored = len(analysis.impact.cut_cable_ids), len(analysis.impact.ignored_cable_ids)
    assert (n_cut, n_ignored) == (len(analysis.route.removed), len(analysis.route.ignored))
    assert n_cut > 0 and n_ignored > 0
    text = cut_comparison(analysis.route, analysis.route_before)
    assert text is not None
    assert f"With the cut ({n_cut} cables cut, {n_ignored} not in service ignored)" in text
    assert "terrestrial" in {hop.kind for hop in analysis.route.best.hops}  # type: ignore[union-attr]
