"""The cable graph: landing points joined by the cables (and short land links) between them.

Everything here is an ESTIMATE built from TeleGeography's *stylised* map routes: distances follow
the drawn lines (scaled to the published cable length where one exists) and latencies assume
light in fibre along them. Real systems differ (routing, regeneration, terrestrial backhaul).

How the graph is built (:func:`build_cable_graph`)
==================================================

Nodes
    Landing points with at least one cable in the graph. Planned cables (``is_planned``) are
    left out by default, because on the data date (2022-11-10) they were not carrying traffic;
    ``GraphParams(include_planned=True)`` adds them.

Submarine edges: which landing points are consecutive
    The upstream ``landing_point_ids`` list is in no particular order, so the order comes from the
    drawing. Each cable's (Multi)LineString is turned into a small geometric network:

    1. every vertex is a network node (coordinates rounded to 1e-4°, so parts sharing an end
       vertex join). A drawing split at the antimeridian is handled in 0–360° longitudes;
    2. a loose end of a drawn part that lies within ``JOIN_KM`` (5 km) of another part is joined
       to that part's nearest point (branches drawn ending a hair beside the trunk, or two
       parallel lines into one landing);
    3. pieces that still do not touch are joined by the *shortest straight bridge* between them,
       shortest first (Kruskal), so a branch ending away from the trunk joins it at the trunk's
       nearest point (its branching unit) and every cable becomes one connected piece;
    4. each landing point snaps to the nearest junction or loose end of the network within
       ``SNAP_NODE_KM`` (2 km), else to the nearest point of the network (planar, degrees with
       longitude scaled by cos(latitude)), splitting the segment there. The snap offset (median
       a few metres) counts as a great-circle length;
    5. two landing points are *consecutive* when the network path between them passes no other
       landing point's snap node (a search from each landing point that stops at the first
       landing points it meets). On a linear cable this is the order along the route. Where
       landings hang off a trunk on their own branches (trunk-and-branch systems such as WACS or
       AAE-1), the path between two branches passes no landing, so they are joined directly:
       the express path through the branching units, which is what the latency model wants.

    The edge's ``km_drawn`` is the geodesic (haversine) length of that network path; its
    coordinates are kept so a route can be drawn along the cable.

Scaling to the published length
    When the cable has a published ``length_km`` and the drawing has a positive length, every
    edge's ``km = km_drawn × length_km / drawn_km`` where ``drawn_km`` is the length of the whole
    drawn network of that cable (all parts, bridges and snap offsets). The whole network, not the
    sum of the consecutive edges, because around a branching unit those edges overlap and their
    sum counts the trunk more than once. The ratio is applied only inside ``SCALE_BAND``
    (0.5–2): outside it the published figure evidently describes something else than the drawing
    (e.g. a domestic network's land sections) and ``km = km_drawn``. ``km`` never drops below the
    great-circle distance of its two landing points. Without a published length,
    ``km = km_drawn``.

Terrestrial edges (the land model)
    Land links are ``kind="terrestrial"`` edges (key ``"terrestrial"``) of
    ``km = km_drawn = terrestrial_factor (1.5, the detour of real fibre over the great circle)
    × great-circle km``. A cable cut never removes them. Which landing points they join:

    1. *Landmass.* Each graph landing point belongs to the polygon of the world land outline
       (``basemap_land``, Natural Earth 1:50m) that contains it or lies within ``LAND_SNAP_KM``
       (10 km) of it, the nearest first. Each polygon is one landmass: Europe, Asia and Africa
       are one (joined at Suez); Sicily, Sardinia, Corsica, Crete, Cyprus and Malta are each
       their own. A landing point farther than that from any land has no landmass.
    2. *Metro links.* Any two graph landing points at most ``terrestrial_max_km`` (50 km) apart,
       great-circle, on the same landmass (or both on none) are joined: the metro fibre between
       the landing stations of one city. A strait never counts, so islands stay islands.
    3. *Landmass links.* Each landing point is joined to its ``land_neighbours`` (3) nearest
       other landing points of its landmass at most ``land_max_km`` (2,000 km) away: the
       national and cross-border terrestrial backbones, as a chain along each coast.

    Without land outlines (``basemap_land`` empty) only the metro links are made, on any pair.

Multi-edges
    A :class:`networkx.MultiGraph` keyed by cable id (``"terrestrial"`` for land links): one edge
    per cable per node pair, so cutting a cable hides exactly its own edges
    (:meth:`CableGraph.without`, a :func:`networkx.restricted_view`, no copy). Searches run on
    the base graph with a weight function that skips the removed cables
    (:meth:`CableGraph.weight`): the same answer, several times faster than walking the view.

Latency
    one-way ms = km × 0.0049 (4.9 µs/km, light in fibre with group index ≈ 1.468); RTT = 2 × that.
    The great-circle floor is the same arithmetic on the great-circle distance.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.ops import nearest_points

from analysis.proximity import EARTH_RADIUS_KM, haversine_km
from datalayer.loader import Datasets

if TYPE_CHECKING:
    import networkx as nx

#: One-way latency of light in fibre, in milliseconds per km (4.9 µs/km, group index ≈ 1.468).
MS_PER_KM = 0.0049
#: Key and ``kind`` of land links between nearby landing points.
TERRESTRIAL = "terrestrial"
SUBMARINE = "submarine"
#: Coordinates are rounded to this many decimals (≈ 11 m) to decide that two vertices coincide.
_KEY_DECIMALS = 4
#: A loose end of a drawn part this close (km) to another part of the same cable joins it.
JOIN_KM = 5.0
#: A landing point snaps to a junction or loose end of its cable's drawing this close (km).
SNAP_NODE_KM = 2.0
#: Published/drawn length ratios outside this band are not applied (see the module docstring).
SCALE_BAND = (0.5, 2.0)
#: A landing point this close (km) to a land polygon stands on it (coastal stations sit on the
#: shoreline, which the 1:50m outline draws a few km off).
LAND_SNAP_KM = 10.0
#: The caveat every result carries.
CAVEAT = (
    "Estimates only: distances follow TeleGeography's stylised map routes (scaled to published "
    "cable lengths where known) and latency assumes light in fibre at 4.9 µs/km; real routes, "
    "equipment and terrestrial backhaul add more."
)


def one_way_ms(km: float) -> float:
    """One-way latency of ``km`` of fibre, in ms."""
    return km * MS_PER_KM


def rtt_ms(km: float) -> float:
    """Round-trip time over ``km`` of fibre (there and back), in ms."""
    return 2.0 * km * MS_PER_KM


def great_circle_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance between two points, in km."""
    return float(haversine_km(lon1, lat1, lon2, lat2))


@dataclass(frozen=True)
class GraphParams:
    """The modelling choices of :func:`build_cable_graph` (see the module docstring)."""

    include_planned: bool = False
    #: Metro links: landing points at most this far apart (km, same landmass).
    terrestrial_max_km: float = 50.0
    #: Detour of terrestrial fibre over the great circle, for every land link.
    terrestrial_factor: float = 1.5
    scale_to_published: bool = True
    #: Landmass links: each landing point to this many nearest on its landmass (0: none).
    land_neighbours: int = 3
    #: Longest landmass link, great-circle km.
    land_max_km: float = 2000.0


@dataclass(frozen=True)
class PointInfo:
    """A landing point as results show it."""

    id: str
    name: str
    country: str
    lon: float
    lat: float
    regions: tuple[str, ...]
    #: Cables of the graph landing here (planned ones only when the graph includes them).
    cables: tuple[str, ...]
    #: Index of the land polygon this point stands on (``None``: none within ``LAND_SNAP_KM``).
    landmass: int | None = None

    def summary(self) -> dict[str, Any]:
        """``{"id", "name", "country"}`` for JSON results."""
        return {"id": self.id, "name": self.name, "country": self.country}


@dataclass(frozen=True)
class CableInfo:
    """A cable as the graph modelled it."""

    id: str
    name: str
    is_planned: bool
    regions: tuple[str, ...]
    landing_point_ids: tuple[str, ...]
    length_km: float | None
    #: Length of the drawn network (parts, bridges, snap offsets), km.
    drawn_km: float
    #: ``length_km / drawn_km`` when scaled, else 1.
    scale: float
    in_graph: bool


@dataclass(frozen=True)
class CableGraph:
    """The landing-point graph plus what results need to describe it. Never mutated.

    ``graph`` is a :class:`networkx.MultiGraph` (or a read-only view of one after
    :meth:`without`). Node attributes: ``name``, ``country``, ``lon``, ``lat``. Edge key: the
    cable id or ``"terrestrial"``; edge attributes: ``cable`` (id or ``None``), ``cable_name``,
    ``kind`` (``"submarine"``/``"terrestrial"``), ``km``, ``km_drawn``, ``gc_km`` (great-circle
    km of the two ends), ``start`` (the node the coordinates begin at), ``lon``/``lat`` (tuples).
    """

    graph: nx.MultiGraph
    params: GraphParams
    #: Every landing point of the data (also those not in the graph), by id.
    points: Mapping[str, PointInfo]
    #: Every cable of the data (also those left out), by id.
    cables: Mapping[str, CableInfo]
    #: The graph edges ``(u, v, key)`` of each cable in the graph.
    cable_edges: Mapping[str, tuple[tuple[str, str, str], ...]]
    data_date: str = ""
    build_seconds: float = 0.0
    #: Cables hidden from this graph (by :meth:`without`).
    removed: frozenset[str] = field(default_factory=frozenset)

    def without(self, cable_ids: Iterable[str]) -> CableGraph:
        """This graph with the edges of ``cable_ids`` hidden: a cheap view, not a copy.

        Ids that are not in the graph (unknown, or planned cables left out) are ignored.
        """
        wanted = frozenset(cable_ids)
        hidden = [edge for cid in sorted(wanted) for edge in self.cable_edges.get(cid, ())]
        if not hidden:
            return replace(self, removed=self.removed | wanted)
        base = _base_graph(self.graph)
        all_removed = self.removed | wanted
        edges = [e for cid in sorted(all_removed) for e in self.cable_edges.get(cid, ())]
        import networkx as nx  # here, not at the top: importing it costs every start 80 ms

        view = nx.restricted_view(base, nodes=[], edges=edges)
        return replace(self, graph=view, removed=all_removed)

    def cut_cables(self) -> tuple[str, ...]:
        """Hidden cables that had edges in the graph (the effective cut), sorted."""
        return tuple(sorted(c for c in self.removed if c in self.cable_edges))

    def ignored_cables(self) -> tuple[str, ...]:
        """Hidden ids that changed nothing (unknown, or not in service/planned), sorted.

        Every result counts a cut the same way: ``cut_cables`` cut, ``ignored_cables`` ignored.
        """
        return tuple(sorted(c for c in self.removed if c not in self.cable_edges))

    def in_graph_cables(self) -> list[str]:
        """Ids of the cables with edges in this graph (cut ones excluded), sorted."""
        return sorted(cid for cid in self.cable_edges if cid not in self.removed)

    def point(self, point_id: str) -> PointInfo:
        """The :class:`PointInfo` of a landing point id (``KeyError`` if unknown)."""
        return self.points[point_id]

    def great_circle_km(self, a: str, b: str) -> float:
        """Great-circle km between two landing points."""
        pa, pb = self.points[a], self.points[b]
        return great_circle_km(pa.lon, pa.lat, pb.lon, pb.lat)

    def region_points(self, region: str | None) -> list[str]:
        """Graph nodes tagged with ``region`` (landing point ``regions``), or all for ``None``/world."""
        nodes = sorted(self.graph.nodes)
        if region is None or region == "world":
            return nodes
        return [n for n in nodes if region in self.points[n].regions]

    @property
    def base(self) -> nx.MultiGraph:
        """The full graph this one is a view of (itself when nothing is hidden)."""
        return _base_graph(self.graph)

    def weight(self) -> str | Callable[[str, str, Mapping[Any, Mapping[str, Any]]], float | None]:
        """The Dijkstra weight for :attr:`base` that honours :attr:`removed`.

        Searching the base graph with this function is several times faster than searching the
        restricted view: the view filters every adjacency lookup through Python callbacks.
        """
        removed = self.removed
        if not removed:
            return "km"

        def km(_u: str, _v: str, edges: Mapping[Any, Mapping[str, Any]]) -> float | None:
            best: float | None = None
            for key, attrs in edges.items():
                if key not in removed:
                    value = float(attrs["km"])
                    if best is None or value < best:
                        best = value
            return best

        return km

    def best_edge(self, u: str, v: str) -> tuple[str, dict[str, Any]]:
        """The shortest (``km``) edge joining ``u`` and ``v`` in this graph: ``(key, attributes)``.

        Ties go to the smallest key, so results never depend on insertion order.
        """
        edges = self.base.get_edge_data(u, v) or {}
        keys = [k for k in edges if k not in self.removed]
        if not keys:
            raise KeyError(f"no edge between {u!r} and {v!r}")
        key = min(keys, key=lambda k: (edges[k]["km"], str(k)))
        return str(key), edges[key]


def _base_graph(graph: nx.MultiGraph) -> nx.MultiGraph:
    """The graph a (possibly nested) restricted view was made from."""
    while hasattr(graph, "_graph"):
        graph = graph._graph
    return graph


# --- One cable's drawn network --------------------------------------------------------------


@dataclass(frozen=True)
class CableEdge:
    """Two consecutive landing points of one cable and the drawn path between them."""

    a: str
    b: str
    km_drawn: float
    lon: tuple[float, ...]
    lat: tuple[float, ...]


def _key(lon: float, lat: float) -> tuple[float, float]:
    k_lon = round(lon, _KEY_DECIMALS)
    if k_lon == -180.0:
        k_lon = 180.0
    return k_lon, round(lat, _KEY_DECIMALS)


class _Network:
    """The drawn network of one cable: vertices, segments (km) and their component of origin."""

    def __init__(self) -> None:
        self.coords: list[tuple[float, float]] = []
        self.index: dict[tuple[float, float], int] = {}
        self.edges: dict[tuple[int, int], float] = {}
        self.edge_comp: dict[tuple[int, int], int] = {}

    def node(self, lon: float, lat: float) -> int:
        key = _key(lon, lat)
        found = self.index.get(key)
        if found is not None:
            return found
        self.index[key] = len(self.coords)
        self.coords.append((lon, lat))
        return len(self.coords) - 1

    def length(self, a: int, b: int) -> float:
        (lon1, lat1), (lon2, lat2) = self.coords[a], self.coords[b]
        return great_circle_km(lon1, lat1, lon2, lat2)

    def add_edge(self, a: int, b: int, comp: int) -> None:
        if a == b:
            return
        pair = (a, b) if a < b else (b, a)
        if pair not in self.edges:
            self.edges[pair] = self.length(a, b)
            self.edge_comp[pair] = comp

    def nearest(
        self, lon: float, lat: float, pairs: Sequence[tuple[int, int]]
    ) -> tuple[tuple[int, int], float, float]:
        """The segment of ``pairs`` nearest (lon, lat): ``(pair, t along it, distance km)``.

        Planar in degrees with longitude scaled by cos(latitude) (fine at these distances).
        """
        arr = np.array([(*self.coords[a], *self.coords[b]) for a, b in pairs], dtype=np.float64)
        scale = math.cos(math.radians(lat))
        ax, ay = (arr[:, 0] - lon) * scale, arr[:, 1] - lat
        bx, by = (arr[:, 2] - lon) * scale, arr[:, 3] - lat
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(seg2 > 0, -(ax * dx + ay * dy) / seg2, 0.0)
        t = np.clip(t, 0.0, 1.0)
        px, py = ax + t * dx, ay + t * dy
        best = int(np.argmin(px * px + py * py))
        pair, tb = pairs[best], float(t[best])
        (lon_a, lat_a), (lon_b, lat_b) = self.coords[pair[0]], self.coords[pair[1]]
        x, y = lon_a + tb * (lon_b - lon_a), lat_a + tb * (lat_b - lat_a)
        return pair, tb, great_circle_km(lon, lat, x, y)

    def split(self, pair: tuple[int, int], t: float) -> int:
        """The node at fraction ``t`` along segment ``pair``, splitting it if needed."""
        a, b = pair
        if t <= 0.0:
            return a
        if t >= 1.0:
            return b
        (lon_a, lat_a), (lon_b, lat_b) = self.coords[a], self.coords[b]
        new = self.node(lon_a + t * (lon_b - lon_a), lat_a + t * (lat_b - lat_a))
        if new in (a, b):
            return new
        part = self.edge_comp.pop(pair)
        del self.edges[pair]
        self.add_edge(a, new, part)
        self.add_edge(new, b, part)
        return new

    def insert(self, lon: float, lat: float, comp: int | None = None) -> int:
        """A node at the network point nearest (lon, lat) (of component ``comp`` if given)."""
        key = _key(lon, lat)
        if key in self.index:
            return self.index[key]
        pairs = [p for p in self.edges if comp is None or self.edge_comp[p] == comp]
        if not pairs:
            return self.node(lon, lat)
        pair, t, _km = self.nearest(lon, lat, pairs)
        return self.split(pair, t)

    def adjacency(self) -> list[list[tuple[int, float]]]:
        adj: list[list[tuple[int, float]]] = [[] for _ in self.coords]
        for (a, b), km in sorted(self.edges.items()):
            adj[a].append((b, km))
            adj[b].append((a, km))
        return adj


def _components(network: _Network) -> dict[int, int]:
    """Union-find root of every node (nodes of one drawn piece share a root)."""
    parent = list(range(len(network.coords)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in network.edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {n: find(n) for n in range(len(network.coords))}


def _join_dangling_ends(network: _Network) -> None:
    """Join each loose end of a drawn part to another part passing within ``JOIN_KM``.

    Drawings often end a branch a hair away from the trunk (or draw two parallel lines into the
    same landing); without this the two would only meet far away.
    """
    degree: dict[int, list[tuple[int, int]]] = {}
    for pair in network.edges:
        degree.setdefault(pair[0], []).append(pair)
        degree.setdefault(pair[1], []).append(pair)
    ends = sorted(n for n, pairs in degree.items() if len(pairs) == 1)
    for node in ends:
        incident = [p for p in network.edges if node in p]
        if len(incident) != 1:
            continue  # an earlier join reached this end
        own = network.edge_comp[incident[0]]
        pairs = [
            p
            for p, comp in network.edge_comp.items()
            if comp != own and comp >= 0 and node not in p
        ]
        if not pairs:
            continue
        lon, lat = network.coords[node]
        pair, t, km = network.nearest(lon, lat, pairs)
        if km <= JOIN_KM:
            target = network.split(pair, t)
            network.add_edge(node, target, comp=-2)


def _bridge_parts(network: _Network) -> None:
    """Join the drawn pieces that do not touch with the shortest straight bridges (Kruskal)."""
    roots = _components(network)
    for pair in network.edge_comp:
        network.edge_comp[pair] = roots[pair[0]]
    comp_ids = sorted(set(network.edge_comp.values()))
    if len(comp_ids) < 2:
        return
    shapes = {
        c: shapely.MultiLineString(
            [
                [network.coords[a], network.coords[b]]
                for (a, b), comp in network.edge_comp.items()
                if comp == c
            ]
        )
        for c in comp_ids
    }
    candidates = []
    for i, ci in enumerate(comp_ids):
        for cj in comp_ids[i + 1 :]:
            near_a, near_b = nearest_points(shapes[ci], shapes[cj])
            km = great_circle_km(near_a.x, near_a.y, near_b.x, near_b.y)
            candidates.append((km, ci, cj, (near_a.x, near_a.y), (near_b.x, near_b.y)))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    parent = {c: c for c in comp_ids}

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for _km, ci, cj, pa, pb in candidates:
        ri, rj = find(ci), find(cj)
        if ri == rj:
            continue
        parent[max(ri, rj)] = min(ri, rj)
        na = network.insert(pa[0], pa[1], comp=ci)
        nb = network.insert(pb[0], pb[1], comp=cj)
        network.add_edge(na, nb, comp=-1)


def _snap(network: _Network, lon: float, lat: float) -> int:
    """The network node of a landing point: a junction or loose end within ``SNAP_NODE_KM``
    (nearest first), else the nearest point of the drawing (splitting its segment).

    Drawings meet at landings: snapping to a junction a few hundred metres away instead of a
    point beside it keeps the landing *on* the trunk, so paths through it stop there.
    """
    degree: dict[int, int] = {}
    for a, b in network.edges:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    special = sorted(n for n, k in degree.items() if k != 2)
    if special:
        coords = np.array([network.coords[n] for n in special])
        km = haversine_km(lon, lat, coords[:, 0], coords[:, 1])
        best = int(np.argmin(km))
        if km[best] <= SNAP_NODE_KM:
            return special[best]
    return network.insert(lon, lat)


def _geometry_parts(geometry: Any) -> list[np.ndarray]:
    if geometry is None or geometry.is_empty:
        return []
    if isinstance(geometry, shapely.LineString):
        return [np.asarray(geometry.coords, dtype=np.float64)[:, :2]]
    if isinstance(geometry, shapely.MultiLineString):
        return [np.asarray(p.coords, dtype=np.float64)[:, :2] for p in geometry.geoms]
    raise ValueError(f"expected a (Multi)LineString, got {geometry.geom_type}")


def cable_consecutive_edges(
    geometry: Any, points: Sequence[tuple[str, float, float]]
) -> tuple[list[CableEdge], float]:
    """The consecutive landing-point pairs of one cable along its drawing, and its drawn km.

    ``points`` are ``(id, lon, lat)`` of the cable's landing points in any order. See the module
    docstring for the rule. Deterministic: the result depends only on the inputs' values.
    """
    parts = _geometry_parts(geometry)
    # A cable drawn across the antimeridian is split at ±180°: work in 0–360° longitudes so its
    # pieces are neighbours in the plane (haversine lengths do not change).
    wrap = bool(parts) and (
        min(float(p[:, 0].min()) for p in parts) <= -179.9
        and max(float(p[:, 0].max()) for p in parts) >= 179.9
    )
    if wrap:
        parts = [
            np.column_stack([np.where(p[:, 0] < 0, p[:, 0] + 360.0, p[:, 0]), p[:, 1]])
            for p in parts
        ]
        points = [(pid, lon + 360.0 if lon < 0 else lon, lat) for pid, lon, lat in points]
    network = _Network()
    for number, part in enumerate(parts):
        previous: int | None = None
        for lon, lat in part:
            current = network.node(float(lon), float(lat))
            if previous is not None:
                network.add_edge(previous, current, comp=number)
            previous = current
    _join_dangling_ends(network)
    _bridge_parts(network)
    ordered = sorted(points)
    snaps: list[int] = []
    offsets: list[float] = []
    for _pid, lon, lat in ordered:
        node = _snap(network, lon, lat)
        snaps.append(node)
        slon, slat = network.coords[node]
        offsets.append(great_circle_km(lon, lat, slon, slat))
    drawn_km = sum(network.edges.values()) + sum(offsets)
    at_node: dict[int, list[int]] = {}
    for i, node in enumerate(snaps):
        at_node.setdefault(node, []).append(i)
    adj = network.adjacency()
    found: dict[tuple[int, int], CableEdge] = {}
    for i, start in enumerate(snaps):
        # Dijkstra from this landing point's snap node that stops at other snap nodes.
        dist = {start: 0.0}
        prev: dict[int, int] = {}
        heap = [(0.0, start)]
        done: set[int] = set()
        while heap:
            d, node = heapq.heappop(heap)
            if node in done:
                continue
            done.add(node)
            if node != start and node in at_node:
                continue
            for nxt, km in adj[node]:
                nd = d + km
                if nd < dist.get(nxt, math.inf):
                    dist[nxt] = nd
                    prev[nxt] = node
                    heapq.heappush(heap, (nd, nxt))
        for node in sorted(done):
            for j in at_node.get(node, ()):
                if j <= i or (i, j) in found:
                    continue
                path = [node]
                while path[-1] != start:
                    path.append(prev[path[-1]])
                path.reverse()
                coords = [(ordered[i][1], ordered[i][2])]
                coords += [network.coords[n] for n in path]
                coords.append((ordered[j][1], ordered[j][2]))
                km = dist[node] + offsets[i] + offsets[j]
                found[(i, j)] = CableEdge(
                    a=ordered[i][0],
                    b=ordered[j][0],
                    km_drawn=km,
                    lon=tuple(c[0] - 360.0 if c[0] > 180.0 else c[0] for c in coords),
                    lat=tuple(c[1] for c in coords),
                )
    return [found[k] for k in sorted(found)], drawn_km


# --- The whole graph ------------------------------------------------------------------------


def _as_str_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    try:
        return tuple(str(v) for v in value)
    except TypeError:
        return ()


def _optional_float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def build_cable_graph(data: Datasets, params: GraphParams | None = None) -> CableGraph:
    """Build the landing-point graph of ``data`` (see the module docstring for every rule)."""
    started = time.perf_counter()
    params = params or GraphParams()
    lps = data.landing_points
    lon_of = {str(i): float(g.x) for i, g in zip(lps.index, lps.geometry, strict=True)}
    lat_of = {str(i): float(g.y) for i, g in zip(lps.index, lps.geometry, strict=True)}
    import networkx as nx  # here, not at the top: importing it costs every start 80 ms

    graph = nx.MultiGraph()
    cable_infos: dict[str, CableInfo] = {}
    cable_edges: dict[str, tuple[tuple[str, str, str], ...]] = {}
    point_cables: dict[str, list[str]] = {}
    cables = data.cables.sort_index()
    for cid, name, planned, length, lp_ids, regions, geometry in zip(
        cables.index.astype(str),
        cables["name"].astype(str),
        cables["is_planned"].astype(bool),
        cables["length_km"],
        cables["landing_point_ids"],
        cables["regions"],
        cables.geometry,
        strict=True,
    ):
        ids = sorted(set(_as_str_tuple(lp_ids)) & set(lon_of))
        in_graph = bool(params.include_planned or not planned)
        published = _optional_float(length)
        edges, drawn_km = cable_consecutive_edges(
            geometry, [(p, lon_of[p], lat_of[p]) for p in ids]
        )
        scale = 1.0
        if params.scale_to_published and published is not None and drawn_km > 0:
            ratio = published / drawn_km
            if SCALE_BAND[0] <= ratio <= SCALE_BAND[1]:
                scale = ratio
        cable_infos[cid] = CableInfo(
            id=cid,
            name=name,
            is_planned=bool(planned),
            regions=_as_str_tuple(regions),
            landing_point_ids=tuple(ids),
            length_km=published,
            drawn_km=drawn_km,
            scale=scale,
            in_graph=in_graph,
        )
        if not in_graph:
            continue
        for p in ids:
            point_cables.setdefault(p, []).append(cid)
        keys = []
        for edge in edges:
            gc = great_circle_km(lon_of[edge.a], lat_of[edge.a], lon_of[edge.b], lat_of[edge.b])
            graph.add_edge(
                edge.a,
                edge.b,
                key=cid,
                cable=cid,
                cable_name=name,
                kind=SUBMARINE,
                km=max(edge.km_drawn * scale, gc),
                km_drawn=edge.km_drawn,
                gc_km=gc,
                start=edge.a,
                lon=edge.lon,
                lat=edge.lat,
            )
            keys.append((edge.a, edge.b, cid))
        cable_edges[cid] = tuple(keys)
    nodes = sorted(point_cables)
    graph.add_nodes_from(nodes)
    land = landmasses({n: (lon_of[n], lat_of[n]) for n in nodes}, land_polygons(data))
    _add_terrestrial(graph, nodes, lon_of, lat_of, params, land)
    points: dict[str, PointInfo] = {}
    for pid, name, country, regions in zip(
        lps.index.astype(str), lps["name"], lps["country"], lps["regions"], strict=True
    ):
        points[pid] = PointInfo(
            id=pid,
            name=str(name),
            country=str(country),
            lon=lon_of[pid],
            lat=lat_of[pid],
            regions=_as_str_tuple(regions),
            cables=tuple(sorted(point_cables.get(pid, ()))),
            landmass=land.get(pid),
        )
        if pid in graph:
            graph.nodes[pid].update(name=str(name), country=str(country), lon=lon_of[pid])
            graph.nodes[pid]["lat"] = lat_of[pid]
    data_date = str(
        data.metadata.get("datasets", {}).get("cables.geojson", {}).get("data_date", "")
    )
    return CableGraph(
        graph=graph,
        params=params,
        points=points,
        cables=cable_infos,
        cable_edges=cable_edges,
        data_date=data_date,
        build_seconds=time.perf_counter() - started,
    )


def land_polygons(data: Datasets) -> list[shapely.Polygon]:
    """The polygons of the world land outline (``basemap_land``), in file order ([] if none)."""
    if not data.basemap_land:
        return []
    geometry = shapely.from_geojson(data.basemap_land)
    return [
        part
        for part in shapely.get_parts(shapely.get_parts(geometry)).tolist()
        if isinstance(part, shapely.Polygon) and not part.is_empty
    ]


def landmasses(
    points: Mapping[str, tuple[float, float]], polygons: Sequence[shapely.Polygon]
) -> dict[str, int | None]:
    """The landmass (index into ``polygons``) of each ``(lon, lat)`` point, or ``None``.

    A point stands on the polygon containing it, else the nearest within ``LAND_SNAP_KM``
    (planar degrees, 1° = 111 km: coastal stations sit just off a generalised shoreline).
    Ties go to the smallest index.
    """
    ids = sorted(points)
    found: dict[str, int | None] = dict.fromkeys(ids)
    if not polygons or not ids:
        return found
    tree = shapely.STRtree(list(polygons))
    geoms = shapely.points([points[i] for i in ids])
    (pt_idx, poly_idx), dist = tree.query_nearest(
        geoms, max_distance=LAND_SNAP_KM / 111.0, return_distance=True, all_matches=True
    )
    for p, poly, _d in sorted(zip(pt_idx.tolist(), poly_idx.tolist(), dist.tolist(), strict=True)):
        if found[ids[p]] is None:
            found[ids[p]] = int(poly)
    return found


def _land_edge(
    graph: nx.MultiGraph,
    a: str,
    b: str,
    coords: Mapping[str, tuple[float, float]],
    gc: float,
    factor: float,
) -> None:
    """Add (or keep) the land link between ``a`` and ``b`` (``a < b``)."""
    if graph.has_edge(a, b, TERRESTRIAL):
        return
    km = factor * gc
    graph.add_edge(
        a,
        b,
        key=TERRESTRIAL,
        cable=None,
        cable_name="Terrestrial backhaul (modelled)",
        kind=TERRESTRIAL,
        km=km,
        km_drawn=km,
        gc_km=gc,
        start=a,
        lon=(coords[a][0], coords[b][0]),
        lat=(coords[a][1], coords[b][1]),
    )


def _add_terrestrial(
    graph: nx.MultiGraph,
    nodes: Sequence[str],
    lon_of: Mapping[str, float],
    lat_of: Mapping[str, float],
    params: GraphParams,
    land: Mapping[str, int | None] | None = None,
) -> None:
    """Add the land links of the module docstring: metro links, then landmass links.

    ``land`` maps nodes to landmasses; without it (or when every node has none) metro links
    join any pair and there are no landmass links.
    """
    if not nodes:
        return
    land = land or {}
    coords = {n: (lon_of[n], lat_of[n]) for n in nodes}
    lon = np.array([lon_of[n] for n in nodes])
    lat = np.array([lat_of[n] for n in nodes])
    if params.terrestrial_max_km > 0:
        for i, j, gc in _pairs_within(lon, lat, params.terrestrial_max_km):
            a, b = sorted((nodes[i], nodes[j]))
            if land.get(a) == land.get(b):
                _land_edge(graph, a, b, coords, gc, params.terrestrial_factor)
    if params.land_neighbours <= 0:
        return
    groups: dict[int, list[str]] = {}
    for n in sorted(nodes):
        mass = land.get(n)
        if mass is not None:
            groups.setdefault(mass, []).append(n)
    for members in groups.values():
        if len(members) < 2:
            continue
        m_lon = np.array([lon_of[n] for n in members])
        m_lat = np.array([lat_of[n] for n in members])
        km = haversine_km(m_lon[:, None], m_lat[:, None], m_lon[None, :], m_lat[None, :])
        np.fill_diagonal(km, np.inf)
        k = min(params.land_neighbours, len(members) - 1)
        # Stable sort on (distance, index): ties never depend on anything but the data.
        nearest = np.argsort(km, axis=1, kind="stable")[:, :k]
        for i, row in enumerate(nearest.tolist()):
            for j in row:
                gc = float(km[i, j])
                if gc <= params.land_max_km:
                    a, b = sorted((members[i], members[j]))
                    _land_edge(graph, a, b, coords, gc, params.terrestrial_factor)


def _pairs_within(
    lon: np.ndarray, lat: np.ndarray, max_km: float, block: int = 512
) -> list[tuple[int, int, float]]:
    """Every pair ``i < j`` at most ``max_km`` apart, great-circle, with its km, by ``(i, j)``.

    Points further apart in latitude than ``max_km`` along a meridian are further apart on
    the sphere, so each block of rows (taken in latitude order) is only compared with the
    points of its latitude band: memory stays ``block × band`` instead of ``n × n``.
    """
    order = np.argsort(lat, kind="stable")
    lat_sorted = lat[order]
    band_deg = math.degrees(max_km / EARTH_RADIUS_KM) * (1 + 1e-9) + 1e-9
    found: list[tuple[int, int, float]] = []
    for start in range(0, len(order), block):
        rows = order[start : start + block]
        low = int(np.searchsorted(lat_sorted, lat_sorted[start] - band_deg, side="left"))
        high = int(
            np.searchsorted(
                lat_sorted, lat_sorted[min(start + block, len(order)) - 1] + band_deg, "right"
            )
        )
        cols = order[low:high]
        km = haversine_km(
            lon[rows][:, None], lat[rows][:, None], lon[cols][None, :], lat[cols][None, :]
        )
        r, c = np.nonzero((km <= max_km) & (rows[:, None] < cols[None, :]))
        found.extend(zip(rows[r].tolist(), cols[c].tolist(), km[r, c].tolist(), strict=True))
    found.sort()
    return found
