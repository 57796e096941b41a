"""Great-circle proximity between point datasets (landing points, facilities), in kilometres.

Everything here is pure and vectorised with numpy: no state, no I/O, no Dash. Inputs are
GeoDataFrames indexed by feature id, with ``name`` (and usually ``country``) columns and point
geometries in longitude/latitude (EPSG:4326).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

#: Mean Earth radius (IUGG), in km.
EARTH_RADIUS_KM = 6371.0088

#: Columns of every result of :func:`nearest` and :func:`within_radius`.
RESULT_COLUMNS = ["id", "name", "country", "distance_km"]

FloatArray = npt.NDArray[np.float64]


def haversine_km(
    lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike, lat2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance in km between points given in degrees (numpy broadcasting).

    Scalars give a 0-d array (``float()`` it); ``lon1[:, None]`` against ``lon2[None, :]`` gives a
    full distance matrix.
    """
    lam1, phi1, lam2, phi2 = (
        np.radians(np.asarray(v, dtype=np.float64)) for v in (lon1, lat1, lon2, lat2)
    )
    a = (
        np.sin((phi2 - phi1) / 2.0) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2.0) ** 2
    )
    # Rounding can push ``a`` a hair above 1 for near-antipodal points; arcsin would give NaN.
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def _lon_lat(frame: gpd.GeoDataFrame) -> tuple[FloatArray, FloatArray]:
    """Longitude and latitude arrays of a point frame (NaN where the geometry is missing/empty)."""
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    geoms = np.asarray(frame.geometry.array, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    kinds = shapely.get_type_id(geoms[present])
    if np.any(kinds != shapely.GeometryType.POINT):
        raise ValueError("proximity needs point geometries")
    # Missing and empty geometries get NaN, which every caller then drops (GEOS refuses get_x
    # on an empty point, so only the present ones are read).
    lon = np.full(len(geoms), np.nan, dtype=np.float64)
    lat = np.full(len(geoms), np.nan, dtype=np.float64)
    lon[present] = shapely.get_x(geoms[present])
    lat[present] = shapely.get_y(geoms[present])
    return lon, lat


def _origin(point: Any) -> tuple[float, float]:
    """``(lon, lat)`` of a shapely Point, a frame row with a ``geometry`` or a ``(lon, lat)`` pair."""
    if isinstance(point, pd.Series):
        point = point["geometry"] if "geometry" in point.index else point.geometry
    if isinstance(point, shapely.Point):
        if point.is_empty:
            raise ValueError("the origin point is empty")
        return float(point.x), float(point.y)
    if isinstance(point, tuple | list) and len(point) == 2:
        return float(point[0]), float(point[1])
    raise TypeError(
        f"expected a Point, a GeoDataFrame row or (lon, lat), got {type(point).__name__}"
    )


def _text_column(frame: pd.DataFrame, column: str) -> npt.NDArray[np.object_]:
    """A column as plain Python strings ("" where absent), so results never carry pandas NA."""
    if column not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    return np.array(["" if pd.isna(v) else str(v) for v in frame[column]], dtype=object)


def _result(
    candidates: gpd.GeoDataFrame, distances: FloatArray, keep: npt.NDArray[np.bool_]
) -> pd.DataFrame:
    """The rows of ``candidates`` where ``keep``, as id/name/country/distance_km, nearest first."""
    table = pd.DataFrame(
        {
            "id": np.array([str(i) for i in candidates.index], dtype=object)[keep],
            "name": _text_column(candidates, "name")[keep],
            "country": _text_column(candidates, "country")[keep],
            "distance_km": distances[keep],
        },
        columns=RESULT_COLUMNS,
    )
    # Ties (co-located buildings are common) break by id so the order never depends on file order.
    return table.sort_values(["distance_km", "id"], kind="stable").reset_index(drop=True)


def _distances_from(lon: float, lat: float, candidates: gpd.GeoDataFrame) -> FloatArray:
    c_lon, c_lat = _lon_lat(candidates)
    return haversine_km(lon, lat, c_lon, c_lat)


def nearest(
    points_from: Any,
    candidates: gpd.GeoDataFrame,
    k: int = 5,
    max_km: float | None = None,
    exclude: Collection[str] = (),
) -> pd.DataFrame:
    """The ``k`` candidates nearest to one point, as id/name/country/distance_km, nearest first.

    ``points_from`` is a shapely Point, a GeoDataFrame row (a Series with a ``geometry``) or a
    ``(lon, lat)`` pair. Candidates farther than ``max_km``, listed in ``exclude`` (e.g. the origin
    itself) or without a location are left out; ties in distance are ordered by id.
    """
    if k < 0:
        raise ValueError("k must not be negative")
    lon, lat = _origin(points_from)
    distances = _distances_from(lon, lat, candidates)
    keep = ~np.isnan(distances)
    if max_km is not None:
        keep &= distances <= max_km
    if exclude:
        keep &= ~np.isin(np.array([str(i) for i in candidates.index], dtype=object), list(exclude))
    return _result(candidates, distances, keep).head(k)


def within_radius(
    lon: float, lat: float, candidates: gpd.GeoDataFrame, radius_km: float
) -> pd.DataFrame:
    """Every candidate within ``radius_km`` of (lon, lat), as id/name/country/distance_km, nearest first."""
    if radius_km < 0:
        raise ValueError("radius_km must not be negative")
    distances = _distances_from(lon, lat, candidates)
    return _result(candidates, distances, ~np.isnan(distances) & (distances <= radius_km))


def nearest_distance_table(sources: gpd.GeoDataFrame, targets: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per source: its id and name and the nearest target's id, name and distance.

    Columns: ``id``, ``name``, ``nearest_id``, ``nearest_name``, ``distance_km``, in the order of
    ``sources``. A source without a location (or with no located target) gets missing values. Ties
    go to the smallest target id.
    """
    s_lon, s_lat = _lon_lat(sources)
    t_lon, t_lat = _lon_lat(targets)
    t_ids = np.array([str(i) for i in targets.index], dtype=object)
    t_names = _text_column(targets, "name")
    # Sorting targets by id first makes argmin's "first minimum" the smallest id on ties.
    order = np.argsort(t_ids, kind="stable")
    located = order[~np.isnan(t_lon[order])]
    t_lon, t_lat, t_ids, t_names = t_lon[located], t_lat[located], t_ids[located], t_names[located]

    n = len(sources)
    best = np.full(n, -1, dtype=np.int64)
    best_km = np.full(n, np.nan, dtype=np.float64)
    if len(t_ids):
        rows = np.flatnonzero(~np.isnan(s_lon) & ~np.isnan(s_lat))
        found_at, found_km = _nearest_targets(s_lon[rows], s_lat[rows], t_lon, t_lat)
        best[rows], best_km[rows] = found_at, found_km

    found = best >= 0
    nearest_ids = np.full(n, None, dtype=object)
    nearest_names = np.full(n, None, dtype=object)
    nearest_ids[found] = t_ids[best[found]]
    nearest_names[found] = t_names[best[found]]
    return pd.DataFrame(
        {
            "id": [str(i) for i in sources.index],
            "name": _text_column(sources, "name"),
            "nearest_id": nearest_ids,
            "nearest_name": nearest_names,
            "distance_km": best_km,
        },
        index=sources.index.copy(),
    )


#: Sources whose candidate boxes are searched together in :func:`_nearest_targets`.
_CHUNK = 512


def _nearest_targets(
    s_lon: FloatArray, s_lat: FloatArray, t_lon: FloatArray, t_lat: FloatArray
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """Position and great-circle distance of each source's nearest target (all located).

    Exact, through a spatial index: a source's nearest target in plain lon/lat is a real
    target, so its distance d bounds the true nearest; every target within d km lies in the
    lon/lat box of that radius around the source, and only the targets in those boxes are
    compared. Ties go to the smallest position (the callers sort targets by id).
    """
    tree = shapely.STRtree(np.asarray(shapely.points(t_lon, t_lat), dtype=object))
    sources = shapely.points(s_lon, s_lat)
    first = tree.query_nearest(sources, all_matches=False)[1]
    bound_km = haversine_km(s_lon, s_lat, t_lon[first], t_lat[first])
    # The box of every point within ``bound_km`` (a hair wider, for rounding).
    reach = np.degrees(bound_km / EARTH_RADIUS_KM) * 1.000001 + 1e-9
    south, north = s_lat - reach, s_lat + reach
    polar = (north >= 90.0) | (south <= -90.0)
    ratio = np.sin(np.radians(reach)) / np.maximum(np.cos(np.radians(s_lat)), 1e-12)
    half_lon = np.where(
        polar | (ratio >= 1.0), 180.0, np.degrees(np.arcsin(np.minimum(ratio, 1.0)))
    )
    half_lon = np.minimum(half_lon * 1.000001 + 1e-9, 180.0)
    best = np.array(first, dtype=np.int64)
    best_km = np.asarray(bound_km, dtype=np.float64).copy()
    # Sources in chunks: a source far inland in dense data has thousands of targets in its
    # box, so all sources at once would hold billions of pairs (GBs at 100× data).
    for start in range(0, len(s_lon), _CHUNK):
        rows = slice(start, start + _CHUNK)
        pairs = [
            tree.query(
                shapely.box(
                    s_lon[rows] - half_lon[rows] + shift,
                    south[rows],
                    s_lon[rows] + half_lon[rows] + shift,
                    north[rows],
                )
            )
            for shift in (-360.0, 0.0, 360.0)
        ]
        source, target = np.concatenate(pairs, axis=1)
        source = source + start
        km = haversine_km(s_lon[source], s_lat[source], t_lon[target], t_lat[target])
        # The closest per source, then the smallest position among equals.
        order = np.lexsort((target, km, source))
        firsts = order[np.unique(source[order], return_index=True)[1]]
        best[source[firsts]] = target[firsts]
        best_km[source[firsts]] = km[firsts]
    return best, best_km
