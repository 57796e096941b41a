"""What every map of the process shares: per-feature hover text, line arrays, polygons as drawn.

Built once at start-up (:func:`build_map_context`) and never mutated, so sharing it between
users is safe.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import shapely

from figures import labels
from figures.fast import SharedDict
from figures.geometry import DISPLAY_TOLERANCE_DEG, LineArrays, precompute_lines
from figures.theme import cable_class

#: Level of detail of the polygon layers (coverage, fibre) sent to the browser.
POLYGON_TOLERANCE_DEG = 0.0005
POLYGON_DECIMALS = 4

#: A line of the map's level-of-detail note: what was simplified, and how to see more (a hint
#: for the page, left out of exported images).
Note = tuple[str, str]

#: The opening view: the whole Mediterranean at a 1280 px wide window.
MED_CENTER = {"lon": 17.0, "lat": 37.5}
MED_ZOOM = 3.4


#: Where the app serves the basemap files (``/basemap/<name>.geojson``).
BASEMAP_ROOT = "/basemap/"
#: The zoom from which the map draws each finer land file (dataset key), over the sea painted
#: across the file's box: Natural Earth 1:10m at regional zoom, the IGN coast for the city.
FINER_LAND_MINZOOM: Mapping[str, float] = {"basemap_land_10m": 5.0, "basemap_land_city": 8.0}


@dataclass(frozen=True)
class FinerLand:
    """One finer land file as the map draws it: where it is served, the box in which it
    replaces the coarser land, and the zoom from which it does."""

    key: str
    url: str
    box: tuple[float, float, float, float]
    minzoom: float
    #: Shown in the map's attribution while the file is drawn ("" when the 1:50m land's
    #: credit covers it).
    credit: str = ""


def finer_land_sources(
    files: Mapping[str, bytes], metadata: Mapping[str, Any]
) -> tuple[FinerLand, ...]:
    """The finer land files (dataset key → GeoJSON bytes, their ``bbox`` checked by the loader)
    in drawing order, coarsest (lowest zoom) first. A file under another licence than the
    1:50m land brings its own credit from ``metadata.json`` (its short ``map_credit`` if it has
    one, else its attribution)."""
    entries = metadata.get("datasets", {})
    coarse_licence = entries.get("basemap_land.geojson", {}).get("licence")
    sources = []
    for key, payload in files.items():
        entry = entries.get(f"{key}.geojson", {})
        own_licence = entry.get("licence") not in (None, coarse_licence)
        sources.append(
            FinerLand(
                key=key,
                url=f"{BASEMAP_ROOT}{key.removeprefix('basemap_')}.geojson",
                box=_box(orjson.loads(payload)["bbox"]),
                minzoom=FINER_LAND_MINZOOM[key],
                credit=str(entry.get("map_credit") or entry.get("attribution", ""))
                if own_licence
                else "",
            )
        )
    return tuple(sorted(sources, key=lambda land: land.minzoom))


def _box(values: Sequence[float]) -> tuple[float, float, float, float]:
    west, south, east, north = (float(v) for v in values)
    return west, south, east, north


class LabelPoints:
    """Where each cable's hover dot sits: the middle vertex of its drawn line at full detail
    (within a pixel of its simplified line), found on first need and kept."""

    def __init__(self, lines: Mapping[str, LineArrays]) -> None:
        self._lines = lines
        self._made: dict[str, tuple[float, float] | None] = {}

    def points(self, ids: Iterable[str]) -> tuple[list[str], list[float], list[float]]:
        """The ids that have a dot, and the dots' longitudes and latitudes."""
        kept: list[str] = []
        lon: list[float] = []
        lat: list[float] = []
        made = self._made
        for key in ids:
            if key not in made:
                made[key] = self._middle(key)
            point = made[key]
            if point is not None:
                kept.append(key)
                lon.append(point[0])
                lat.append(point[1])
        return kept, lon, lat

    def _middle(self, key: str) -> tuple[float, float] | None:
        arrays = self._lines.get(key)
        if arrays is None:
            return None
        finite = np.flatnonzero(np.isfinite(arrays.lon))
        if len(finite) == 0:
            return None
        middle = finite[len(finite) // 2]
        return float(arrays.lon[middle]), float(arrays.lat[middle])


def _display_polygons(geometries: np.ndarray) -> np.ndarray:
    """Polygons as drawn: simplified to ``POLYGON_TOLERANCE_DEG`` and rounded to
    ``POLYGON_DECIMALS`` (about 50 m and 11 m, under a pixel up to zoom 10; the coverage is
    modelled from 2–5 km buffers). Halves the map payload of the coverage layer."""
    simplified = shapely.simplify(geometries, POLYGON_TOLERANCE_DEG, preserve_topology=False)
    return np.asarray(
        shapely.transform(simplified, lambda xy: np.round(xy, POLYGON_DECIMALS)), dtype=object
    )


class CoarseLines:
    """Cable line arrays at the :data:`~figures.lod.CABLE_TOLERANCES`, computed per cable on
    first need and kept (derived, immutable data: sharing it between users is safe)."""

    def __init__(
        self,
        geometries: Mapping[str, shapely.Geometry],
        full: Mapping[str, LineArrays] | None = None,
    ) -> None:
        self._geometries = geometries
        # The full display detail is already computed: share it rather than computing it again.
        self._levels: dict[float, dict[str, LineArrays]] = {DISPLAY_TOLERANCE_DEG: dict(full or {})}

    def lines(self, tolerance: float, ids: Sequence[str]) -> Mapping[str, LineArrays]:
        """The arrays of ``ids`` simplified at ``tolerance`` (unknown ids are left out)."""
        level = self._levels.setdefault(tolerance, {})
        missing = {k: self._geometries[k] for k in ids if k not in level and k in self._geometries}
        # Two threads may compute the same cables; the results are equal, either may stay.
        level.update(precompute_lines(missing, tolerance))
        return level


class PolygonFeatures:
    """The drawn GeoJSON Feature of each polygon row (coverage, fibre), made on first need and
    kept: simplified and rounded for display (:func:`_display_polygons`)."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, str], SharedDict] = {}

    def features(self, layer: str, frame: gpd.GeoDataFrame) -> list[SharedDict]:
        """The features of ``frame``'s rows, each with its row id as ``id``."""
        keys = [(layer, str(i)) for i in frame.index]
        missing = [n for n, key in enumerate(keys) if key not in self._made]
        if missing:
            shapes = _display_polygons(frame.geometry.values[missing])
            for n, shape in zip(missing, shapes, strict=True):
                self._made[keys[n]] = SharedDict(
                    type="Feature",
                    id=keys[n][1],
                    properties={},
                    geometry=SharedDict(shape.__geo_interface__),
                )
        return [self._made[key] for key in keys]


class HoverLabels(Mapping[str, str]):
    """The hover label of every row of a frame, made on first need (a batch at a time) and kept.

    Making all of them at start-up costs seconds at 100× data, most of them for points that
    are only ever drawn grouped; derived, immutable text, so sharing it between users is safe.
    """

    def __init__(self, frame: gpd.GeoDataFrame, make: Callable[[dict[str, Any]], str]) -> None:
        self._frame = frame
        self._make = make
        self._made: dict[str, str] = {}

    def labels(self, ids: Iterable[str]) -> list[str]:
        """The labels of ``ids`` in order (``""`` for an id the frame does not have)."""
        keys = list(ids)
        made = self._made
        missing = [k for k in dict.fromkeys(keys) if k not in made]
        if missing:
            known = self._frame.index.intersection(pd.Index(missing))
            # Two requests may make the same labels at once; the text is equal.
            made.update((k, self._make(row)) for k, row in records(self._frame.loc[known]))
        return [made.get(k, "") for k in keys]

    def __getitem__(self, key: str) -> str:
        try:
            return self._made[key]
        except KeyError:
            if key not in self._frame.index:
                raise
        return self.labels([key])[0]

    def __iter__(self) -> Iterator[str]:
        return iter(self._frame.index)

    def __len__(self) -> int:
        return len(self._frame)


@dataclass(frozen=True)
class MapContext:
    """What every map figure reuses: precomputed cable arrays and labels, basemap URLs."""

    lines: Mapping[str, LineArrays]
    cable_order: tuple[str, ...]
    cable_position: Mapping[str, int]
    cable_hover: HoverLabels
    point_hover: HoverLabels
    facility_hover: HoverLabels
    cable_names: Mapping[str, str]
    land_url: str
    borders_url: str
    #: Cables simplified for zoomed-out views of large selections, made on first need.
    coarse: CoarseLines
    #: Where each cable's hover dot sits in a simplified view, found on first need.
    label_points: LabelPoints
    #: Each cable's vertex count at full display detail (the level-of-detail test).
    vertex_counts: pd.Series
    #: The coverage and fibre polygons as drawn, made on first need.
    polygons: PolygonFeatures
    #: Each cable's colour group (:data:`~figures.theme.CABLE_CLASSES` key): era or planned.
    cable_classes: Mapping[str, str]
    #: Finer land for closer zooms (:func:`finer_land_sources`), coarsest first.
    finer_land: tuple[FinerLand, ...] = ()
    #: The data centres' hover labels (empty when the context was built without them).
    datacentre_hover: HoverLabels | None = None


def records(frame: gpd.GeoDataFrame) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(index, properties) of every row; plain dicts, many times faster than ``iterrows``."""
    columns = [c for c in frame.columns if c != frame.geometry.name]
    # Column by column as Python lists: pandas' to_dict and string arrays go value by value.
    values = [frame[c].to_numpy(dtype=object).tolist() for c in columns]
    rows = (dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True))
    return zip(frame.index.tolist(), rows, strict=True)


def build_map_context(
    cables: gpd.GeoDataFrame,
    landing_points: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    land_url: str,
    borders_url: str,
    finer_land: Sequence[FinerLand] = (),
    datacentres: gpd.GeoDataFrame | None = None,
) -> MapContext:
    """Precompute everything about the full datasets that filters never change."""
    names = dict(zip(cables.index, cables["name"], strict=True))
    geometries = dict(zip(cables.index, cables.geometry, strict=True))
    lines = precompute_lines(geometries)
    return MapContext(
        lines=lines,
        cable_order=tuple(cables.index),
        cable_position={cid: i for i, cid in enumerate(cables.index)},
        cable_hover=HoverLabels(cables, labels.cable_hover),
        point_hover=HoverLabels(landing_points, lambda row: labels.landing_point_hover(row, names)),
        facility_hover=HoverLabels(facilities, labels.facility_hover),
        cable_names=names,
        land_url=land_url,
        borders_url=borders_url,
        coarse=CoarseLines(geometries, lines),
        label_points=LabelPoints(lines),
        vertex_counts=pd.Series(
            {key: len(arrays.lon) for key, arrays in lines.items()}, dtype="int64"
        ),
        polygons=PolygonFeatures(),
        cable_classes={
            cid: cable_class(year, bool(planned)).key
            for cid, year, planned in zip(
                cables.index, cables["rfs_year"], cables["is_planned"], strict=True
            )
        },
        finer_land=tuple(finer_land),
        datacentre_hover=(
            HoverLabels(datacentres, labels.datacentre_hover) if datacentres is not None else None
        ),
    )
