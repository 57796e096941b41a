"""Sea regions (Mediterranean, Red Sea, Gulf of Aden, Black Sea) from Natural Earth marine polygons,
and the tagging of cable routes and landing points with them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from .common import COORD_DECIMALS

#: Buffer (degrees) added to region polygons before testing cable routes: Natural Earth's
#: marine polygons stop short of its own coastline and TeleGeography's routes are schematic, so a
#: cable that clearly sails a sea may miss the bare polygon by a few hundred metres.
CABLE_REGION_BUFFER_DEG = 0.05

#: A landing point belongs to a region when the region polygon lies within this distance.
LANDING_POINT_REGION_DISTANCE_M = 25_000.0

#: Sea gaps between named polygons that are larger than this (square degrees) are filled
#: (see ``fill_sea_gaps``); smaller ones are coastline slivers or straits we leave out.
MIN_GAP_AREA_DEG2 = 0.5

WGS84 = Geod(ellps="WGS84")


@dataclass(frozen=True)
class RegionSpec:
    """A tagging region: Natural Earth marine polygon names to union, and whether to fill gaps."""

    id: str
    name: str
    wanted_names: tuple[str, ...]
    fill_gaps: bool


#: The regions. ``wanted_names`` lists every Natural Earth marine-polygon name that belongs to the
#: region in any release; names missing from the file at hand are skipped and the names actually
#: used are published as ``source_names``. NE 4.0.0 (50m) has no Ligurian, Alboran, Cretan,
#: Marmara, Azov, Suez or Aqaba polygons. The Sea of Marmara, Bosporus and Dardanelles are left
#: out of every region on purpose (they are neither Mediterranean nor Black Sea proper).
REGION_SPECS: tuple[RegionSpec, ...] = (
    RegionSpec(
        "mediterranean",
        "Mediterranean Sea",
        (
            "Mediterranean Sea",
            "Adriatic Sea",
            "Aegean Sea",
            "Ionian Sea",
            "Tyrrhenian Sea",
            "Balearic Sea",
            "Golfe du Lion",
            "Gulf of Lion",
            "Strait of Gibraltar",
            "Ligurian Sea",
            "Alboran Sea",
            "Sea of Sicily",
            "Strait of Sicily",
            "Sea of Crete",
            "Libyan Sea",
            "Levantine Sea",
            "Gulf of Sidra",
            "Gulf of Gabes",
            "Gulf of Gabès",
        ),
        fill_gaps=True,
    ),
    RegionSpec("red-sea", "Red Sea", ("Red Sea", "Gulf of Suez", "Gulf of Aqaba"), False),
    RegionSpec("gulf-of-aden", "Gulf of Aden", ("Gulf of Aden",), False),
    RegionSpec("black-sea", "Black Sea", ("Black Sea", "Sea of Azov"), False),
)


@dataclass(frozen=True)
class Region:
    """A built region polygon and the Natural Earth names it was made from."""

    id: str
    name: str
    source_names: tuple[str, ...]
    geometry: BaseGeometry
    gap_fill_km2: float


def normalise_name(name: object) -> str:
    """Case- and whitespace-insensitive key for marine polygon names ("Caribbean  Sea")."""
    return " ".join(str(name).split()).casefold()


def fill_sea_gaps(
    named: BaseGeometry, land: Sequence[BaseGeometry], min_area: float
) -> BaseGeometry:
    """Water inside the convex hull of ``named`` that no named polygon covers, in pieces of at
    least ``min_area`` square degrees.

    Why: Natural Earth's marine polygons are label areas, not a partition of the sea. In the
    Mediterranean they leave the Alboran Sea, the Ligurian Sea, the Sea of Crete and the gulfs of
    Gabès and Sidra uncovered, so cables there would go untagged.
    """
    hull = named.convex_hull
    tree = shapely.STRtree(list(land))
    nearby = shapely.union_all([land[i] for i in tree.query(hull, predicate="intersects")])
    water = hull.difference(nearby).difference(named)
    pieces = [p for p in getattr(water, "geoms", [water]) if p.area >= min_area]
    return shapely.union_all(pieces) if pieces else shapely.Polygon()


def build_regions(
    marine_features: Sequence[Mapping[str, Any]],
    land: Sequence[BaseGeometry],
    specs: Sequence[RegionSpec] = REGION_SPECS,
) -> list[Region]:
    """Union the marine polygons named by each spec (gap-filled where asked)."""
    by_name: dict[str, list[BaseGeometry]] = {}
    spelled: dict[str, str] = {}
    for item in marine_features:
        raw_name = item["properties"].get("name")
        if raw_name is None:
            continue
        key = normalise_name(raw_name)
        by_name.setdefault(key, []).append(shape(item["geometry"]))
        spelled.setdefault(key, " ".join(str(raw_name).split()))
    regions: list[Region] = []
    for spec in specs:
        found = [
            n for n in dict.fromkeys(normalise_name(w) for w in spec.wanted_names) if n in by_name
        ]
        if not found:
            raise ValueError(f"no marine polygon named {spec.wanted_names[0]!r} for {spec.id}")
        named = shapely.union_all([g for n in found for g in by_name[n]])
        gap_area = 0.0
        if spec.fill_gaps:
            gaps = fill_sea_gaps(named, land, MIN_GAP_AREA_DEG2)
            gap_area = polygon_area_km2(gaps)
            named = shapely.union_all([named, gaps])
        # Why: snap to the published 5-decimal grid here, so the shipped polygon stays valid and
        # tagging uses exactly the polygon that is published.
        snapped = shapely.set_precision(shapely.make_valid(named), 10.0**-COORD_DECIMALS)
        regions.append(
            Region(spec.id, spec.name, tuple(spelled[n] for n in found), snapped, gap_area)
        )
    return regions


def polygon_area_km2(geom: BaseGeometry) -> float:
    """Geodesic area of a lon/lat (multi)polygon in km²."""
    if geom.is_empty:
        return 0.0
    area, _ = WGS84.geometry_area_perimeter(geom)
    return abs(area) / 1e6


def regions_for_geometry(geom: BaseGeometry, regions: Mapping[str, BaseGeometry]) -> list[str]:
    """Ids of the regions (in mapping order) whose polygon the geometry intersects.

    Callers pass polygons already buffered by ``CABLE_REGION_BUFFER_DEG`` for cable routes.
    """
    return [rid for rid, polygon in regions.items() if polygon.intersects(geom)]


def buffered_regions(regions: Sequence[Region], buffer_deg: float) -> dict[str, BaseGeometry]:
    """Region polygons grown by ``buffer_deg`` degrees and prepared for fast predicates."""
    out: dict[str, BaseGeometry] = {}
    for region in regions:
        grown = region.geometry.buffer(buffer_deg)
        shapely.prepare(grown)
        out[region.id] = grown
    return out


def degree_search_radius(lat: float, max_m: float) -> float:
    """A planar radius in degrees that surely contains every point within ``max_m`` metres of a
    point at latitude ``lat`` (a degree of longitude shrinks with cos(lat); take the worst case
    one degree poleward, and 110 km per degree as the lower bound)."""
    worst_cos = math.cos(math.radians(min(abs(lat) + 1.0, 89.0)))
    return max_m / (110_000.0 * worst_cos)


def regions_near_points(
    points: Sequence[tuple[float, float]],
    regions: Mapping[str, BaseGeometry],
    max_m: float = LANDING_POINT_REGION_DISTANCE_M,
) -> list[list[str]]:
    """For each (lon, lat), the ids of the regions whose polygon lies within ``max_m`` metres.

    Distance is geodesic (WGS84) from the point to the planar-nearest polygon point; a cheap
    planar pre-filter skips polygons that are obviously far away.
    """
    if not points:
        return []
    geoms = shapely.points(np.asarray(points, dtype=float))
    result: list[list[str]] = [[] for _ in points]
    for rid, polygon in regions.items():
        planar = np.asarray(shapely.distance(polygon, geoms), dtype=float)
        for index, (lon, lat) in enumerate(points):
            if planar[index] == 0.0:
                result[index].append(rid)
                continue
            if planar[index] > degree_search_radius(lat, max_m):
                continue
            link = shapely.shortest_line(polygon, shapely.Point(lon, lat))
            near_lon, near_lat = shapely.get_coordinates(link)[0]
            _, _, metres = WGS84.inv(lon, lat, float(near_lon), float(near_lat))
            if metres <= max_m:
                result[index].append(rid)
    return result
