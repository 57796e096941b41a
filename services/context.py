"""The read-only context every callback works from: the datasets and precomputed figure data."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TypeVar

import pandas as pd

from analysis.graph import CableGraph, build_cable_graph
from analysis.hubs import region_hubs
from analysis.proximity import nearest_distance_table
from analysis.scenarios import Scenario, all_scenarios
from datalayer.fields import filters_only
from datalayer.filters import Filtered, apply_selection
from datalayer.loader import Datasets
from datalayer.schema import IMPORTED_SPECS
from datalayer.selection import Selection
from datalayer.vocabulary import Vocabulary, build_vocabulary
from figures.layers import ALL_LAYERS, DEFAULT_LAYERS, LAYER_ALIASES
from figures.map_context import MapContext, build_map_context, finer_land_sources
from services.map_pack import MapPack, every_feature_pack
from services.option_search import OptionIndexes, build_option_indexes

LAND_URL = "/basemap/land.geojson"
BORDERS_URL = "/basemap/borders.geojson"
T = TypeVar("T")


@dataclass(frozen=True)
class AppContext:
    """Built once per process at start-up and never mutated (safe to share between users)."""

    data: Datasets
    map: MapContext
    vocab: Vocabulary
    #: Builds the in-service cable graph on first call, then returns the same one (see
    #: :attr:`graph`).
    graph_factory: Callable[[], CableGraph]
    #: Preset cut scenarios resolved against this data.
    scenarios: dict[str, Scenario]
    #: :func:`~datalayer.filters.apply_selection` on this data, memoised per selection so the
    #: page, the API and the exports share one computation of the same view.
    select: Callable[[Selection], Filtered]
    #: Each IX facility's nearest landing point and distance, nearest first (the filters change
    #: neither), computed on first call and shared.
    facility_proximity: Callable[[], pd.DataFrame]
    #: The searched dropdowns' normalised option indexes (landing points, cables, owners, IX).
    option_indexes: OptionIndexes
    #: The map's geometry pack (services/map_pack.py), built on first call and shared: the
    #: browser fetches it once and the page's maps are sent as small messages against it.
    map_pack: Callable[[], MapPack]

    @property
    def graph(self) -> CableGraph:
        """The in-service cable network as a graph, for routes and cut scenarios.

        Built on first use, not at start-up: the page and the data API need it only for the
        analysis tools, and at 100× data it takes minutes.
        """
        return self.graph_factory()

    def attribution_lines(self) -> list[str]:
        """Attribution text for every dataset shown, from the data's own metadata."""
        seen: list[str] = []
        imported = {spec.file for spec in IMPORTED_SPECS}
        for file, entry in self.data.metadata["datasets"].items():
            if file in imported:
                continue  # a user's import (PeeringDB) is not on the page
            # Several files share a credit (e.g. the IGN boundaries): list each credit once.
            for part in str(entry.get("attribution", "")).split("; "):
                text = part.strip()
                if text and text not in seen:
                    seen.append(text)
        return seen

    def data_date(self, file: str) -> str:
        """The date the named dataset describes (e.g. ``2022-11-10`` for the cables)."""
        return str(self.data.metadata["datasets"][file]["data_date"])


def build_context(data: Datasets) -> AppContext:
    """Precompute the figure data and the vocabulary that no filter changes."""

    scenarios = all_scenarios(data)

    @lru_cache(maxsize=64)
    def cached(selection: Selection) -> Filtered:
        return apply_selection(data, selection)

    def select(selection: Selection) -> Filtered:
        # Only the fields whose declared role is "filter" decide the result: the view, the
        # layers and the analysis are dropped from the key, so panning never evicts a result.
        return cached(filters_only(selection))

    map_context = build_map_context(
        data.cables,
        data.landing_points,
        data.facilities,
        LAND_URL,
        BORDERS_URL,
        finer_land_sources(data.basemap_finer, data.metadata),
        datacentres=data.datacentres,
    )
    vocab = replace(
        build_vocabulary(data, ALL_LAYERS, DEFAULT_LAYERS),
        scenarios=frozenset(s.key for s in scenarios),
        metros=frozenset(h.id for h in region_hubs(data.landing_points)),
        layer_aliases=tuple(LAYER_ALIASES.items()),
    )
    return AppContext(
        data=data,
        map=map_context,
        vocab=vocab,
        graph_factory=_once(lambda: build_cable_graph(data)),
        scenarios={s.key: s for s in scenarios},
        select=select,
        facility_proximity=_once(
            lambda: nearest_distance_table(data.facilities, data.landing_points).sort_values(
                ["distance_km", "name"], kind="stable"
            )
        ),
        option_indexes=build_option_indexes(data),
        map_pack=_once(lambda: every_feature_pack(map_context, data, vocab.technologies)),
    )


def _once(build: Callable[[], T]) -> Callable[[], T]:
    """``build``, called at most once (thread-safe); later calls return its first result."""
    lock = threading.Lock()
    done: list[T] = []

    def get() -> T:
        if not done:
            with lock:
                if not done:
                    done.append(build())
        return done[0]

    return get
