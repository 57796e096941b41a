"""Routes: lowest-latency path, alternatives avoiding earlier cables, places, real-data RTTs."""

from __future__ import annotations

import math

import pytest

from analysis.graph import CableGraph, GraphParams, build_cable_graph, great_circle_km, rtt_ms
from analysis.routing import (
    PLACE_ALIASES,
    PlaceError,
    find_routes,
    normalise,
    resolve_place,
    route_lines,
)
from datalayer.loader import Datasets
from tests.test_graph import POINTS, _cable, make_data, tiny_data


@pytest.fixture(scope="module")
def tiny() -> CableGraph:
    return build_cable_graph(tiny_data())


@pytest.fixture(scope="module")
def real_graph(real_data: Datasets) -> CableGraph:
    return build_cable_graph(real_data)


# --- Tiny graph -----------------------------------------------------------------------------


def test_shortest_path_and_fields(tiny: CableGraph) -> None:
    result = find_routes(tiny, "a", "c")
    assert result.reachable
    best = result.best
    assert best is not None
    assert [p.id for p in best.points] == ["a", "b", "c"]
    assert best.cable_ids == ("c1",)
    assert [h.cable_id for h in best.hops] == ["c1", "c1"]
    expected = great_circle_km(0, 0, 1, 0) + great_circle_km(1, 0, 2, 0)
    assert best.km == pytest.approx(expected)
    assert best.km_drawn == pytest.approx(expected)
    assert best.rtt_ms == pytest.approx(2 * expected * 0.0049)
    assert best.one_way_ms == pytest.approx(expected * 0.0049)
    assert best.great_circle_km == pytest.approx(great_circle_km(0, 0, 2, 0))
    assert best.floor_rtt_ms == pytest.approx(rtt_ms(great_circle_km(0, 0, 2, 0)))
    assert best.floor_rtt_ms <= best.rtt_ms


def test_alternative_avoids_the_first_routes_cables(tiny: CableGraph) -> None:
    result = find_routes(tiny, "a", "c", alternatives=3)
    assert len(result.alternatives) == 1
    alt = result.alternatives[0]
    assert alt.cable_ids == ("c2",)
    assert [p.id for p in alt.points] == ["a", "d", "c"]
    assert alt.avoids == ("c1",)
    assert alt.km == pytest.approx(1.5 * alt.km_drawn)  # c2 is scaled to its published length
    assert alt.rtt_ms > result.best.rtt_ms  # type: ignore[union-attr]
    # A third route would need a cable other than c1 and c2: there is none in service.
    assert result.notes and "No further route" in result.notes[0]


def test_no_alternatives_requested(tiny: CableGraph) -> None:
    assert find_routes(tiny, "a", "c", alternatives=0).alternatives == ()
    with pytest.raises(ValueError):
        find_routes(tiny, "a", "c", alternatives=99)


def test_bridge_cut_makes_pair_unreachable(tiny: CableGraph) -> None:
    assert find_routes(tiny, "a", "e").reachable
    result = find_routes(tiny.without(["c3"]), "a", "e")
    assert not result.reachable
    assert result.best is None and result.alternatives == ()
    assert "No path" in result.message and "after the cut" in result.message
    assert result.to_dict()["removed"] == ["c3"]


def test_include_planned_adds_paths() -> None:
    data = tiny_data()
    result = find_routes(build_cable_graph(data).without(["c3"]), "a", "e")
    assert not result.reachable
    planned = build_cable_graph(data, GraphParams(include_planned=True))
    result = find_routes(planned.without(["c3"]), "a", "e")
    assert result.reachable and result.best is not None
    assert result.best.cable_ids == ("c4",)
    assert result.include_planned


def test_point_served_only_by_planned_cables() -> None:
    data = make_data(
        [
            _cable("x", [(0.0, 0.0), (1.0, 0.0)], ["a", "b"]),
            _cable("p", [(1.0, 0.0), (2.0, 0.0)], ["b", "c"], planned=True),
        ],
        POINTS,
    )
    result = find_routes(build_cable_graph(data), "a", "c")
    assert not result.reachable
    assert "planned" in result.message


def test_terrestrial_hop(tiny: CableGraph) -> None:
    result = find_routes(tiny, "c", "f")
    assert result.best is not None
    kinds = [h.kind for h in result.best.hops]
    assert "terrestrial" in kinds
    land = next(h for h in result.best.hops if h.kind == "terrestrial")
    assert land.cable_id is None
    assert land.km == pytest.approx(1.5 * great_circle_km(0, 0, 0, 0.2))
    # Land links are not cables: not listed, and alternatives may reuse them.
    assert "terrestrial" not in result.best.cable_ids


def test_same_point(tiny: CableGraph) -> None:
    result = find_routes(tiny, "a", "a")
    assert result.reachable and result.best is not None
    assert result.best.hops == () and result.best.km == 0


def test_unknown_point_raises(tiny: CableGraph) -> None:
    with pytest.raises(PlaceError):
        find_routes(tiny, "a", "nowhere")


def test_geometry_is_one_line_per_route(tiny: CableGraph) -> None:
    result = find_routes(tiny, "a", "c")
    best = result.best
    assert best is not None
    assert len(best.lon) == len(best.lat)
    assert (best.lon[0], best.lat[0]) == (0.0, 0.0)
    assert (best.lon[-1], best.lat[-1]) == (2.0, 0.0)
    assert None not in best.lon
    lon, lat = route_lines(result)
    assert lon.count(None) == len(result.routes) - 1 == lat.count(None)


def test_to_dict_is_json_ready(tiny: CableGraph) -> None:
    payload = find_routes(tiny, "a", "c").to_dict()
    assert payload["best"]["cables"] == ["C1"]
    assert payload["best"]["hops"][0]["from"] == "a"
    assert math.isclose(payload["best"]["rtt_ms"], payload["best"]["km"] * 0.0098, abs_tol=0.01)
    assert "Estimates" in payload["caveat"]


# --- Places ---------------------------------------------------------------------------------


def test_normalise() -> None:
    assert normalise("  Sète, FRANCE ") == "sete france"
    assert normalise("Tétouan") == "tetouan"


def test_resolve_place_tiny(tiny: CableGraph) -> None:
    assert resolve_place(tiny, "a") == "a"
    assert resolve_place(tiny, "Atown, Aland") == "a"
    assert resolve_place(tiny, "ATOWN") == "a"
    assert resolve_place(tiny, "Cland") == "c"
    with pytest.raises(PlaceError):
        resolve_place(tiny, "")
    with pytest.raises(PlaceError) as error:
        resolve_place(tiny, "Atwn")
    assert "Atown, Aland" in error.value.suggestions


def test_resolve_place_real(real_graph: CableGraph) -> None:
    assert resolve_place(real_graph, "Marseille") == "marseille-france"
    assert resolve_place(real_graph, "marseille-france") == "marseille-france"
    assert resolve_place(real_graph, "MARSEILLE, France") == "marseille-france"
    singapore = resolve_place(real_graph, "Singapore")
    assert real_graph.points[singapore].country == "Singapore"
    most = max(
        (p for p in real_graph.points.values() if p.country == "Singapore"),
        key=lambda p: len(p.cables),
    )
    assert len(real_graph.points[singapore].cables) == len(most.cables)
    assert resolve_place(real_graph, "Alexandria") == "alexandria-egypt"  # not Alexandria NSW
    assert resolve_place(real_graph, "Tetouan") == "ttouan-morocco"  # accents
    assert real_graph.points[resolve_place(real_graph, "Lisbon")].country == "Portugal"
    for ids in PLACE_ALIASES.values():
        assert all(i in real_graph.points for i in ids)


# --- Real data ------------------------------------------------------------------------------


def test_marseille_singapore(real_graph: CableGraph) -> None:
    result = find_routes(real_graph, "marseille-france", resolve_place(real_graph, "Singapore"))
    assert result.reachable and result.best is not None
    best = result.best
    print(
        f"\nMarseille → Singapore ({best.points[-1].id}): RTT {best.rtt_ms:.1f} ms, "
        f"floor {best.floor_rtt_ms:.1f} ms, {best.km:,.0f} km (drawn {best.km_drawn:,.0f}), "
        f"via {', '.join(best.cable_names)}"
    )
    assert best.floor_rtt_ms < best.rtt_ms < 2 * best.floor_rtt_ms
    assert result.alternatives
    used: set[str] = set()
    for route in result.routes:
        assert used.isdisjoint(route.cable_ids)  # each avoids every earlier route's cables
        used.update(route.cable_ids)


@pytest.mark.parametrize("place", ["Mumbai", "Alexandria", "Lisbon"])
def test_marseille_reaches(real_graph: CableGraph, place: str) -> None:
    target = resolve_place(real_graph, place)
    result = find_routes(real_graph, "marseille-france", target)
    assert result.reachable and result.best is not None
    best = result.best
    print(
        f"\nMarseille → {place} ({target}): RTT {best.rtt_ms:.1f} ms, floor "
        f"{best.floor_rtt_ms:.1f} ms, {len(best.hops)} hops via {', '.join(best.cable_names)}; "
        f"alternatives {[round(r.rtt_ms, 1) for r in result.alternatives]}"
    )
    assert best.rtt_ms >= best.floor_rtt_ms


def test_egypt_cut_removes_every_path_through_egypt(
    real_data: Datasets, real_graph: CableGraph
) -> None:
    egypt = {
        cid
        for cid, info in real_graph.cables.items()
        if any(real_graph.points[p].country == "Egypt" for p in info.landing_point_ids)
    }
    target = resolve_place(real_graph, "Singapore")
    before = find_routes(real_graph, "marseille-france", target)
    assert before.best is not None and egypt & set(before.best.cable_ids)
    after = find_routes(real_graph.without(egypt), "marseille-france", target)
    assert after.reachable and after.best is not None
    for route in after.routes:
        assert not egypt & set(route.cable_ids)
        assert all(p.country != "Egypt" for p in route.points)
    print(
        f"\nMarseille → Singapore without Egypt's {len(egypt)} cables: "
        f"{after.best.rtt_ms:.1f} ms (was {before.best.rtt_ms:.1f})"
    )
    assert after.best.rtt_ms > before.best.rtt_ms
