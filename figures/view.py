"""Fit the map view to a selection: a centre and a zoom for MapLibre's Web Mercator."""

from __future__ import annotations

import math

import geopandas as gpd

from figures.map import MED_CENTER, MED_ZOOM

#: The map's size on a small desktop window (the fitted zoom is an estimate; the user can
#: adjust): the map card is 62 % of the window's height, at least 420 px (assets/style.css), so
#: 440 px keeps a fitted box inside the map from a 1280×720 window up; wider windows show more.
MAP_WIDTH_PX = 900
MAP_HEIGHT_PX = 440
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


#: Width of the details panel over the map's right side, with its margin (CSS .details-panel).
DETAILS_PANEL_PX = 350


def fit_beside_panel(
    west: float, south: float, east: float, north: float, panel_px: int = 0
) -> tuple[dict[str, float], float]:
    """Centre and zoom that show the box in the part of the map left of a panel ``panel_px``
    wide on its right edge (the whole map when 0)."""
    width = max(MAP_WIDTH_PX - panel_px, 200)
    centre, zoom = fit_bounds(west, south, east, north, width_px=width)
    if panel_px:
        # Move the map's centre east by half the panel, so the box sits left of the panel.
        shift_deg = (panel_px / 2) * 360.0 / (512.0 * 2**zoom)
        centre = {
            "lon": round((centre["lon"] + shift_deg + 180) % 360 - 180, 4),
            "lat": centre["lat"],
        }
    return centre, zoom


def selection_bounds(points: gpd.GeoDataFrame, region: str) -> tuple[float, float, float, float]:
    """The box of a selection's landing points on the region's shores (or of all of them).

    Long cables (2Africa, SeaMeWe) reach far beyond the region; fitting their whole route would
    zoom out to the world, so the region's own landing points set the frame when there are any.
    """
    chosen = points
    if "regions" in points.columns and region != "world":
        local = points[points["regions"].map(lambda r: region in r).astype(bool)]
        if not local.empty:
            chosen = local
    west, south, east, north = (float(v) for v in chosen.total_bounds)
    return west, south, east, north


def fit_selection(points: gpd.GeoDataFrame, region: str) -> tuple[dict[str, float], float]:
    """The view of a selection: its landing points on the region's shores (see
    :func:`selection_bounds`); the Mediterranean when it has none."""
    if points.empty:
        return dict(MED_CENTER), MED_ZOOM
    return fit_bounds(*selection_bounds(points, region))
