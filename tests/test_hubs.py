"""Hubs: grouping landing points into metro areas, the cable min-cut and the ranking."""

from __future__ import annotations

import math

import geopandas as gpd
import networkx as nx
import pandas as pd
import pytest

from analysis.graph import TERRESTRIAL
from analysis.hubs import (
    HUB_JOIN_KM,
    NEARBY_KM,
    CableCutNetwork,
    Hub,
    HubProfile,
    Rtt,
    datacentre_extent,
    min_cable_cut,
    ranking,
    single_linkage,
)
from datalayer.loader import Datasets

# One degree of longitude at the equator is 111.2 km; 0.3° is 33 km.


def test_single_linkage_chains_close_points_and_keeps_far_ones_apart() -> None:
    groups = single_linkage(
        ["a", "b", "c", "d"], [0.0, 0.3, 0.6, 2.0], [0.0, 0.0, 0.0, 0.0], HUB_JOIN_KM
    )
    # a–b and b–c are 33 km apart (a–c is 67 km, joined through b); d is 156 km from c.
    assert groups == [["a", "b", "c"], ["d"]]


def test_single_linkage_at_a_smaller_distance_splits_them() -> None:
    groups = single_linkage(["a", "b"], [0.0, 0.3], [0.0, 0.0], 30.0)
    assert groups == [["a"], ["b"]]


def _multigraph(edges: list[tuple[str, str, str]]) -> nx.MultiGraph:
    graph = nx.MultiGraph()
    for u, v, key in edges:
        graph.add_edge(u, v, key=key)
    return graph


def test_min_cut_counts_cables_not_segments() -> None:
    # Cable x runs h–m–asia in two segments; cable y runs h–asia. Cutting both separates h.
    graph = _multigraph([("h", "m", "x"), ("m", "asia", "x"), ("h", "asia", "y")])
    assert min_cable_cut(graph, ["h"], ["asia"]) == ("x", "y")


def test_one_cut_network_answers_many_sources_as_fresh_ones_would() -> None:
    # h: cables x (two segments) and y to asia; g: cable w to h's landing, so g depends on w
    # alone; asia itself as a source is no sink for itself (nothing to cut).
    edges = [("h", "m", "x"), ("m", "asia", "x"), ("h", "asia", "y"), ("g", "h", "w")]
    graph = _multigraph(edges)
    network = CableCutNetwork(graph, ["asia"])
    for sources in (["h"], ["g"], ["h"], ["g", "h"], ["asia"], ["h"]):
        assert network.cut(sources) == min_cable_cut(graph, sources, ["asia"]), sources
    assert network.cut(["g"]) == ("w",)
    assert network.cut(["asia"]) == ()


def test_min_cut_finds_the_single_cable_behind_a_land_link() -> None:
    # h reaches n over land only; every way on from n is the cable z.
    graph = _multigraph(
        [("h", "n", TERRESTRIAL), ("n", "k", "z"), ("k", "asia", "p"), ("k", "asia", "q")]
    )
    assert min_cable_cut(graph, ["h"], ["asia"]) == ("z",)


def test_min_cut_is_empty_without_any_path_and_honours_removed_cables() -> None:
    graph = _multigraph([("h", "asia", "x"), ("h", "asia", "y")])
    assert min_cable_cut(graph, ["h"], ["asia"], removed=["x", "y"]) == ()
    assert min_cable_cut(graph, ["h"], ["asia"], removed=["x"]) == ("y",)


def _profile(
    hub_id: str, cables: int, singapore: float | None, cut: int, dcs: int | None = 0
) -> HubProfile:
    return HubProfile(
        hub=Hub(hub_id, hub_id.title(), "Land", (f"{hub_id}-lp",), 0.0, 0.0),
        cables_in_service=tuple(f"c{i}" for i in range(cables)),
        cables_planned=(),
        cables_by_year={2020: cables},
        owners=(),
        suppliers=(),
        countries=("X",) * 0,
        rtts=(Rtt("Singapore", singapore, 90.0),),
        datacentres=tuple(f"dc{i}" for i in range(dcs or 0)),
        datacentre_mw=0.0,
        datacentres_mapped=dcs is not None,
        ix_buildings=(),
        exchanges=(),
        critical={},
        asia_min_cut=tuple(f"c{i}" for i in range(cut)),
    )


def test_ranking_orders_by_cables_and_ranks_each_measure_in_its_direction() -> None:
    table = ranking(
        [_profile("b", 3, 120.0, 2), _profile("a", 5, 130.0, 1), _profile("c", 3, None, 3)]
    )
    assert list(table["id"]) == ["a", "b", "c"]
    ranks = {row["id"]: row for row in table.to_dict("records")}
    assert ranks["a"]["rank_cables_in_service"] == 1
    # b and c tie on cables: both second.
    assert ranks["b"]["rank_cables_in_service"] == ranks["c"]["rank_cables_in_service"] == 2
    # Lower RTT is better; unreachable ranks last.
    assert ranks["b"]["rank_rtt_singapore_ms"] == 1
    assert math.isnan(ranks["c"]["rtt_singapore_ms"])
    assert ranks["c"]["rank_rtt_singapore_ms"] == 3
    # More cables in the Asia min-cut is more resilient.
    assert ranks["c"]["rank_asia_min_cut"] == 1


@pytest.fixture(scope="module")
def real_profiles(real_data: Datasets) -> list[HubProfile]:
    from analysis.graph import build_cable_graph
    from analysis.hubs import hub_profiles

    return hub_profiles(build_cable_graph(real_data), real_data, range(2000, 2023))


def test_a_hub_the_data_centre_data_does_not_map_has_no_count_and_no_rank() -> None:
    # a has 2 data centres, b none (mapped: a true zero), c is outside the dataset's area.
    table = ranking(
        [
            _profile("a", 3, 120.0, 1, dcs=2),
            _profile("b", 2, 120.0, 1),
            _profile("c", 1, 120.0, 1, dcs=None),
        ]
    )
    rows = {row["id"]: row for row in table.to_dict("records")}
    assert (rows["a"]["datacentres"], rows["a"]["rank_datacentres"]) == (2, 1)
    assert (rows["b"]["datacentres"], rows["b"]["rank_datacentres"]) == (0, 2)
    assert pd.isna(rows["c"]["datacentres"]) and pd.isna(rows["c"]["rank_datacentres"])
    assert pd.isna(rows["c"]["datacentre_mw"])


def test_the_data_centre_extent_is_the_records_box_widened_by_the_radius() -> None:
    frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy([5.0, 7.0], [43.0, 44.0]), crs=4326)
    west, south, east, north = datacentre_extent(frame) or (0, 0, 0, 0)
    assert south == pytest.approx(43.0 - NEARBY_KM / 111.2)
    assert north == pytest.approx(44.0 + NEARBY_KM / 111.2)
    assert west < 5.0 - NEARBY_KM / 111.2 and east > 7.0 + NEARBY_KM / 111.2  # wider in lon
    assert datacentre_extent(frame.iloc[:0]) is None


def test_real_hubs_group_alexandria_and_genoa(real_profiles: list[HubProfile]) -> None:
    hubs = {p.hub.id: p.hub for p in real_profiles}
    assert set(hubs["alexandria"].point_ids) >= {
        "alexandria-egypt",
        "abu-talat-egypt",
        "sidi-kerir-egypt",
    }
    assert hubs["genoa"].point_ids == ("genoa-italy", "savona-italy")
    assert hubs["marseille"].point_ids == ("marseille-france",)
    # Istanbul's cables land on its Black Sea side: the Black Sea's landing cities are hubs too.
    assert hubs["istanbul"].point_ids == ("istanbul-turkey",)


def test_only_hubs_in_the_data_centre_datas_area_have_a_count(
    real_profiles: list[HubProfile],
) -> None:
    by_id = {p.hub.id: p for p in real_profiles}
    assert by_id["marseille"].datacentres_mapped and len(by_id["marseille"].datacentres) >= 10
    assert by_id["marseille"].datacentre_mw > 0
    # The OSM extract covers Provence-Alpes-Côte d'Azur: Genoa and Alexandria are not counted.
    for hub in ("genoa", "alexandria", "istanbul"):
        assert not by_id[hub].datacentres_mapped and by_id[hub].datacentres == ()


def test_marseille_profile_has_asia_resilience_and_rtt_above_floor(
    real_profiles: list[HubProfile],
) -> None:
    marseille = next(p for p in real_profiles if p.hub.id == "marseille")
    assert len(marseille.asia_min_cut) >= 2
    for rtt in marseille.rtts:
        if rtt.rtt_ms is not None:
            assert rtt.rtt_ms >= rtt.floor_ms
    years = marseille.cables_by_year
    assert years[2000] <= years[2010] <= years[2022] == len(marseille.cables_in_service)
    # Every destination is reached (Cape Town through Melkbosstrand, its in-service landing).
    assert all(rtt.rtt_ms is not None for rtt in marseille.rtts), marseille.rtts


def test_min_cut_leaves_long_land_links_out() -> None:
    # A 400 km land link would join h to the Asian side without any cable; metro links stay.
    graph = nx.MultiGraph()
    graph.add_edge("h", "asia", key=TERRESTRIAL, gc_km=400.0)
    graph.add_edge("h", "m", key=TERRESTRIAL, gc_km=20.0)
    graph.add_edge("m", "asia", key="x")
    assert min_cable_cut(graph, ["h"], ["asia"]) == ("x",)


def test_the_timeline_and_the_year_filter_agree() -> None:
    from dash import no_update

    from components.hubs_panel import sync_years

    # The slider moves the filter's end (keeping its start); the filter starts the slider.
    assert sync_years(2004, [1990, 2022], True, 1989, 2022) == ([1990, 2004], no_update)
    assert sync_years(2004, [2010, 2022], True, 1989, 2022) == ([2004, 2004], no_update)
    assert sync_years(2004, [1990, 2004], True, 1989, 2022) == (no_update, no_update)
    assert sync_years(2022, [1990, 2010], False, 1989, 2022) == (no_update, 2010)
    assert sync_years(2022, None, False, 1989, 2022) == (no_update, no_update)
