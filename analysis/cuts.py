"""What cutting cables does to each landing point's best route to a hub (default Marseille).

One Dijkstra from the hub gives every landing point's best distance; a cut is the same search on
:meth:`CableGraph.without` (a view, no copy). RTTs are estimates (see :mod:`analysis.graph`).

Rules
    * A landing point is *disconnected* when it had a path to the hub before the cut and has
      none after.
    * A country is *cut off* when every one of its landing points in the graph (in any region)
      that reached the hub before the cut reaches it no more. Only countries with a landing point
      among those examined (the region's) are reported.
    * :func:`critical_cables` cuts each cable of the region alone. A cable on no edge of the hub's
      shortest-path tree cannot lengthen any best path, so its impact is zero without a search;
      only the others are searched (exact, not an approximation).
    * ``total_increase_ms`` sums the RTT increase over the region's points that stay reachable;
      ``mean_increase_ms`` divides it by the number of those points (unchanged ones included).

Land model: the land links of :mod:`analysis.graph` join every landing point to its nearest
neighbours on the same landmass (Europe–Asia–Africa is one; islands such as Sicily, Sardinia,
Crete, Cyprus and Malta are their own) and to every landing point within 50 km there, so a
mainland landing point whose own cables are all cut still reaches the hub over land (slower);
"disconnected" means no path over the remaining cables *and* the modelled land, which on the
mainland only happens when the hub's whole landmass is cut off. :func:`cut_methodology` states
this in one paragraph for the page, the report and the API.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.graph import (
    CAVEAT,
    MS_PER_KM,
    TERRESTRIAL,
    CableGraph,
    GraphParams,
    PointInfo,
    rtt_ms,
)
from datalayer.selection import DEFAULT_HUB, DEFAULT_REGION, REGION_WORLD

#: Columns of :attr:`CutImpact.table`.
IMPACT_COLUMNS = [
    "id",
    "name",
    "country",
    "status",
    "baseline_rtt_ms",
    "cut_rtt_ms",
    "increase_ms",
    "increase_pct",
    "floor_rtt_ms",
]
#: Columns of :func:`critical_cables`.
CRITICAL_COLUMNS = [
    "rank",
    "cable_id",
    "name",
    "points_disconnected",
    "countries_cut_off",
    "n_countries_cut_off",
    "points_slower",
    "total_increase_ms",
    "mean_increase_ms",
    "max_increase_ms",
]
STATUS_CUT_OFF = "disconnected"
STATUS_SLOWER = "slower"
STATUS_UNCHANGED = "unchanged"
STATUS_NO_PATH = "no path before the cut"
#: Increases below this (ms) are float noise, not a change.
_EPSILON_MS = 1e-6


def cut_methodology(params: GraphParams | None = None, data_date: str = "") -> str:
    """The one paragraph that says how a cut's impact is computed (page, report and API)."""
    p = params or GraphParams()
    date = f" of the data date ({data_date})" if data_date else ""
    cables = "in-service and planned" if p.include_planned else "in-service"
    return (
        f"Method (estimates): the network is the {cables} submarine cables{date}, joined at "
        "their landing points, plus modelled land links. Landing points on the same landmass "
        "(Natural Earth 1:50m land; Europe, Asia and Africa are one, islands such as Sicily, "
        "Sardinia, Crete, Cyprus and Malta are their own) are joined to their "
        f"{p.land_neighbours} nearest neighbours there (up to {p.land_max_km:,.0f} km) and to "
        f"every landing point within {p.terrestrial_max_km:.0f} km, at "
        f"{p.terrestrial_factor:g} × the great-circle distance. A cut removes the named cables "
        "that are in the network; planned or unknown ones are counted as ignored. A landing "
        "point is disconnected when no path over the remaining cables and land links reaches "
        "the hub; a country is cut off when all its landing points are. RTT is light in fibre "
        "(4.9 µs/km each way) along the shortest remaining path."
    )


class HubError(ValueError):
    """The hub is not a landing point of the graph."""


def hub_distances(graph: CableGraph, hub: str) -> dict[str, float]:
    """Best ``km`` from ``hub`` to every landing point it reaches (one Dijkstra)."""
    import networkx as nx  # here, not at the top: importing it costs every start 80 ms

    return dict(nx.single_source_dijkstra_path_length(graph.base, hub, weight=graph.weight()))


def _check_hub(graph: CableGraph, hub: str) -> PointInfo:
    if hub not in graph.points:
        raise HubError(f"Unknown hub landing point '{hub}'.")
    if hub not in graph.graph:
        raise HubError(f"Hub '{hub}' has no cable in the graph (planned cables only?).")
    return graph.points[hub]


def _examined(graph: CableGraph, region: str | None) -> list[str]:
    return graph.region_points(None if region in (None, REGION_WORLD) else region)


def _countries_cut_off(
    graph: CableGraph,
    before: Mapping[str, float],
    after: Mapping[str, float],
    countries: Iterable[str],
) -> list[str]:
    wanted = set(countries)
    reached: dict[str, list[bool]] = {}
    for pid in before:
        country = graph.points[pid].country
        if country in wanted:
            reached.setdefault(country, []).append(pid in after)
    return sorted(c for c, flags in reached.items() if flags and not any(flags))


def _json_number(value: Any) -> Any:
    """Floats rounded to 0.01 and NaN as ``None``; anything else unchanged."""
    if isinstance(value, float):
        return round(value, 2) if math.isfinite(value) else None
    return value


@dataclass(frozen=True)
class CutImpact:
    """The effect of one cut on the landing points' best RTT to the hub."""

    hub: PointInfo
    region: str | None
    #: Cables cut that had edges in the graph, sorted.
    cut_cable_ids: tuple[str, ...]
    #: Requested ids that changed nothing: unknown, or not in the graph (e.g. planned), sorted.
    ignored_cable_ids: tuple[str, ...]
    #: One row per examined landing point (columns :data:`IMPACT_COLUMNS`): disconnected first,
    #: then by RTT increase, largest first; points with no path even before come last.
    table: pd.DataFrame
    disconnected: tuple[str, ...]
    countries_cut_off: tuple[str, ...]
    data_date: str = ""
    caveat: str = CAVEAT
    cable_names: Mapping[str, str] = field(default_factory=dict)
    #: How this was computed (:func:`cut_methodology`), one paragraph.
    methodology: str = ""

    @property
    def slower(self) -> pd.DataFrame:
        return self.table[self.table["status"] == STATUS_SLOWER]

    def summary(self) -> dict[str, Any]:
        slower = self.slower["increase_ms"]
        return {
            "cables_cut": len(self.cut_cable_ids),
            "cables_ignored": len(self.ignored_cable_ids),
            "points_examined": len(self.table),
            "points_disconnected": len(self.disconnected),
            "points_slower": len(slower),
            "countries_cut_off": len(self.countries_cut_off),
            "mean_increase_ms": round(float(slower.mean()), 2) if len(slower) else 0.0,
            "max_increase_ms": round(float(slower.max()), 2) if len(slower) else 0.0,
        }

    def to_dict(self) -> dict[str, Any]:
        rows = [
            {k: _json_number(v) for k, v in record.items()}
            for record in self.table.to_dict(orient="records")
        ]
        return {
            "hub": self.hub.summary(),
            "region": self.region,
            "cut_cables": [
                {"id": c, "name": self.cable_names.get(c, c)} for c in self.cut_cable_ids
            ],
            "ignored_cable_ids": list(self.ignored_cable_ids),
            "summary": self.summary(),
            "disconnected": list(self.disconnected),
            "countries_cut_off": list(self.countries_cut_off),
            "points": rows,
            "data_date": self.data_date,
            "caveat": self.caveat,
            "methodology": self.methodology,
        }


def cut_impact(
    graph: CableGraph,
    cut_cable_ids: Iterable[str],
    hub: str = DEFAULT_HUB,
    region: str | None = None,
    baseline: Mapping[str, float] | None = None,
) -> CutImpact:
    """Every examined landing point's best RTT to ``hub`` before and after cutting the cables.

    ``region`` limits the examined points to those tagged with it (``None``/``"world"``: all).
    ``baseline`` may pass precomputed :func:`hub_distances` of ``graph`` (saves one search).
    """
    hub_info = _check_hub(graph, hub)
    requested = sorted(set(cut_cable_ids))
    in_graph = set(graph.in_graph_cables())
    cut = tuple(c for c in requested if c in in_graph)
    ignored = tuple(c for c in requested if c not in in_graph)
    before = dict(baseline) if baseline is not None else hub_distances(graph, hub)
    after = hub_distances(graph.without(cut), hub) if cut else before
    points = _examined(graph, region)
    rows = []
    for pid in points:
        info = graph.points[pid]
        b, a = before.get(pid), after.get(pid)
        base_ms = rtt_ms(b) if b is not None else math.nan
        cut_ms = rtt_ms(a) if a is not None else math.nan
        if b is None:
            status = STATUS_NO_PATH
        elif a is None:
            status = STATUS_CUT_OFF
        elif cut_ms - base_ms > _EPSILON_MS:
            status = STATUS_SLOWER
        else:
            status = STATUS_UNCHANGED
        increase = cut_ms - base_ms if status in (STATUS_SLOWER, STATUS_UNCHANGED) else math.nan
        if status == STATUS_UNCHANGED:
            increase = 0.0
        rows.append(
            {
                "id": pid,
                "name": info.name,
                "country": info.country,
                "status": status,
                "baseline_rtt_ms": base_ms,
                "cut_rtt_ms": cut_ms,
                "increase_ms": increase,
                "increase_pct": 100.0 * increase / base_ms
                if base_ms > 0 and math.isfinite(increase)
                else (0.0 if status == STATUS_UNCHANGED else math.nan),
                "floor_rtt_ms": rtt_ms(graph.great_circle_km(hub, pid)),
            }
        )
    table = pd.DataFrame(rows, columns=IMPACT_COLUMNS)
    order = {STATUS_CUT_OFF: 0, STATUS_SLOWER: 1, STATUS_UNCHANGED: 1, STATUS_NO_PATH: 2}
    table["_group"] = table["status"].map(order)
    table["_inc"] = -table["increase_ms"].fillna(0.0)
    table = (
        table.sort_values(["_group", "_inc", "id"], kind="stable")
        .drop(columns=["_group", "_inc"])
        .reset_index(drop=True)
    )
    disconnected = tuple(table.loc[table["status"] == STATUS_CUT_OFF, "id"])
    countries = _countries_cut_off(graph, before, after, {graph.points[p].country for p in points})
    return CutImpact(
        hub=hub_info,
        region=region,
        cut_cable_ids=cut,
        ignored_cable_ids=ignored,
        table=table,
        disconnected=disconnected,
        countries_cut_off=tuple(countries),
        data_date=graph.data_date,
        cable_names={c: graph.cables[c].name for c in cut},
        methodology=cut_methodology(graph.params, graph.data_date),
    )


def _tree_cables(graph: CableGraph, hub: str) -> set[str]:
    """Cables carrying at least one edge of the hub's shortest-path tree."""
    import networkx as nx  # here, not at the top: importing it costs every start 80 ms

    _dist, paths = nx.single_source_dijkstra(graph.base, hub, weight=graph.weight())
    used: set[str] = set()
    for path in paths.values():
        for u, v in itertools.pairwise(path):
            key, _attrs = graph.best_edge(u, v)
            if key != TERRESTRIAL:
                used.add(key)
    return used


def region_cables(graph: CableGraph, region: str | None) -> list[str]:
    """Cables of the graph whose ``regions`` include ``region`` (all for ``None``/world)."""
    cables = graph.in_graph_cables()
    if region in (None, REGION_WORLD):
        return cables
    return [c for c in cables if region in graph.cables[c].regions]


def critical_cables(
    graph: CableGraph,
    region: str | None = DEFAULT_REGION,
    hub: str = DEFAULT_HUB,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Each cable of ``region`` cut alone: its damage to the region's landing points' hub RTT.

    Columns :data:`CRITICAL_COLUMNS`; ranked by landing points disconnected, then total RTT
    increase (both largest first), then cable id. ``progress(done, total)`` is called after each
    cable. ``df.attrs["seconds"]`` holds the run time.
    """
    started = time.perf_counter()
    _check_hub(graph, hub)
    cables = region_cables(graph, region)
    points = _examined(graph, region)
    countries = {graph.points[p].country for p in points}
    before = hub_distances(graph, hub)
    tree = _tree_cables(graph, hub)
    base = np.array([before.get(p, math.nan) for p in points], dtype=np.float64)
    rows = []
    for done, cid in enumerate(cables, start=1):
        if cid in tree:
            after = hub_distances(graph.without([cid]), hub)
            cut = np.array([after.get(p, math.nan) for p in points], dtype=np.float64)
        else:
            after, cut = before, base
        lost = ~np.isnan(base) & np.isnan(cut)
        both = ~np.isnan(base) & ~np.isnan(cut)
        increase = 2.0 * MS_PER_KM * (cut[both] - base[both])
        slower = increase[increase > _EPSILON_MS]
        cut_off = _countries_cut_off(graph, before, after, countries) if cid in tree else []
        rows.append(
            {
                "cable_id": cid,
                "name": graph.cables[cid].name,
                "points_disconnected": int(lost.sum()),
                "countries_cut_off": cut_off,
                "n_countries_cut_off": len(cut_off),
                "points_slower": len(slower),
                "total_increase_ms": float(slower.sum()),
                "mean_increase_ms": float(slower.sum() / both.sum()) if both.any() else 0.0,
                "max_increase_ms": float(slower.max()) if len(slower) else 0.0,
            }
        )
        if progress is not None:
            progress(done, len(cables))
    table = pd.DataFrame(rows, columns=[c for c in CRITICAL_COLUMNS if c != "rank"])
    if len(table):
        table = table.sort_values(
            ["points_disconnected", "total_increase_ms", "cable_id"],
            ascending=[False, False, True],
            kind="stable",
        ).reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    table.attrs["seconds"] = time.perf_counter() - started
    table.attrs["searched"] = len(tree & set(cables))
    return table
