"""Cut impact against a hub, the critical-cable ranking and the preset scenarios."""

from __future__ import annotations

import math
import time

import pandas as pd
import pytest
import shapely

from analysis.cuts import (
    CRITICAL_COLUMNS,
    IMPACT_COLUMNS,
    HubError,
    critical_cables,
    cut_impact,
    hub_distances,
)
from analysis.graph import CableGraph, build_cable_graph, great_circle_km, rtt_ms
from analysis.scenarios import (
    SCENARIO_KEYS,
    ScenarioError,
    all_scenarios,
    cables_crossing,
    format_corridor,
    parse_corridor,
    resolve_scenario,
)
from datalayer.loader import Datasets
from tests.test_graph import tiny_data


@pytest.fixture(scope="module")
def tiny() -> CableGraph:
    return build_cable_graph(tiny_data())


@pytest.fixture(scope="module")
def real_graph(real_data: Datasets) -> CableGraph:
    return build_cable_graph(real_data)


# --- Tiny graph -----------------------------------------------------------------------------


def test_bridge_cut_disconnects_and_cuts_off_country(tiny: CableGraph) -> None:
    impact = cut_impact(tiny, ["c3"], hub="a")
    assert impact.cut_cable_ids == ("c3",)
    assert impact.disconnected == ("e",)
    assert impact.countries_cut_off == ("Eland",)
    table = impact.table
    assert list(table.columns) == IMPACT_COLUMNS
    assert table.iloc[0]["id"] == "e" and table.iloc[0]["status"] == "disconnected"
    assert math.isnan(table.iloc[0]["cut_rtt_ms"])
    unchanged = table[table["id"] == "c"].iloc[0]
    assert unchanged["status"] == "unchanged" and unchanged["increase_ms"] == 0


def test_rtt_increase_when_the_short_cable_is_cut(tiny: CableGraph) -> None:
    impact = cut_impact(tiny, ["c1"], hub="a")
    row = impact.table.set_index("id").loc["c"]
    before = rtt_ms(great_circle_km(0, 0, 1, 0) * 2)
    assert row["baseline_rtt_ms"] == pytest.approx(before)
    edge_km = sum(
        tiny.graph.edges[u, v, k]["km"] for u, v, k in tiny.cable_edges["c2"] if "d" in (u, v)
    )
    assert row["cut_rtt_ms"] == pytest.approx(rtt_ms(edge_km))
    assert row["increase_ms"] == pytest.approx(row["cut_rtt_ms"] - row["baseline_rtt_ms"])
    assert row["increase_pct"] == pytest.approx(100 * row["increase_ms"] / before)
    assert row["floor_rtt_ms"] == pytest.approx(rtt_ms(great_circle_km(0, 0, 2, 0)))
    # b was on c1 only: cut off, though its country's other points... b is alone in Bland.
    assert "b" in impact.disconnected and "Bland" in impact.countries_cut_off
    # Sorted: disconnected first, then by increase, largest first.
    statuses = list(impact.table["status"])
    assert statuses.index("disconnected") < statuses.index("slower")
    slower = impact.table[impact.table["status"] == "slower"]["increase_ms"].tolist()
    assert slower == sorted(slower, reverse=True)


def test_unknown_and_planned_ids_are_reported_not_cut(tiny: CableGraph) -> None:
    impact = cut_impact(tiny, ["c4", "nope"], hub="a")
    assert impact.cut_cable_ids == ()
    assert impact.ignored_cable_ids == ("c4", "nope")
    assert impact.disconnected == ()


def test_region_restricts_the_points(tiny: CableGraph) -> None:
    impact = cut_impact(tiny, ["c3"], hub="a", region="mediterranean")
    assert "e" not in set(impact.table["id"])  # e is not tagged mediterranean
    assert impact.countries_cut_off == ()


def test_bad_hub(tiny: CableGraph) -> None:
    with pytest.raises(HubError):
        cut_impact(tiny, [], hub="nowhere")


def test_to_dict_is_json_ready(tiny: CableGraph) -> None:
    payload = cut_impact(tiny, ["c3"], hub="a").to_dict()
    row = next(r for r in payload["points"] if r["id"] == "e")
    assert row["cut_rtt_ms"] is None and row["increase_ms"] is None
    assert payload["cut_cables"] == [{"id": "c3", "name": "C3"}]
    assert payload["summary"]["points_disconnected"] == 1


def test_critical_cables_tiny(tiny: CableGraph) -> None:
    calls: list[tuple[int, int]] = []
    table = critical_cables(tiny, region=None, hub="a", progress=lambda d, t: calls.append((d, t)))
    assert list(table.columns) == CRITICAL_COLUMNS
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    by_id = table.set_index("cable_id")
    assert by_id.loc["c3", "points_disconnected"] == 1  # e
    assert by_id.loc["c1", "points_disconnected"] == 1  # b
    assert by_id.loc["c2", "points_disconnected"] == 1  # d
    # c1 also slows c (and the points beyond it): it ranks first among equals.
    assert table.iloc[0]["cable_id"] == "c1"
    assert by_id.loc["c5", "points_disconnected"] == 1  # f
    assert list(table["rank"]) == [1, 2, 3, 4]


# --- Real data ------------------------------------------------------------------------------


def test_critical_ranking_real(real_graph: CableGraph) -> None:
    started = time.perf_counter()
    table = critical_cables(real_graph, region="mediterranean", hub="marseille-france")
    seconds = time.perf_counter() - started
    med = [
        c
        for c, info in real_graph.cables.items()
        if "mediterranean" in info.regions and c in real_graph.cable_edges
    ]
    print(
        f"\ncritical ranking: {len(table)} Mediterranean cables in {seconds:.2f} s "
        f"({table.attrs['searched']} searches); top 5:\n"
        + table.head(5)[
            ["rank", "cable_id", "points_disconnected", "total_increase_ms"]
        ].to_string()
    )
    assert set(table["cable_id"]) == set(med)
    assert len(table) > 40
    keys = list(zip(-table["points_disconnected"], -table["total_increase_ms"], strict=True))
    assert keys == sorted(keys)
    assert seconds < 10


def test_cut_impact_matches_separate_searches(real_graph: CableGraph) -> None:
    scenario = ["seamewe-4", "flag-europe-asia-fea"]
    impact = cut_impact(real_graph, scenario, region="mediterranean")
    after = hub_distances(real_graph.without(scenario), "marseille-france")
    for row in impact.table.itertuples():
        if row.status in ("slower", "unchanged"):
            assert row.cut_rtt_ms == pytest.approx(rtt_ms(after[str(row.id)]))
    print(f"\n2008 cuts: {impact.summary()}")


def test_every_preset_names_only_existing_cables(real_data: Datasets) -> None:
    known = set(real_data.cables.index)
    scenarios = all_scenarios(real_data)
    assert [s.key for s in scenarios] == list(SCENARIO_KEYS)
    for scenario in scenarios:
        assert scenario.cable_ids, scenario.key
        assert set(scenario.cable_ids) <= known
        assert scenario.missing == ()
        assert scenario.label and scenario.date and scenario.description
    assert set(resolve_scenario(real_data, "2008-med").cable_ids) == {
        "seamewe-4",
        "flag-europe-asia-fea",
    }
    assert "asia-africa-europe-1-aae-1" in resolve_scenario(real_data, "2024-red-sea").cable_ids
    egypt = resolve_scenario(real_data, "egypt-all")
    assert "seamewe-4" in egypt.cable_ids and "atlas-offshore" not in egypt.cable_ids
    red = resolve_scenario(real_data, "red-sea-all")
    assert all("red-sea" in real_data.cables.loc[c, "regions"] for c in red.cable_ids)
    with pytest.raises(ScenarioError):
        resolve_scenario(real_data, "nope")


def test_missing_named_cables_are_listed(real_data: Datasets) -> None:
    smaller = real_data.cables.drop(index="seamewe-4")
    data = Datasets(**{**real_data.__dict__, "cables": smaller})
    scenario = resolve_scenario(data, "2008-med")
    assert scenario.cable_ids == ("flag-europe-asia-fea",)
    assert scenario.missing == ("seamewe-4 (SeaMeWe-4)",)


def test_scenario_impacts_real(real_data: Datasets, real_graph: CableGraph) -> None:
    for key in SCENARIO_KEYS:
        scenario = resolve_scenario(real_data, key)
        impact = cut_impact(real_graph, scenario.cable_ids, region="mediterranean")
        print(f"\n{key}: {impact.summary()} cut off: {', '.join(impact.countries_cut_off)}")
        assert isinstance(impact.table, pd.DataFrame)


# --- Corridors ------------------------------------------------------------------------------


def test_parse_and_format_corridor() -> None:
    polygon = parse_corridor("32 29, 34 29, 34 31.5, 32 31.5")
    assert polygon.is_valid and polygon.area == pytest.approx(5.0)
    assert format_corridor(polygon) == "32 29, 34 29, 34 31.5, 32 31.5"
    closed = parse_corridor("0 0, 1 0, 1 1, 0 0")
    assert len(closed.exterior.coords) == 4
    assert parse_corridor(format_corridor(polygon)).equals(polygon)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1 2, 3 4",
        "1 2, 3, 5 6",
        "a b, 1 2, 3 4",
        "0 0, 1 1, 1 0, 0 1",  # edges cross
        "0 0, 1 1, 2 2",  # no area
        "0 0, 200 0, 0 1",
        "nan 0, 1 0, 0 1",
        ", ".join(f"{i} 0" for i in range(300)),
    ],
)
def test_bad_corridor(text: str) -> None:
    with pytest.raises(ScenarioError):
        parse_corridor(text)


def test_cables_crossing_egypt(real_data: Datasets) -> None:
    # A box over the Suez isthmus: the Europe–Asia cables crossing Egypt.
    crossing = cables_crossing(real_data, parse_corridor("31.5 29, 33 29, 33 31.5, 31.5 31.5"))
    assert "seamewe-4" in crossing and "asia-africa-europe-1-aae-1" in crossing
    assert "atlas-offshore" not in crossing
    assert cables_crossing(real_data, shapely.Polygon()) == []
