"""Natural Earth land and land borders → small, antimeridian-safe basemap layers."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from .common import Feature, feature, geometry_to_geojson, max_lon_jump

BASEMAP_DECIMALS = 3
LAND_TOLERANCE_DEG = 0.02
BORDER_TOLERANCE_DEG = 0.01
#: After simplification no segment may be longer than this (degrees). Why: simplifying a ring that
#: follows a parallel (Antarctica's edge at -90°) can join 180° and -180° in one 360° step,
#: which a map reads as a line across the whole world.
MAX_SEGMENT_DEG = 90.0


FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def unwrap_longitudes(lons: FloatArray) -> FloatArray:
    """Longitudes made continuous: each step of more than 180° is replaced by the short way
    round (adding or subtracting 360°), so a path crossing the antimeridian leaves [-180, 180]."""
    if lons.size == 0:
        return lons
    steps = np.diff(lons)
    steps = (steps + 180.0) % 360.0 - 180.0
    return np.concatenate([[lons[0]], lons[0] + np.cumsum(steps)])


def _clip_to_world(geom: BaseGeometry) -> list[BaseGeometry]:
    """Cut an unwrapped geometry into its pieces in each 360° window and shift them back."""
    pieces: list[BaseGeometry] = []
    minx, _, maxx, _ = geom.bounds
    first = int(np.floor((minx + 180.0) / 360.0))
    last = int(np.floor((maxx + 180.0) / 360.0))
    for k in range(first, last + 1):
        window = shapely.box(-180.0 + 360.0 * k, -90.0, 180.0 + 360.0 * k, 90.0)
        piece = geom.intersection(window)
        if not piece.is_empty:
            pieces.append(affinity.translate(piece, xoff=-360.0 * k))
    return pieces


def split_line_antimeridian(coords: Iterable[Sequence[float]]) -> list[list[tuple[float, float]]]:
    """Split a lon/lat line where it jumps across ±180°, interpolating the crossing latitude,
    so that no part has a step of more than 180° in longitude."""
    points = [(float(c[0]), float(c[1])) for c in coords]
    if not points:
        return []
    parts: list[list[tuple[float, float]]] = [[points[0]]]
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        if abs(x2 - x1) > 180.0:
            # Why: the short way round goes through ±180°; cut there and carry on opposite.
            x2_unwrapped = x2 + 360.0 if x2 < x1 else x2 - 360.0
            edge = 180.0 if x2_unwrapped > x1 else -180.0
            t = (edge - x1) / (x2_unwrapped - x1)
            crossing = y1 + t * (y2 - y1)
            _append(parts[-1], (edge, crossing))
            parts.append([(-edge, crossing)])
        _append(parts[-1], (x2, y2))
    return [part for part in parts if len(part) >= 2]


def _append(part: list[tuple[float, float]], point: tuple[float, float]) -> None:
    if not part or part[-1] != point:
        part.append(point)


def split_polygon_antimeridian(polygon: shapely.Polygon) -> BaseGeometry:
    """Split a lon/lat polygon whose rings jump across ±180° into pieces on either side.

    Rings are unwrapped (holes shifted next to the shell), the result is cut at ±180° and the
    pieces are shifted back. A ring that circles a pole cannot be unwrapped into a closed ring
    and is returned unchanged; ``max_lon_jump`` checks catch it afterwards.
    """
    shell = np.asarray(polygon.exterior.coords)[:, :2]
    if not _has_jump(polygon):
        return polygon
    shell_lon = unwrap_longitudes(shell[:, 0])
    if abs(shell_lon[-1] - shell_lon[0]) > 1e-9:
        return polygon
    holes = []
    centre = float(np.mean(shell_lon))
    for ring in polygon.interiors:
        hole = np.asarray(ring.coords)[:, :2]
        lon = unwrap_longitudes(hole[:, 0])
        lon = lon + 360.0 * np.round((centre - float(np.mean(lon))) / 360.0)
        holes.append(np.column_stack([lon, hole[:, 1]]))
    unwrapped = shapely.Polygon(np.column_stack([shell_lon, shell[:, 1]]), holes)
    pieces = _clip_to_world(shapely.make_valid(unwrapped))
    polys = [
        p
        for piece in pieces
        for p in getattr(piece, "geoms", [piece])
        if isinstance(p, shapely.Polygon) and not p.is_empty
    ]
    return shapely.MultiPolygon(polys) if len(polys) != 1 else polys[0]


def _has_jump(polygon: shapely.Polygon) -> bool:
    rings = [polygon.exterior, *polygon.interiors]
    return any((np.abs(np.diff(np.asarray(r.coords)[:, 0])) > 180.0).any() for r in rings)


def split_antimeridian(geom: BaseGeometry) -> BaseGeometry:
    """Split any (multi) line or polygon so that no segment jumps more than 180° in longitude."""
    if isinstance(geom, shapely.LineString):
        parts = split_line_antimeridian(geom.coords)
        if not parts:
            return geom
        return shapely.LineString(parts[0]) if len(parts) == 1 else shapely.MultiLineString(parts)
    if isinstance(geom, shapely.MultiLineString):
        return shapely.MultiLineString(
            [p for line in geom.geoms for p in split_line_antimeridian(line.coords)]
        )
    if isinstance(geom, shapely.Polygon):
        return split_polygon_antimeridian(geom)
    if isinstance(geom, shapely.MultiPolygon):
        polys: list[shapely.Polygon] = []
        for part in geom.geoms:
            split = split_polygon_antimeridian(part)
            polys.extend(getattr(split, "geoms", [split]))
        return shapely.MultiPolygon(polys)
    return geom


def simplify_land(geom: BaseGeometry) -> BaseGeometry:
    """Antimeridian split, topology-preserving simplification, long-segment densification and
    snapping to the basemap grid (which keeps polygons valid and drops collapsed islands)."""
    simplified = split_antimeridian(geom).simplify(LAND_TOLERANCE_DEG, preserve_topology=True)
    densified = shapely.segmentize(simplified, MAX_SEGMENT_DEG)
    return shapely.set_precision(densified, 10.0**-BASEMAP_DECIMALS)


def simplify_border(geom: BaseGeometry) -> BaseGeometry:
    """Antimeridian split, simplification and densification of a border line."""
    simplified = split_antimeridian(geom).simplify(BORDER_TOLERANCE_DEG, preserve_topology=True)
    return shapely.segmentize(simplified, MAX_SEGMENT_DEG)


def build_basemap(features: Sequence[Mapping[str, Any]], kind: str) -> tuple[list[Feature], float]:
    """One feature holding all land polygons (``kind`` "land") or all border lines ("border"),
    and the largest longitude step left in it (must be ≤ 180)."""
    polygons: list[shapely.Polygon] = []
    lines: list[shapely.LineString] = []
    for item in features:
        geom = shape(item["geometry"])
        if kind == "land":
            out = simplify_land(geom)
            polygons.extend(
                p
                for p in getattr(out, "geoms", [out])
                if isinstance(p, shapely.Polygon) and not p.is_empty
            )
        else:
            out = simplify_border(geom)
            lines.extend(
                p
                for p in getattr(out, "geoms", [out])
                if isinstance(p, shapely.LineString) and not p.is_empty
            )
    merged: BaseGeometry = (
        shapely.MultiPolygon(polygons) if kind == "land" else shapely.MultiLineString(lines)
    )
    geometry = geometry_to_geojson(merged, BASEMAP_DECIMALS)
    return [feature({"kind": kind}, geometry)], max_lon_jump(geometry)
