"""The shared context: the cable graph and the facility proximity are built once, on first use."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

import services.context as context_module
from analysis.graph import CableGraph
from analysis.proximity import nearest_distance_table
from components.callbacks import proximity_table
from datalayer.loader import Datasets
from datalayer.selection import Selection
from services.context import build_context


def test_graph_is_built_on_first_use_once_even_when_raced(
    real_data: Datasets, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real_build = context_module.build_cable_graph

    def counting(data: Datasets) -> CableGraph:
        calls.append(1)
        return real_build(data)

    monkeypatch.setattr(context_module, "build_cable_graph", counting)
    ctx = build_context(real_data)
    assert calls == []  # start-up does not pay for the graph
    graphs: list[CableGraph] = []
    threads = [threading.Thread(target=lambda: graphs.append(ctx.graph)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [1]
    assert all(g is graphs[0] for g in graphs) and ctx.graph is graphs[0]
    assert "marseille-france" in ctx.graph.graph


def test_proximity_table_of_a_selection_equals_the_direct_computation(
    real_data: Datasets,
) -> None:
    ctx = build_context(real_data)
    facilities = ctx.select(Selection(facility_countries=("France", "Egypt"))).facilities
    table = proximity_table(ctx, facilities)
    direct = nearest_distance_table(facilities, real_data.landing_points)
    pd.testing.assert_frame_equal(table.drop(columns="city"), direct, check_like=True)
    assert list(table["city"]) == list(facilities["city"].reindex(table.index))
    # Nearest first, ties by name: the order the proximity chart draws.
    assert list(table.index) == list(table.sort_values(["distance_km", "name"]).index)
    assert ctx.facility_proximity() is ctx.facility_proximity()
