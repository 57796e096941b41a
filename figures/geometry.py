"""Turn line geometries into the flat NaN-separated coordinate arrays Plotly draws fastest."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

#: Display simplification in degrees (≈1 km): invisible at Mediterranean zoom levels.
DISPLAY_TOLERANCE_DEG = 0.01


@dataclass(frozen=True)
class LineArrays:
    """The drawable coordinates of one line feature: parts separated by NaN, ending in NaN."""

    lon: NDArray[np.float32]
    lat: NDArray[np.float32]


def line_arrays(geometry: shapely.Geometry, tolerance: float = DISPLAY_TOLERANCE_DEG) -> LineArrays:
    """Simplify a (Multi)LineString and flatten it into NaN-separated lon/lat arrays.

    Longitudes are unwrapped per part, so a part never jumps across the map.
    """
    simple = shapely.simplify(geometry, tolerance, preserve_topology=False)
    parts = list(getattr(simple, "geoms", [simple]))
    lons: list[NDArray[np.float64]] = []
    lats: list[NDArray[np.float64]] = []
    for part in parts:
        coords = np.asarray(part.coords, dtype=np.float64)
        if len(coords) < 2:
            continue
        lons.append(np.degrees(np.unwrap(np.radians(coords[:, 0]))))
        lats.append(coords[:, 1])
        lons.append(np.array([np.nan]))
        lats.append(np.array([np.nan]))
    if not lons:
        empty = np.array([], dtype=np.float32)
        return LineArrays(empty, empty)
    return LineArrays(
        np.round(np.concatenate(lons), 4).astype(np.float32),
        np.round(np.concatenate(lats), 4).astype(np.float32),
    )


def precompute_lines(
    geometries: Mapping[str, shapely.Geometry], tolerance: float = DISPLAY_TOLERANCE_DEG
) -> dict[str, LineArrays]:
    """Line arrays for every feature id, computed once at start-up."""
    return {key: line_arrays(geom, tolerance) for key, geom in geometries.items()}


def concat_lines(
    lines: Mapping[str, LineArrays], ids: Iterable[str], labels: Mapping[str, str] | None = None
) -> tuple[NDArray[np.float32], NDArray[np.float32], list[str] | None, list[str]]:
    """Join the arrays of ``ids`` into one trace's lon, lat, per-vertex label and per-vertex id."""
    chosen = [lines[i] for i in ids if i in lines]
    kept_ids = [i for i in ids if i in lines]
    if not chosen:
        empty = np.array([], dtype=np.float32)
        return empty, empty, ([] if labels is not None else None), []
    lon = np.concatenate([c.lon for c in chosen])
    lat = np.concatenate([c.lat for c in chosen])
    vertex_ids: list[str] = []
    for key, arrays in zip(kept_ids, chosen, strict=True):
        vertex_ids.extend([key] * len(arrays.lon))
    text = [labels[i] for i in vertex_ids] if labels is not None else None
    return lon, lat, text, vertex_ids
