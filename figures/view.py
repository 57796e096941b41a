"""Fit the map view to a selection: a centre and a zoom for MapLibre's Web Mercator."""

from __future__ import annotations

import math

import geopandas as gpd

from figures.map import MED_CENTER, MED_ZOOM

#: The map's typical size on a desktop (the zoom is an estimate; the user can adjust).
MAP_WIDTH_PX = 900
MAP_HEIGHT_PX = 560
MIN_ZOOM, MAX_ZOOM = 1.0, 9.0


def _mercator_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_bounds(
    west: float,
    south: float,
    east: float,
    north: float,
    width_px: int = MAP_WIDTH_PX,
    height_px: int = MAP_HEIGHT_PX,
    padding: float = 0.35,
) -> tuple[dict[str, float], float]:
    """Centre and zoom that show the box, with some padding (in zoom levels)."""
    lon_span = max(east - west, 0.05)
    y_span = max(_mercator_y(north) - _mercator_y(south), 0.001)
    zoom_x = math.log2(width_px * 360.0 / (512.0 * lon_span))
    zoom_y = math.log2(height_px * 2 * math.pi / (512.0 * y_span))
    zoom = min(max(min(zoom_x, zoom_y) - padding, MIN_ZOOM), MAX_ZOOM)
    centre_y = (_mercator_y(north) + _mercator_y(south)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return {"lon": round((west + east) / 2, 4), "lat": round(centre_lat, 4)}, round(zoom, 2)


def fit_selection(points: gpd.GeoDataFrame, region: str) -> tuple[dict[str, float], float]:
    """The view of a selection: its landing points on the region's shores (or all of them).

    Long cables (2Africa, SeaMeWe) reach far beyond the region; fitting their whole route would
    zoom out to the world, so the region's own landing points set the frame when there are any.
    """
    if points.empty:
        return dict(MED_CENTER), MED_ZOOM
    chosen = points
    if "regions" in points.columns and region != "world":
        local = points[points["regions"].map(lambda r: region in r).astype(bool)]
        if not local.empty:
            chosen = local
    west, south, east, north = (float(v) for v in chosen.total_bounds)
    return fit_bounds(west, south, east, north)
