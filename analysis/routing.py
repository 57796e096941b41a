"""Lowest-latency routes between landing points, with alternatives that avoid the first ones.

:func:`find_routes` runs Dijkstra on the scaled cable length (``km``) of a :class:`CableGraph`,
then looks for alternatives, each avoiding *every cable* used by the routes before it
(terrestrial backhaul links may be reused: they are not cables). Every figure is an estimate
from stylised routes (see :mod:`analysis.graph`).

Route geometry: each route carries ``lon``/``lat`` lists that follow the drawn cable between
consecutive landing points (straight lines for terrestrial links and snap offsets), ready for one
``scattermap`` trace; ``None`` breaks the line where it crosses the antimeridian (Plotly treats
``None`` like NaN, and it survives JSON).

Places (:func:`resolve_place`): an exact landing point id; else the text is compared without
case, accents or punctuation against, in turn, the full name ("Alexandria, Egypt"), then the town
(the name before its first comma) or the country, then :data:`PLACE_ALIASES` (cities with no
landing point of their own, e.g. Lisbon). When several landing points match at the same step, the
best connected wins: most cables in the graph, then most cables overall, then the smallest id.
So "Singapore" gives Tuas (15 cables), not the one named "Singapore, Singapore".
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.graph import (
    CAVEAT,
    TERRESTRIAL,
    CableGraph,
    PointInfo,
    one_way_ms,
    rtt_ms,
)

#: Most alternatives :func:`find_routes` looks for.
MAX_ALTERNATIVES = 5

#: Cities without a landing point of their own → the landing points that serve them.
PLACE_ALIASES: Mapping[str, tuple[str, ...]] = {
    "lisbon": ("carcavelos-portugal", "sesimbra-portugal", "seixal-portugal"),
    "lisboa": ("carcavelos-portugal", "sesimbra-portugal", "seixal-portugal"),
    "cairo": ("alexandria-egypt", "abu-talat-egypt", "port-said-egypt", "zafarana-egypt"),
    "le caire": ("alexandria-egypt", "abu-talat-egypt", "port-said-egypt", "zafarana-egypt"),
}


class PlaceError(ValueError):
    """A place that matches no landing point (``suggestions`` lists close names)."""

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = list(suggestions)


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation as single spaces: "Sète, France" → "sete france"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", plain.casefold()).strip()


def _rank(graph: CableGraph, ids: Sequence[str]) -> str:
    def key(pid: str) -> tuple[int, int, int, str]:
        info = graph.points[pid]
        in_graph = pid in graph.graph
        return (-int(in_graph), -len(info.cables), -_all_cables(graph, pid), pid)

    return min(ids, key=key)


def _all_cables(graph: CableGraph, pid: str) -> int:
    return sum(1 for c in graph.cables.values() if pid in c.landing_point_ids)


def resolve_place(graph: CableGraph, text: str) -> str:
    """The landing point id ``text`` names (see the module docstring for the rule).

    Raises :class:`PlaceError` (with close names as suggestions) when nothing matches.
    """
    raw = text.strip()
    if not raw:
        raise PlaceError("Empty place: give a landing point id or a town name.")
    if raw in graph.points:
        return raw
    wanted = normalise(raw)
    if not wanted:
        raise PlaceError(f"'{raw}' names no landing point.")
    slug = wanted.replace(" ", "-")
    if slug in graph.points:
        return slug
    points = sorted(graph.points.values(), key=lambda p: p.id)
    full = [p.id for p in points if normalise(p.name) == wanted]
    if full:
        return _rank(graph, full)
    town_or_country = [
        p.id
        for p in points
        if normalise(p.name.split(",")[0]) == wanted or normalise(p.country) == wanted
    ]
    if town_or_country:
        return _rank(graph, town_or_country)
    aliased = [pid for pid in PLACE_ALIASES.get(wanted, ()) if pid in graph.points]
    if aliased:
        return _rank(graph, aliased)
    # Close names, compared both as the full name and as the town alone.
    by_norm: dict[str, str] = {}
    for name in sorted({p.name for p in points}):
        by_norm.setdefault(normalise(name), name)
        by_norm.setdefault(normalise(name.split(",")[0]), name)
    close = difflib.get_close_matches(wanted, list(by_norm), n=8, cutoff=0.6)
    suggestions = list(dict.fromkeys(by_norm[c] for c in close))[:5]
    hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
    raise PlaceError(f"No landing point matches '{raw}'.{hint}", suggestions)


@dataclass(frozen=True)
class Hop:
    """One edge of a route: from one landing point to the next over one cable or land link."""

    from_id: str
    to_id: str
    cable_id: str | None
    cable_name: str
    kind: str
    km: float
    km_drawn: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.from_id,
            "to": self.to_id,
            "cable_id": self.cable_id,
            "cable_name": self.cable_name,
            "kind": self.kind,
            "km": round(self.km, 1),
            "km_drawn": round(self.km_drawn, 1),
        }


@dataclass(frozen=True)
class Route:
    """One path through the graph and its estimated latency."""

    points: tuple[PointInfo, ...]
    hops: tuple[Hop, ...]
    km: float
    km_drawn: float
    great_circle_km: float
    lon: tuple[float | None, ...]
    lat: tuple[float | None, ...]
    #: Cables this route was forbidden to use (those of the routes found before it).
    avoids: tuple[str, ...] = ()

    @property
    def one_way_ms(self) -> float:
        return one_way_ms(self.km)

    @property
    def rtt_ms(self) -> float:
        return rtt_ms(self.km)

    @property
    def floor_rtt_ms(self) -> float:
        """RTT over the great-circle distance of the two ends: no fibre route can beat it."""
        return rtt_ms(self.great_circle_km)

    @property
    def cable_ids(self) -> tuple[str, ...]:
        """The cables used, in route order, each once."""
        return tuple(dict.fromkeys(h.cable_id for h in self.hops if h.cable_id is not None))

    @property
    def cable_names(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(h.cable_name for h in self.hops if h.cable_id is not None).keys()
        )

    def to_dict(self) -> dict[str, Any]:
        stretch = self.km / self.great_circle_km if self.great_circle_km > 0 else None
        return {
            "points": [p.summary() for p in self.points],
            "hops": [h.to_dict() for h in self.hops],
            "n_hops": len(self.hops),
            "cables": list(self.cable_names),
            "cable_ids": list(self.cable_ids),
            "km": round(self.km, 1),
            "km_drawn": round(self.km_drawn, 1),
            "one_way_ms": round(self.one_way_ms, 2),
            "rtt_ms": round(self.rtt_ms, 2),
            "great_circle_km": round(self.great_circle_km, 1),
            "floor_rtt_ms": round(self.floor_rtt_ms, 2),
            "stretch": None if stretch is None else round(stretch, 3),
            "avoids": list(self.avoids),
            "lon": [None if v is None else round(v, 5) for v in self.lon],
            "lat": [None if v is None else round(v, 5) for v in self.lat],
        }


@dataclass(frozen=True)
class RouteResult:
    """The best route between two landing points and alternatives avoiding its cables."""

    source: PointInfo
    target: PointInfo
    reachable: bool
    message: str
    great_circle_km: float
    best: Route | None = None
    alternatives: tuple[Route, ...] = ()
    include_planned: bool = False
    #: Cables cut before searching (a cut scenario) that were in the graph, sorted.
    removed: tuple[str, ...] = ()
    #: Cables asked to be cut that were not in the graph (not in service, unknown), sorted.
    ignored: tuple[str, ...] = ()
    data_date: str = ""
    caveat: str = CAVEAT
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def floor_rtt_ms(self) -> float:
        return rtt_ms(self.great_circle_km)

    @property
    def routes(self) -> tuple[Route, ...]:
        """The best route then the alternatives (empty when unreachable)."""
        return ((self.best,) if self.best else ()) + self.alternatives

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.source.summary(),
            "to": self.target.summary(),
            "reachable": self.reachable,
            "message": self.message,
            "great_circle_km": round(self.great_circle_km, 1),
            "floor_rtt_ms": round(self.floor_rtt_ms, 2),
            "best": self.best.to_dict() if self.best else None,
            "alternatives": [r.to_dict() for r in self.alternatives],
            "include_planned": self.include_planned,
            "removed": list(self.removed),
            "ignored": list(self.ignored),
            "data_date": self.data_date,
            "caveat": self.caveat,
            "notes": list(self.notes),
        }


def _edge_coords(attrs: Mapping[str, Any], frm: str) -> tuple[list[float], list[float]]:
    lon, lat = list(attrs["lon"]), list(attrs["lat"])
    if attrs["start"] != frm:
        lon.reverse()
        lat.reverse()
    return lon, lat


def _with_breaks(
    lon: Sequence[float], lat: Sequence[float]
) -> tuple[tuple[float | None, ...], tuple[float | None, ...]]:
    """The line with ``None`` inserted where it jumps across the antimeridian."""
    out_lon: list[float | None] = []
    out_lat: list[float | None] = []
    for i, (x, y) in enumerate(zip(lon, lat, strict=True)):
        if i and abs(x - lon[i - 1]) > 180.0:
            out_lon.append(None)
            out_lat.append(None)
        out_lon.append(x)
        out_lat.append(y)
    return tuple(out_lon), tuple(out_lat)


def route_from_path(graph: CableGraph, path: Sequence[str], avoids: Sequence[str] = ()) -> Route:
    """A :class:`Route` along ``path`` (landing point ids), taking the shortest edge per hop."""
    hops: list[Hop] = []
    lon: list[float] = []
    lat: list[float] = []
    start = graph.points[path[0]]
    lon.append(start.lon)
    lat.append(start.lat)
    for u, v in itertools.pairwise(path):
        key, attrs = graph.best_edge(u, v)
        hops.append(
            Hop(
                from_id=u,
                to_id=v,
                cable_id=None if key == TERRESTRIAL else key,
                cable_name=str(attrs["cable_name"]),
                kind=str(attrs["kind"]),
                km=float(attrs["km"]),
                km_drawn=float(attrs["km_drawn"]),
            )
        )
        e_lon, e_lat = _edge_coords(attrs, u)
        lon.extend(e_lon[1:])
        lat.extend(e_lat[1:])
    b_lon, b_lat = _with_breaks(lon, lat)
    return Route(
        points=tuple(graph.points[p] for p in path),
        hops=tuple(hops),
        km=sum(h.km for h in hops),
        km_drawn=sum(h.km_drawn for h in hops),
        great_circle_km=graph.great_circle_km(path[0], path[-1]),
        lon=b_lon,
        lat=b_lat,
        avoids=tuple(avoids),
    )


def shortest_path(graph: CableGraph, src: str, dst: str) -> list[str] | None:
    """The lowest-``km`` path (landing point ids) or ``None`` when there is none."""
    import networkx as nx  # here, not at the top: importing it costs every start 80 ms

    if src not in graph.graph or dst not in graph.graph:
        return None
    try:
        return list(nx.dijkstra_path(graph.base, src, dst, weight=graph.weight()))
    except nx.NetworkXNoPath:
        return None


def _check_point(graph: CableGraph, point_id: str) -> PointInfo:
    try:
        return graph.points[point_id]
    except KeyError:
        raise PlaceError(f"Unknown landing point id '{point_id}'.") from None


def find_routes(graph: CableGraph, src_id: str, dst_id: str, alternatives: int = 3) -> RouteResult:
    """The lowest-latency route from ``src_id`` to ``dst_id`` and up to ``alternatives`` more.

    Alternative *n* avoids every cable of routes 0…n-1. Unknown ids raise :class:`PlaceError`;
    a pair with no path gives ``reachable=False`` and a message saying why.
    """
    if not 0 <= alternatives <= MAX_ALTERNATIVES:
        raise ValueError(f"alternatives must be between 0 and {MAX_ALTERNATIVES}")
    source, target = _check_point(graph, src_id), _check_point(graph, dst_id)
    gc = graph.great_circle_km(src_id, dst_id)
    common: dict[str, Any] = {
        "source": source,
        "target": target,
        "great_circle_km": gc,
        "include_planned": graph.params.include_planned,
        "removed": graph.cut_cables(),
        "ignored": graph.ignored_cables(),
        "data_date": graph.data_date,
    }
    missing = [p for p in (source, target) if p.id not in graph.graph]
    if missing:
        names = " and ".join(p.name for p in missing)
        why = (
            "is served only by planned cables (include planned cables to route to it)"
            if not graph.params.include_planned
            else "has no cable in the graph"
        )
        verb = why if len(missing) == 1 else why.replace("is served", "are served")
        return RouteResult(reachable=False, message=f"{names} {verb}.", **common)
    path = shortest_path(graph, src_id, dst_id)
    if path is None:
        cut = " after the cut" if graph.cut_cables() else ""
        return RouteResult(
            reachable=False,
            message=f"No path between {source.name} and {target.name}{cut}: they are on "
            "separate parts of the cable network.",
            **common,
        )
    best = route_from_path(graph, path)
    found: list[Route] = []
    avoided: list[str] = list(best.cable_ids)
    notes: list[str] = []
    while len(found) < alternatives:
        if not avoided:
            notes.append("The best route uses no cable, so there is no alternative to avoid it.")
            break
        view = graph.without(avoided)
        alt_path = shortest_path(view, src_id, dst_id)
        if alt_path is None:
            notes.append(
                f"No further route avoids the {len(avoided)} cables of the routes above "
                f"({len(found)} alternative{'s' if len(found) != 1 else ''} found)."
            )
            break
        route = route_from_path(view, alt_path, avoids=sorted(avoided))
        found.append(route)
        new = [c for c in route.cable_ids if c not in avoided]
        if not new:
            notes.append("The last alternative uses no cable; no further alternative.")
            break
        avoided.extend(new)
    message = (
        f"Best estimate {source.name} → {target.name}: {best.rtt_ms:.1f} ms RTT over "
        f"{best.km:,.0f} km ({len(best.hops)} hops); great-circle floor {rtt_ms(gc):.1f} ms."
    )
    return RouteResult(
        reachable=True,
        message=message,
        best=best,
        alternatives=tuple(found),
        notes=tuple(notes),
        **common,
    )


def route_lines(result: RouteResult) -> tuple[list[float | None], list[float | None]]:
    """Every route of ``result`` as one line pair, routes separated by ``None`` (one trace)."""
    lon: list[float | None] = []
    lat: list[float | None] = []
    for route in result.routes:
        if lon:
            lon.append(None)
            lat.append(None)
        lon.extend(route.lon)
        lat.extend(route.lat)
    return lon, lat
