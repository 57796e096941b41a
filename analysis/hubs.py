"""Hubs: the landing cities of the Mediterranean and the Black Sea, profiled and ranked (issue 16).

A **hub** is a metro area: the landing points of :data:`HUB_REGIONS` joined by single linkage within
:data:`HUB_JOIN_KM` (two landing points closer than that are in the same hub, and so on by
chaining). At 40 km Alexandria, Abu Talat and Sidi Kerir form one hub (22 and 26 km apart),
Genoa and Savona another (38 km), while Marseille stays apart from La Seyne and Toulon (46 and
49 km). A hub is named after the town of its best connected landing point (most cables, then
id) and its id is that town as a slug (``marseille``).

Per hub (:func:`hub_profiles`): its cables in service and planned as of the data date (by RFS
year), their owners and suppliers, the countries its cables land in directly, the **estimated**
round-trip time to each of :data:`DESTINATIONS` over the cable graph of :mod:`analysis.graph`
(best path from any of its landing points) beside the great-circle floor, the data centres
(and their tagged MW) and the IX buildings within :data:`NEARBY_KM` of any of its landing
points (data centres only where the data centre dataset maps them: elsewhere the count is
missing, not zero, see :func:`datacentre_extent`), and its resilience: the cables of its best path to Singapore whose cut alone makes
that path slower (or breaks it), and the smallest set of cables whose cut separates it from
Asia (:func:`min_cable_cut`, an exact minimum cut on the cable–landing-point graph).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.graph import TERRESTRIAL, CableGraph, great_circle_km, rtt_ms
from analysis.proximity import haversine_km
from analysis.routing import PlaceError, normalise, resolve_place

#: Landing points closer than this join the same hub (single linkage), km.
HUB_JOIN_KM = 40.0
#: Data centres and IX buildings within this distance of a hub's landing points count, km.
NEARBY_KM = 50.0
#: Landing points that name their hub whenever they are in one: the city the other landing
#: points of its metro area are suburbs of (Abu Talat has more cables than Alexandria).
NAMED_BY = frozenset({"alexandria-egypt"})
#: The sea regions whose landing points make hubs: the Black Sea for Istanbul, whose cables
#: land on its Black Sea side (the data tags it ``black-sea`` only).
HUB_REGIONS: tuple[str, ...] = ("mediterranean", "black-sea")

#: Destinations of the RTT estimates: label → place text for :func:`resolve_place`.
DESTINATIONS: Mapping[str, str] = {
    "Singapore": "tuas-singapore",
    "Mumbai": "mumbai-india",
    "Jeddah": "jeddah-saudi-arabia",
    "Lagos": "lagos-nigeria",
    # Cape Town's own landing point has only 2Africa (planned in the data); Melkbosstrand, in
    # the City of Cape Town ~35 km north of the centre, lands SAT-3, SAFE and Equiano.
    "Cape Town": "melkbosstrand-south-africa",
    "New York": "wall-township-nj-united-states",
    "Alexandria": "alexandria-egypt",
}

#: Countries whose landing points are "Asia" for the min-cut (South, South-East and East Asia;
#: the Gulf is left out so that the cut measures the way past it).
ASIA_COUNTRIES = frozenset(
    {
        "India", "Pakistan", "Sri Lanka", "Bangladesh", "Myanmar", "Thailand", "Malaysia",
        "Singapore", "Indonesia", "Vietnam", "Cambodia", "Philippines", "China", "Hong Kong",
        "Taiwan", "Japan", "South Korea", "Brunei", "Maldives",
    }
)  # fmt: skip

#: Land links the min-cut keeps (uncuttable): metro fibre, not the land model's long-haul
#: links, across which no cable cut could ever separate a mainland hub from mainland Asia.
MIN_CUT_LAND_KM = 50.0

METHODOLOGY = (
    "Hubs are metro areas: landing points of the Mediterranean and the Black Sea joined when "
    f"less than {HUB_JOIN_KM:g} km "
    "apart (chaining), named after the best connected one. Cables are counted as in service or "
    "planned as of the cable data date; a year shows the cables in service at the end of that "
    "RFS year (cables without a year are left out of the timeline). RTTs are estimates over "
    "stylised routes of the in-service cable graph (cable length at 0.0049 ms/km each way, "
    "plus the terrestrial links of the land model), next to the great-circle floor. Data "
    f"centres and IX buildings count within {NEARBY_KM:g} km of any of the hub's landing points; "
    "data centres only where the data centre dataset maps them (today Provence-Alpes-Côte "
    "d'Azur): elsewhere the count is missing (–), not zero. "
    "Resilience: the cables of the best path to Singapore whose cut alone slows or breaks it, "
    "and the fewest cables whose cut leaves no path to any South, South-East or East Asian "
    "landing point (an exact minimum cut over the cables and metro land links of at most "
    f"{MIN_CUT_LAND_KM:g} km: across the land model's long-haul links no cable cut could "
    "separate a mainland hub from mainland Asia)."
)


@dataclass(frozen=True)
class Hub:
    """A metro area: its id, name and landing point ids."""

    id: str
    name: str
    country: str
    point_ids: tuple[str, ...]
    lon: float
    lat: float


def single_linkage(
    ids: Sequence[str], lons: Sequence[float], lats: Sequence[float], max_km: float
) -> list[list[str]]:
    """Groups of ``ids`` joined when less than ``max_km`` apart (chaining), each sorted."""
    parent = list(range(len(ids)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    lon = np.asarray(lons, dtype=np.float64)
    lat = np.asarray(lats, dtype=np.float64)
    for i in range(len(ids)):
        near = np.nonzero(haversine_km(lon[i], lat[i], lon, lat) < max_km)[0]
        for j in near:
            parent[find(int(j))] = find(i)
    groups: dict[int, list[str]] = {}
    for i, pid in enumerate(ids):
        groups.setdefault(find(i), []).append(pid)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def _slug(text: str) -> str:
    return re.sub(r"\s+", "-", normalise(text)) or "hub"


def group_hubs(landing_points: pd.DataFrame, max_km: float = HUB_JOIN_KM) -> list[Hub]:
    """The hubs of ``landing_points`` (columns ``name``, ``country``, ``cable_ids``, geometry)."""
    frame = landing_points
    groups = single_linkage(
        [str(i) for i in frame.index], list(frame.geometry.x), list(frame.geometry.y), max_km
    )
    hubs: list[Hub] = []
    used: set[str] = set()
    for group in groups:
        named = [p for p in group if p in NAMED_BY]
        lead = min(named or group, key=lambda p: (-len(frame["cable_ids"][p]), p))
        town = str(frame.at[lead, "name"]).split(",")[0].strip()
        hub_id = _slug(town)
        while hub_id in used:  # two towns of the same name: keep ids unique
            hub_id += "-2"
        used.add(hub_id)
        hubs.append(
            Hub(
                id=hub_id,
                name=town,
                country=str(frame.at[lead, "country"]),
                point_ids=tuple(group),
                lon=float(frame.geometry.x[lead]),
                lat=float(frame.geometry.y[lead]),
            )
        )
    return sorted(hubs, key=lambda h: h.id)


class CableCutNetwork:
    """The flow network of :func:`min_cable_cut` towards fixed ``sinks``, built once and asked
    for the cut of one set of sources after another (the hubs ranking asks it for 84 hubs).

    Each cable is one node of capacity 1 joined to its landing points, so the minimum cut counts
    cables, not cable segments; land links of at most ``land_max_km`` (great-circle) are kept
    and never cut; the cables in ``removed`` are left out.
    """

    SOURCE = ("source",)
    SINK = ("sink",)

    def __init__(
        self,
        graph: Any,
        sinks: Iterable[str],
        removed: Iterable[str] = (),
        land_max_km: float = MIN_CUT_LAND_KM,
    ) -> None:
        # Here, not at the top: importing networkx costs every start 80 ms.
        import networkx as nx
        from networkx.algorithms.flow.utils import build_residual_network

        skip = frozenset(removed)
        flow = nx.DiGraph()
        for u, v, key, gc_km in graph.edges(keys=True, data="gc_km"):
            if key in skip:
                continue
            if key == TERRESTRIAL:
                if gc_km is not None and gc_km > land_max_km:
                    continue
                flow.add_edge(u, v)
                flow.add_edge(v, u)
                continue
            inside, outside = ("in", key), ("out", key)
            flow.add_edge(inside, outside, capacity=1)
            for p in (u, v):
                flow.add_edge(p, inside)
                flow.add_edge(outside, p)
        flow.add_node(self.SOURCE)
        flow.add_node(self.SINK)
        for t in sinks:
            if t in flow:
                flow.add_edge(t, self.SINK)
        # An edge from the source to every landing point, closed (capacity 0) until that point
        # is a source: the network's shape never changes, so its residual network is built
        # once and each cut only opens and closes edges (building it took half the time).
        points = [n for n in flow if not isinstance(n, tuple)]
        # (Built with capacity 1: the residual network leaves out edges of capacity 0.)
        flow.add_edges_from(((self.SOURCE, n) for n in points), capacity=1)
        self._flow = flow
        self._residual = build_residual_network(flow, "capacity")
        for n in points:
            self._residual[self.SOURCE][n]["capacity"] = 0

    def cut(self, sources: Iterable[str]) -> tuple[str, ...]:
        """The fewest cables whose cut leaves ``sources`` no path to the sinks, sorted (``()``
        when there is no path at all). A source that is also a sink is not a sink for it."""
        import networkx as nx
        from networkx.algorithms.flow import edmonds_karp

        flow, src, dst, residual = self._flow, self.SOURCE, self.SINK, self._residual
        starts = [s for s in dict.fromkeys(sources) if s in flow and not isinstance(s, tuple)]
        if not starts:
            return ()
        detached = [s for s in starts if flow.has_edge(s, dst)]
        for s in starts:
            residual[src][s]["capacity"] = residual.graph["inf"]
        for s in detached:
            residual[s][dst]["capacity"] = 0
        try:
            # Augmenting paths: the cut is a handful of unit-capacity cables, so a few
            # searches find it (preflow-push works through the whole network).
            value, (reach, _rest) = nx.minimum_cut(
                flow, src, dst, flow_func=edmonds_karp, residual=residual
            )
        finally:
            for s in starts:
                residual[src][s]["capacity"] = 0
            for s in detached:
                residual[s][dst]["capacity"] = residual.graph["inf"]
        if value == 0:
            return ()  # no path at all
        cut = {
            n[1]
            for n in reach
            if isinstance(n, tuple) and n[0] == "in" and ("out", n[1]) not in reach
        }
        return tuple(sorted(cut))


def min_cable_cut(
    graph: Any,
    sources: Iterable[str],
    sinks: Iterable[str],
    removed: Iterable[str] = (),
    land_max_km: float = MIN_CUT_LAND_KM,
) -> tuple[str, ...]:
    """The fewest cables whose cut leaves no path from ``sources`` to ``sinks``, sorted.

    ``graph`` is a multigraph whose edge keys are cable ids or ``"terrestrial"`` (land links
    are never cut; only those at most ``land_max_km`` long, great-circle, are kept: the
    question is which submarine cables the hub depends on). See :class:`CableCutNetwork`,
    which answers many sources towards the same sinks without building the network again.
    """
    return CableCutNetwork(graph, sinks, removed, land_max_km).cut(sources)


@dataclass(frozen=True)
class Rtt:
    """The estimated RTT from a hub to one destination, and its great-circle floor (ms)."""

    destination: str
    rtt_ms: float | None
    floor_ms: float


@dataclass(frozen=True)
class HubProfile:
    """Every number of one hub (see the module docstring)."""

    hub: Hub
    cables_in_service: tuple[str, ...]
    cables_planned: tuple[str, ...]
    #: RFS year → cables in service at the end of that year.
    cables_by_year: Mapping[int, int]
    owners: tuple[str, ...]
    suppliers: tuple[str, ...]
    countries: tuple[str, ...]
    rtts: tuple[Rtt, ...]
    datacentres: tuple[str, ...]
    datacentre_mw: float
    #: Whether the data centre dataset maps the hub's area (if not, the two above are empty).
    datacentres_mapped: bool
    ix_buildings: tuple[str, ...]
    exchanges: tuple[str, ...]
    #: Cable id → RTT increase (ms) to Singapore when cut alone (``None``: no path left).
    critical: Mapping[str, float | None]
    asia_min_cut: tuple[str, ...]

    def rtt(self, destination: str) -> float | None:
        """The estimated RTT to ``destination`` (ms), ``None`` if unreachable."""
        return next((r.rtt_ms for r in self.rtts if r.destination == destination), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (NaN-free) dictionary."""
        out = asdict(self)
        out["cables_by_year"] = {str(y): n for y, n in self.cables_by_year.items()}
        out["critical"] = [{"cable_id": c, "increase_ms": v} for c, v in self.critical.items()]
        return out


def _near(frame: pd.DataFrame, lons: Sequence[float], lats: Sequence[float]) -> pd.DataFrame:
    if frame.empty:
        return frame
    x, y = np.asarray(frame.geometry.x), np.asarray(frame.geometry.y)
    close = np.zeros(len(frame), dtype=bool)
    for lon, lat in zip(lons, lats, strict=True):
        close |= haversine_km(lon, lat, x, y) < NEARBY_KM
    return frame[close]


def datacentre_extent(datacentres: pd.DataFrame) -> tuple[float, float, float, float] | None:
    """The area the data centre dataset maps, ``(west, south, east, north)``: the box of its
    records widened by :data:`NEARBY_KM` (``None``: no records, nothing mapped).

    Landfall's data centres come from an OpenStreetMap extract of one region: a hub outside
    it has no data, which a count of zero would misstate.
    """
    if datacentres.empty:
        return None
    x, y = np.asarray(datacentres.geometry.x), np.asarray(datacentres.geometry.y)
    dlat = NEARBY_KM / 111.2
    dlon = dlat / max(math.cos(math.radians(float(np.abs(y).max()))), 0.1)
    return (
        float(x.min()) - dlon,
        float(y.min()) - dlat,
        float(x.max()) + dlon,
        float(y.max()) + dlat,
    )


def _in_extent(
    extent: tuple[float, float, float, float] | None, lons: Sequence[float], lats: Sequence[float]
) -> bool:
    if extent is None:
        return False
    west, south, east, north = extent
    return any(
        west <= lon <= east and south <= lat <= north for lon, lat in zip(lons, lats, strict=True)
    )


def _destinations(graph: CableGraph) -> dict[str, str]:
    found: dict[str, str] = {}
    for label, place in DESTINATIONS.items():
        try:
            found[label] = resolve_place(graph, place)
        except PlaceError:
            continue
    return found


def _rtts(graph: CableGraph, hub: Hub, dests: Mapping[str, str]) -> tuple[Rtt, ...]:
    import networkx as nx  # here, not at the top: importing it costs every start 80 ms

    sources = [p for p in hub.point_ids if p in graph.graph]
    dist = (
        nx.multi_source_dijkstra_path_length(graph.base, sources, weight=graph.weight())
        if sources
        else {}
    )
    out = []
    for label, pid in dests.items():
        km = dist.get(pid)
        point = graph.points[pid]
        floor = min(
            great_circle_km(graph.points[p].lon, graph.points[p].lat, point.lon, point.lat)
            for p in hub.point_ids
        )
        out.append(
            Rtt(label, round(rtt_ms(km), 1) if km is not None else None, round(rtt_ms(floor), 1))
        )
    return tuple(out)


def _critical(graph: CableGraph, hub: Hub, target: str | None) -> dict[str, float | None]:
    """Cables of the best path to ``target`` whose cut alone makes it slower (ms) or breaks it."""
    import networkx as nx  # here, not at the top: importing it costs every start 80 ms

    sources = [p for p in hub.point_ids if p in graph.graph]
    if target is None or not sources:
        return {}
    try:
        km, path = nx.multi_source_dijkstra(graph.base, sources, target, weight=graph.weight())
    except nx.NetworkXNoPath:
        return {}
    cables = sorted({graph.best_edge(u, v)[0] for u, v in itertools.pairwise(path)} - {TERRESTRIAL})
    out: dict[str, float | None] = {}
    for cid in cables:
        cut = graph.without([cid])
        try:
            after = nx.multi_source_dijkstra_path_length(cut.base, sources, weight=cut.weight())[
                target
            ]
        except KeyError:
            out[cid] = None
            continue
        if after > km + 1e-9:
            out[cid] = round(rtt_ms(after) - rtt_ms(km), 1)
    return out


def _tagged_mw(datacentres: pd.DataFrame) -> float:
    """The summed power of the data centres that tag one (MW)."""
    if datacentres.empty or "power_mw" not in datacentres:
        return 0.0
    return round(float(pd.to_numeric(datacentres["power_mw"], errors="coerce").sum()), 1)


def _cables_by_year(cables: pd.DataFrame, years: Sequence[int]) -> dict[int, int]:
    built = cables[~cables["is_planned"].astype(bool)]
    rfs = pd.to_numeric(built["rfs_year"], errors="coerce")
    return {y: int((rfs <= y).sum()) for y in years}


def hub_profile(
    graph: CableGraph,
    data: Any,
    hub: Hub,
    years: Sequence[int],
    dests: Mapping[str, str] | None = None,
    asia: CableCutNetwork | None = None,
) -> HubProfile:
    """The profile of one hub (``data``: a :class:`~datalayer.loader.Datasets`; ``asia``: the
    network of the Asia min-cut, when several hubs share it)."""
    dests = _destinations(graph) if dests is None else dests
    asia = _asia_network(graph) if asia is None else asia
    members = set(hub.point_ids)
    cables = data.cables[[bool(members & set(ids)) for ids in data.cables["landing_point_ids"]]]
    planned = cables["is_planned"].astype(bool)
    countries = sorted(
        {
            str(data.landing_points.at[p, "country"])
            for ids in cables[~planned]["landing_point_ids"]
            for p in ids
            if p in data.landing_points.index and p not in members
        }
    )
    lons = [graph.points[p].lon for p in hub.point_ids]
    lats = [graph.points[p].lat for p in hub.point_ids]
    mapped = _in_extent(datacentre_extent(data.datacentres), lons, lats)
    dcs = _near(data.datacentres, lons, lats) if mapped else data.datacentres.iloc[:0]
    ixs = _near(data.facilities, lons, lats)
    return HubProfile(
        hub=hub,
        cables_in_service=tuple(sorted(map(str, cables.index[~planned]))),
        cables_planned=tuple(sorted(map(str, cables.index[planned]))),
        cables_by_year=_cables_by_year(cables, years),
        owners=tuple(sorted({str(o) for v in cables["owners"] for o in (v or ())})),
        suppliers=tuple(sorted({str(s) for v in cables["suppliers"] for s in (v or ())})),
        countries=tuple(countries),
        rtts=_rtts(graph, hub, dests),
        datacentres=tuple(sorted(map(str, dcs["name"]))) if len(dcs) else (),
        datacentre_mw=_tagged_mw(dcs),
        datacentres_mapped=mapped,
        ix_buildings=tuple(sorted(map(str, ixs.index))),
        exchanges=tuple(sorted({str(e) for v in ixs["exchanges"] for e in (v or ())}))
        if len(ixs)
        else (),
        critical=_critical(graph, hub, dests.get("Singapore")),
        asia_min_cut=asia.cut(hub.point_ids),
    )


def hub_profiles(graph: CableGraph, data: Any, years: Sequence[int]) -> list[HubProfile]:
    """Every hub of :data:`HUB_REGIONS`, profiled (sorted by id)."""
    dests = _destinations(graph)
    asia = _asia_network(graph)
    hubs = region_hubs(data.landing_points)
    return [hub_profile(graph, data, hub, years, dests, asia) for hub in hubs]


def _asia_network(graph: CableGraph) -> CableCutNetwork:
    """The min-cut network towards every South, South-East and East Asian landing point."""
    sinks = [p for p, info in graph.points.items() if info.country in ASIA_COUNTRIES]
    return CableCutNetwork(graph.base, sinks, graph.removed)


def point_names(landing_points: pd.DataFrame) -> Mapping[str, str]:
    """Landing point id → name (``Marseille, France``)."""
    return {str(i): str(n) for i, n in landing_points["name"].items()}


def datacentres_line(profile: HubProfile) -> str:
    """The profile's data centre heading: the radius and tagged MW, or why there is no count."""
    if not profile.datacentres_mapped:
        return (
            f"Data centres within {NEARBY_KM:g} km: no data (the data centre dataset does not "
            "map this area)"
        )
    return f"Data centres within {NEARBY_KM:g} km ({profile.datacentre_mw:g} MW tagged)"


def region_hubs(landing_points: pd.DataFrame) -> list[Hub]:
    """The hubs of the landing points of :data:`HUB_REGIONS` (cheap: no graph needed)."""
    points = landing_points
    wanted = set(HUB_REGIONS)
    return group_hubs(points[[bool(wanted & set(r or ())) for r in points["regions"]]])


def rtt_column(label: str) -> str:
    """The ranking's column of the estimated RTT to ``label`` (``rtt_new_york_ms``)."""
    return f"rtt_{_slug(label).replace('-', '_')}_ms"


#: Measure column → True when larger is better (the rank direction).
MEASURES: Mapping[str, bool] = {
    "cables_in_service": True,
    "cables_planned": True,
    "countries": True,
    "owners": True,
    "suppliers": True,
    **{rtt_column(label): False for label in DESTINATIONS},
    "datacentres": True,
    "datacentre_mw": True,
    "exchanges": True,
    "asia_min_cut": True,
}
#: Measures a hub may have no data for (missing, not worst): left unranked where missing.
UNRANKED_WHEN_MISSING = frozenset({"datacentres", "datacentre_mw"})


def ranking(profiles: Sequence[HubProfile]) -> pd.DataFrame:
    """One row per hub: each measure and its rank (``rank_<measure>``, 1 = best; ties share).

    Ordered by cables in service (most first), then id. RTT columns are estimates in ms
    (``NaN`` when unreachable, ranked last); the min-cut column counts cables. Data centre
    columns are ``NaN`` where the data centre dataset does not map the hub, and so is their
    rank (``<NA>``: unranked, not last).
    """
    rows = []
    for p in profiles:
        row: dict[str, Any] = {
            "id": p.hub.id,
            "name": p.hub.name,
            "country": p.hub.country,
            "landing_points": len(p.hub.point_ids),
            "cables_in_service": len(p.cables_in_service),
            "cables_planned": len(p.cables_planned),
            "countries": len(p.countries),
            "owners": len(p.owners),
            "suppliers": len(p.suppliers),
        }
        for r in p.rtts:
            row[rtt_column(r.destination)] = r.rtt_ms if r.rtt_ms is not None else math.nan
        row.update(
            datacentres=len(p.datacentres) if p.datacentres_mapped else math.nan,
            datacentre_mw=p.datacentre_mw if p.datacentres_mapped else math.nan,
            exchanges=len(p.exchanges),
            asia_min_cut=len(p.asia_min_cut),
        )
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    # A count, missing where unmapped (not a float: "4", not "4.0").
    table["datacentres"] = table["datacentres"].astype("Int64")
    for column, larger in MEASURES.items():
        if column in table:
            keep = column in UNRANKED_WHEN_MISSING
            ranks = table[column].rank(
                method="min", ascending=not larger, na_option="keep" if keep else "bottom"
            )
            table[f"rank_{column}"] = ranks.astype("Int64" if keep else int)
    return table.sort_values(
        ["cables_in_service", "id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
