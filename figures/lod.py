"""Level of detail for large selections: what the map draws when there is too much to draw.

Today's data (1,436 landing points, 1,515 facilities, 12,500 cable vertices for the whole world)
is always drawn feature by feature. When a selection is larger than a browser can draw and hover
smoothly (a national cell-tower file, a full facility database), the map

* keeps only what lies in and around the current view (viewport culling),
* groups markers into grid cells sized for the zoom, drawn as one marker with the count
  (aggregation; a click zooms in), and
* draws cables simplified to about a pixel at the zoom, with one hover label per cable instead of
  one per vertex (level-of-detail geometry).

The functions here are pure: they take arrays and a view and return arrays.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: Markers per layer drawn one by one; above this, markers are grouped into cells.
POINT_LIMIT = 5_000
#: Cable vertices drawn with a hover label each (today's whole world has 12,500); above this,
#: cables are simplified and hovered through one dot per cable.
VERTEX_LIMIT = 30_000
#: Cables of a simplified view that get a hover dot each; above this, none do (the map says so).
LABEL_LIMIT = 10_000
#: Simplified cable vertices drawn at most, where a coarser step exists.
COARSE_VERTEX_LIMIT = 300_000
#: A grid cell of grouped markers, in screen pixels (MapLibre tiles are 512 px at zoom 0).
CELL_PX = 44
#: The widest map frame the view key and culling plan for (a desktop map is 900–1,900 px).
FRAME_PX = 2048
#: Simplification tolerances (degrees) for cables of large selections: the full display detail
#: (:data:`figures.geometry.DISPLAY_TOLERANCE_DEG`), then about a pixel at zoom 3, 1 and 0.
CABLE_TOLERANCES: tuple[float, ...] = (0.01, 0.05, 0.2, 0.8)


def degrees_per_pixel(zoom: float) -> float:
    """Longitude degrees covered by one screen pixel at ``zoom`` (Web Mercator, 512 px tiles)."""
    return 360.0 / (512.0 * 2.0**zoom)


@dataclass(frozen=True)
class Bounds:
    """A lon/lat box; ``west`` may be below -180 or ``east`` above 180 near the antimeridian."""

    west: float
    south: float
    east: float
    north: float

    def contains(self, lon: NDArray[np.floating], lat: NDArray[np.floating]) -> NDArray[np.bool_]:
        """Which of the points lie in the box (longitudes compared modulo 360)."""
        shifted = (np.asarray(lon, dtype=np.float64) - self.west) % 360.0
        return (shifted <= self.east - self.west) & (lat >= self.south) & (lat <= self.north)

    def intersects(self, boxes: NDArray[np.floating]) -> NDArray[np.bool_]:
        """Which ``(minx, miny, maxx, maxy)`` rows overlap the box (or its copies 360° away)."""
        boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
        lat_ok = (boxes[:, 1] <= self.north) & (boxes[:, 3] >= self.south)
        lon_ok = np.zeros(len(boxes), dtype=bool)
        for shift in (-360.0, 0.0, 360.0):
            lon_ok |= (boxes[:, 0] + shift <= self.east) & (boxes[:, 2] + shift >= self.west)
        return np.asarray(lat_ok & lon_ok, dtype=bool)


def view_bounds(center: Mapping[str, float], zoom: float) -> Bounds | None:
    """What is drawn around ``center`` at ``zoom``: three quarters of :data:`FRAME_PX` each way
    (the map plus a margin wider than the pan that :func:`view_key` lets pass without a redraw);
    ``None`` when that covers the whole world (nothing to cull)."""
    half = 0.75 * FRAME_PX * degrees_per_pixel(zoom)
    if half >= 180.0:
        return None
    lon, lat = float(center["lon"]), float(center["lat"])
    return Bounds(lon - half, max(lat - half, -90.0), lon + half, min(lat + half, 90.0))


def view_key(center: Mapping[str, float], zoom: float) -> str:
    """A short key that changes when the view moves enough to need a new level of detail:
    half a zoom level, or a pan into another cell of a quarter :data:`FRAME_PX` (so the map
    never shows more than what was drawn around the last centre, see :func:`view_bounds`)."""
    bucket = math.floor(zoom * 2.0) / 2.0
    tile = FRAME_PX / 4.0 * degrees_per_pixel(bucket)
    x = math.floor((float(center["lon"]) + 180.0) / tile)
    y = math.floor((float(center["lat"]) + 90.0) / tile)
    return f"{bucket:g}/{x}/{y}"


@dataclass(frozen=True)
class Clusters:
    """Points grouped into grid cells: one row per cell with two or more points."""

    lon: NDArray[np.float32]
    lat: NDArray[np.float32]
    count: NDArray[np.int64]
    #: For each cell, the positions (into the input arrays) of up to ``examples`` members.
    members: list[list[int]]
    #: Positions of points alone in their cell (drawn as themselves).
    singles: NDArray[np.int64]


def cluster_points(
    lon: NDArray[np.floating], lat: NDArray[np.floating], zoom: float, examples: int = 3
) -> Clusters:
    """Group points into square cells of :data:`CELL_PX` pixels at ``zoom``.

    Each cell with several points becomes one marker at their mean position.
    """
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    cell = CELL_PX * degrees_per_pixel(zoom)
    gx = np.floor((lon + 180.0) / cell).astype(np.int64)
    gy = np.floor((lat + 90.0) / cell).astype(np.int64)
    keys = gx * 1_000_003 + gy
    order = np.argsort(keys, kind="stable")
    unique, start, counts = np.unique(keys[order], return_index=True, return_counts=True)
    del unique
    cell_of_sorted = np.repeat(np.arange(len(counts)), counts)
    sum_lon = np.bincount(cell_of_sorted, weights=lon[order])
    sum_lat = np.bincount(cell_of_sorted, weights=lat[order])
    many = counts >= 2
    singles = order[start[~many]]
    starts = start[many]
    sizes = counts[many]
    members = [order[s : s + min(n, examples)].tolist() for s, n in zip(starts, sizes, strict=True)]
    return Clusters(
        lon=(sum_lon[many] / sizes).astype(np.float32),
        lat=(sum_lat[many] / sizes).astype(np.float32),
        count=sizes.astype(np.int64),
        members=members,
        singles=np.sort(singles).astype(np.int64),
    )


def cluster_marker_size(count: NDArray[np.int64]) -> NDArray[np.float32]:
    """Marker diameter in pixels: grows with the log of the count, 10 to 30 px."""
    return np.clip(8.0 + 6.0 * np.log10(np.maximum(count, 1)), 10.0, 30.0).astype(np.float32)


def cable_tolerance(zoom: float) -> float:
    """The coarsest :data:`CABLE_TOLERANCES` step no larger than about a pixel at ``zoom``."""
    pixel = degrees_per_pixel(zoom)
    fitting = [t for t in CABLE_TOLERANCES if t <= pixel * 1.5]
    return max(fitting) if fitting else CABLE_TOLERANCES[0]
