"""Load and validate every Landfall dataset once, into GeoDataFrames in EPSG:4326."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import orjson
import pandas as pd
import shapely

from datalayer import schema
from datalayer.errors import DatasetError
from datalayer.validate import feature_label, validate_features

CRS = "EPSG:4326"


@dataclass(frozen=True)
class Datasets:
    """Everything the app shows, read-only after start-up.

    The basemap files are kept as the bytes that the server hands to the browser, so a request
    never touches the disk.
    """

    cables: gpd.GeoDataFrame
    landing_points: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    coverage: gpd.GeoDataFrame
    fibre: gpd.GeoDataFrame
    regions: gpd.GeoDataFrame
    basemap_land: bytes
    basemap_borders: bytes
    metadata: Mapping[str, Any]
    source_dir: Path
    warnings: tuple[str, ...] = field(default=())


def read_json(path: Path) -> Any:
    """Parse a JSON file, turning every failure into a :class:`DatasetError`."""
    name = path.name
    if not path.is_file():
        raise DatasetError(name, f"file not found in {path.parent}")
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        # A UTF-8 byte-order mark is harmless; strict JSON parsers reject it.
        raw = raw[3:]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DatasetError(name, f"is not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise DatasetError(
            name, f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None


def _to_frame(features: list[dict[str, Any]], spec: schema.DatasetSpec) -> gpd.GeoDataFrame:
    """Build a GeoDataFrame from validated features (columns in schema order, then extras)."""
    geometries = []
    for index, feature in enumerate(features):
        try:
            geometries.append(shapely.geometry.shape(feature["geometry"]))
        except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
            label = feature_label(index, feature.get("properties"), spec.id_field)
            raise DatasetError(spec.file, f"invalid geometry ({exc})", label, "geometry") from None
    props = pd.DataFrame.from_records([f["properties"] for f in features])
    ordered = [f.name for f in spec.fields] + [
        c for c in props.columns if c not in {f.name for f in spec.fields}
    ]
    frame = gpd.GeoDataFrame(
        props[ordered] if len(props.columns) else props, geometry=geometries, crs=CRS
    )
    for spec_field in spec.fields:
        if spec_field.kind is schema.Kind.OPT_INT:
            # Nullable integers stay integers (a plain column would turn into floats).
            frame[spec_field.name] = frame[spec_field.name].astype("Int64")
    if spec.id_field:
        frame.index = pd.Index(frame[spec.id_field].astype(str), name=None)
    return frame


def load_dataset(data_dir: Path, spec: schema.DatasetSpec) -> gpd.GeoDataFrame:
    """Read, validate and type one dataset."""
    collection = read_json(data_dir / spec.file)
    features = validate_features(collection, spec)
    return _to_frame(features, spec)


def _check_references(cables: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> None:
    """Every cable's landing points and every landing point's cables must exist."""
    point_ids = set(points.index)
    for position, (cable_id, ids) in enumerate(cables["landing_point_ids"].items()):
        unknown = [i for i in ids if i not in point_ids]
        if unknown:
            raise DatasetError(
                schema.CABLES.file,
                f"unknown landing point id {unknown[0]!r} (not in {schema.LANDING_POINTS.file})",
                f"#{position} (id {cable_id!r})",
                "landing_point_ids",
            )
    cable_ids = set(cables.index)
    for position, (point_id, ids) in enumerate(points["cable_ids"].items()):
        unknown = [i for i in ids if i not in cable_ids]
        if unknown:
            raise DatasetError(
                schema.LANDING_POINTS.file,
                f"unknown cable id {unknown[0]!r} (not in {schema.CABLES.file})",
                f"#{position} (id {point_id!r})",
                "cable_ids",
            )


def _read_metadata(data_dir: Path) -> Mapping[str, Any]:
    metadata = read_json(data_dir / schema.METADATA_FILE)
    if not isinstance(metadata, Mapping) or not isinstance(metadata.get("datasets"), Mapping):
        raise DatasetError(schema.METADATA_FILE, "expected an object with a 'datasets' object")
    for spec in (schema.CABLES, schema.LANDING_POINTS, schema.FACILITIES, schema.COVERAGE):
        entry = metadata["datasets"].get(spec.file)
        if not isinstance(entry, Mapping):
            raise DatasetError(schema.METADATA_FILE, "missing entry", spec.file)
        for key in ("attribution", "licence", "data_date"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise DatasetError(schema.METADATA_FILE, "missing or empty text", spec.file, key)
    return metadata


def load_datasets(data_dir: Path | str) -> Datasets:
    """Load, validate and cross-check every dataset in ``data_dir``.

    Raises :class:`DatasetError` naming the file, the feature and the field of the first problem.
    """
    directory = Path(data_dir)
    if not directory.is_dir():
        raise DatasetError(str(directory), "data directory not found")
    metadata = _read_metadata(directory)
    frames = {
        spec.key: load_dataset(directory, spec)
        for spec in (
            schema.CABLES,
            schema.LANDING_POINTS,
            schema.FACILITIES,
            schema.COVERAGE,
            schema.FIBRE,
            schema.REGIONS,
        )
    }
    _check_references(frames["cables"], frames["landing_points"])
    basemap = {}
    for spec in (schema.BASEMAP_LAND, schema.BASEMAP_BORDERS):
        validate_features(read_json(directory / spec.file), spec)
        basemap[spec.key] = (directory / spec.file).read_bytes()
    return Datasets(
        cables=frames["cables"],
        landing_points=frames["landing_points"],
        facilities=frames["facilities"],
        coverage=frames["coverage"],
        fibre=frames["fibre"],
        regions=frames["regions"],
        basemap_land=basemap["basemap_land"],
        basemap_borders=basemap["basemap_borders"],
        metadata=metadata,
        source_dir=directory,
    )
