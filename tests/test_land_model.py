"""The land model of :mod:`analysis.graph` and what it means for cut impacts.

Hand-built first (a mainland and an island 22 km off it), then the real data: the historical cut
presets must not invent outages on the mainland, and Europe–Asia best paths must reroute.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import shapely

from analysis.cuts import STATUS_CUT_OFF, STATUS_SLOWER, cut_impact, cut_methodology
from analysis.graph import TERRESTRIAL, CableGraph, GraphParams, build_cable_graph, landmasses
from analysis.routing import find_routes
from analysis.scenarios import SCENARIO_KEYS, resolve_scenario
from datalayer.loader import Datasets
from tests.test_graph import _cable, make_data

#: Mainland: a 4°×4° block. Island: a 0.8°×2° block whose west shore is 0.2° (22 km) east of it.
MAINLAND = shapely.box(0.0, 0.0, 4.0, 4.0)
ISLAND = shapely.box(4.2, 1.0, 5.0, 3.0)
LAND_POINTS: dict[str, tuple[float, float, str]] = {
    "h": (0.0, 2.0, "Homeland"),  # the hub, on the mainland's west shore
    "p": (4.0, 2.0, "Homeland"),  # mainland east shore
    "n": (4.0, 3.5, "Northland"),  # mainland east shore, another country
    "i": (4.2, 2.0, "Isle"),  # the island, 22 km across the strait from p
    "j": (5.0, 2.5, "Isle"),  # the island's east shore
}


def _land_bytes(*polygons: shapely.Polygon) -> bytes:
    features = [
        {"type": "Feature", "properties": {"kind": "land"}, "geometry": shapely.geometry.mapping(p)}
        for p in polygons
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def land_data() -> Datasets:
    """Cables h–p (c1), p–i (c2, the island's only link), n–h (c3), i–j (c4, on the island)."""
    data = make_data(
        [
            _cable("c1", [(0.0, 2.0), (2.0, 1.9), (4.0, 2.0)], ["h", "p"]),
            _cable("c2", [(4.0, 2.0), (4.2, 2.0)], ["p", "i"]),
            _cable("c3", [(4.0, 3.5), (2.0, 2.9), (0.0, 2.0)], ["n", "h"]),
            _cable("c4", [(4.2, 2.0), (5.0, 2.5)], ["i", "j"]),
        ],
        LAND_POINTS,
    )
    return replace(data, basemap_land=_land_bytes(MAINLAND, ISLAND))


@pytest.fixture(scope="module")
def land() -> CableGraph:
    return build_cable_graph(land_data())


def test_each_point_stands_on_its_landmass(land: CableGraph) -> None:
    masses = {p: land.points[p].landmass for p in LAND_POINTS}
    assert masses["h"] == masses["p"] == masses["n"] is not None
    assert masses["i"] == masses["j"] is not None
    assert masses["i"] != masses["h"]
    # A point 5 km off the shore still stands on it; one 50 km out at sea stands on nothing.
    near = landmasses({"x": (-0.045, 2.0), "y": (-0.45, 2.0)}, [MAINLAND, ISLAND])
    assert near == {"x": 0, "y": None}


def test_land_links_join_a_landmass_but_never_cross_a_strait(land: CableGraph) -> None:
    edge = land.graph.edges["h", "p", TERRESTRIAL]
    assert edge["kind"] == "terrestrial"
    assert edge["km"] == pytest.approx(1.5 * land.great_circle_km("h", "p"))
    assert land.graph.has_edge("i", "j", TERRESTRIAL)
    # p and i are 22 km apart, within the metro distance, but across the strait.
    assert land.great_circle_km("p", "i") < GraphParams().terrestrial_max_km
    for a in ("h", "p", "n"):
        for b in ("i", "j"):
            assert not land.graph.has_edge(a, b, TERRESTRIAL)


def test_without_land_outlines_only_the_metro_rule_applies() -> None:
    graph = build_cable_graph(replace(land_data(), basemap_land=b""))
    assert graph.graph.has_edge("p", "i", TERRESTRIAL)  # 22 km: the old metro link
    assert not graph.graph.has_edge("h", "p", TERRESTRIAL)  # 445 km: no link


def test_a_mainland_point_whose_cable_is_cut_is_slower_not_cut_off(land: CableGraph) -> None:
    impact = cut_impact(land, ["c1"], hub="h")
    status = dict(zip(impact.table["id"], impact.table["status"], strict=True))
    assert status["p"] == STATUS_SLOWER
    assert impact.disconnected == () and impact.countries_cut_off == ()


def test_a_cut_that_isolates_only_the_island(land: CableGraph) -> None:
    impact = cut_impact(land, ["c2", "nope"], hub="h")
    status = dict(zip(impact.table["id"], impact.table["status"], strict=True))
    assert status["i"] == status["j"] == STATUS_CUT_OFF
    assert status["p"] != STATUS_CUT_OFF and status["n"] != STATUS_CUT_OFF
    assert impact.countries_cut_off == ("Isle",)
    assert impact.summary()["cables_cut"] == 1 and impact.summary()["cables_ignored"] == 1
    assert impact.to_dict()["methodology"] == cut_methodology(land.params, land.data_date)


def test_route_counts_a_cut_as_the_cut_impact_does(land: CableGraph) -> None:
    result = find_routes(land.without(["c1", "nope"]), "h", "p", alternatives=0)
    assert result.removed == ("c1",) and result.ignored == ("nope",)
    assert result.best is not None and "terrestrial" in {h.kind for h in result.best.hops}


def test_methodology_states_the_land_model() -> None:
    text = cut_methodology(GraphParams(), "2022-11-10")
    for part in ("2022-11-10", "3 nearest", "2,000 km", "50 km", "1.5 ×", "Sicily", "ignored"):
        assert part in text


# --- The real data: presets against what happened -------------------------------------------

HUB = "marseille-france"
HISTORICAL = ("2008-med", "2008-12-med", "2024-red-sea")
#: Europe–Asia destinations whose best path from Marseille must survive each historical cut.
ASIA = ("tuas-singapore", "mumbai-india", "karachi-pakistan", "jeddah-saudi-arabia")


@pytest.fixture(scope="module")
def real_graph(real_data: Datasets) -> CableGraph:
    return build_cable_graph(real_data)


def _mainland(graph: CableGraph) -> set[str]:
    """Graph landing points on Marseille's landmass (Europe–Asia–Africa)."""
    mass = graph.points[HUB].landmass
    assert mass is not None
    return {p for p in graph.graph.nodes if graph.points[p].landmass == mass}


def test_islands_of_the_mediterranean_are_islands(real_graph: CableGraph) -> None:
    mainland = _mainland(real_graph)
    assert len(mainland) > 200
    for pid in ("palermo-italy", "cagliari-italy", "chania-greece", "pentaskhinos-cyprus"):
        assert pid in real_graph.graph and pid not in mainland, pid
    malta = {p for p in real_graph.graph.nodes if real_graph.points[p].country == "Malta"}
    assert malta and not malta & mainland
    for pid in (
        "savona-italy",
        "cannes-france",
        "monaco-monaco",
        "tarifa-spain",
        "alexandria-egypt",
    ):
        assert pid in mainland, pid


@pytest.mark.parametrize("key", SCENARIO_KEYS)
def test_no_preset_cuts_off_a_mainland_point_or_country(
    key: str, real_data: Datasets, real_graph: CableGraph
) -> None:
    scenario = resolve_scenario(real_data, key)
    world = cut_impact(real_graph, scenario.cable_ids, hub=HUB)
    assert not set(world.disconnected) & _mainland(real_graph)
    med = cut_impact(real_graph, scenario.cable_ids, hub=HUB, region="mediterranean")
    mainland_countries = {real_graph.points[p].country for p in _mainland(real_graph)}
    assert not set(med.countries_cut_off) & mainland_countries
    summary = med.summary()
    assert summary["cables_cut"] + summary["cables_ignored"] == len(scenario.cable_ids)
    print(f"\n{key}: {summary} cut off: {med.countries_cut_off}")


@pytest.mark.parametrize("key", HISTORICAL)
def test_historical_cuts_reroute_europe_asia(
    key: str, real_data: Datasets, real_graph: CableGraph
) -> None:
    cut = resolve_scenario(real_data, key).cable_ids
    after_cut = real_graph.without(cut)
    for dst in ASIA:
        before = find_routes(real_graph, HUB, dst, alternatives=0).best
        after = find_routes(after_cut, HUB, dst, alternatives=0).best
        assert before is not None and after is not None, dst
        assert not set(after.cable_ids) & set(cut), dst
        assert after.rtt_ms >= before.rtt_ms - 1e-9, dst
        print(f"\n{key} Marseille→{dst}: {before.rtt_ms:.1f} → {after.rtt_ms:.1f} ms RTT")
