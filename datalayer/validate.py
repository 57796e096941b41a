"""Feature-level validation of raw GeoJSON against a :class:`~datalayer.schema.DatasetSpec`."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from datalayer.errors import DatasetError
from datalayer.schema import DatasetSpec, Field, Kind

#: How a point's coordinate list nests inside each geometry type.
_DEPTH = {
    "Point": 0,
    "LineString": 1,
    "MultiPoint": 1,
    "Polygon": 2,
    "MultiLineString": 2,
    "MultiPolygon": 3,
}


def feature_label(index: int, properties: Mapping[str, Any] | None, id_field: str | None) -> str:
    """A human reference to a feature: its index and, when readable, its id."""
    if id_field and isinstance(properties, Mapping):
        value = properties.get(id_field)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return f"#{index} ({id_field} {str(value)[:80]!r})"
    return f"#{index}"


def _type_ok(value: Any, kind: Kind) -> bool:
    is_int = isinstance(value, int) and not isinstance(value, bool)
    is_number = (is_int or isinstance(value, float)) and math.isfinite(value)
    checks = {
        Kind.STR: isinstance(value, str),
        Kind.OPT_STR: value is None or isinstance(value, str),
        Kind.INT: is_int,
        Kind.OPT_INT: value is None or is_int,
        Kind.NUMBER: is_number,
        Kind.OPT_NUMBER: value is None or is_number,
        Kind.BOOL: isinstance(value, bool),
        Kind.STR_LIST: isinstance(value, list) and all(isinstance(v, str) for v in value),
    }
    return checks[kind]


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    text = repr(value)
    return f"{type(value).__name__} {text[:60]}{'…' if len(text) > 60 else ''}"


def check_field(value: Any, field: Field) -> str | None:
    """Return a problem description when ``value`` does not fit ``field``, else ``None``."""
    if not _type_ok(value, field.kind):
        return f"expected {field.kind.value}, got {_describe(value)}"
    if field.kind is Kind.STR and field.name in ("id", "name", "code") and not value.strip():
        return "must not be empty"
    return None


def _positions(coords: Any, depth: int) -> Iterator[Any]:
    """Yield every position of a coordinate array nested ``depth`` levels deep."""
    if depth == 0:
        yield coords
        return
    if not isinstance(coords, list):
        raise ValueError("coordinates are not nested arrays")
    for item in coords:
        yield from _positions(item, depth - 1)


def check_geometry(geometry: Any, allowed: Sequence[str]) -> str | None:
    """Return a problem description for a GeoJSON geometry object, else ``None``."""
    if not isinstance(geometry, Mapping):
        return f"expected a geometry object, got {_describe(geometry)}"
    geom_type = str(geometry.get("type"))
    if geom_type not in allowed:
        return f"expected geometry type {' or '.join(allowed)}, got {geometry.get('type')!r}"
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or not coords:
        return "geometry has no coordinates"
    count = 0
    try:
        for position in _positions(coords, _DEPTH[geom_type]):
            if not isinstance(position, list) or len(position) < 2:
                return f"position {_describe(position)} is not [longitude, latitude]"
            lon, lat = position[0], position[1]
            if not all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                for v in (lon, lat)
            ):
                return f"position {_describe(position)} has a non-numeric coordinate"
            if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
                return f"position [{lon}, {lat}] is outside longitude ±180 / latitude ±90"
            count += 1
    except (ValueError, RecursionError):
        return f"coordinates do not match a {geom_type}"
    minimum = {"LineString": 2, "MultiLineString": 2, "Polygon": 4, "MultiPolygon": 4}
    if count < minimum.get(geom_type, 1):
        return f"a {geom_type} needs at least {minimum.get(geom_type, 1)} positions, got {count}"
    return None


def check_crs(collection: Mapping[str, Any], file: str) -> None:
    """Reject a legacy ``crs`` member that names anything but WGS 84 longitude/latitude."""
    crs = collection.get("crs")
    if crs is None:
        return
    name = ""
    if isinstance(crs, Mapping) and isinstance(crs.get("properties"), Mapping):
        name = str(crs["properties"].get("name", ""))
    accepted = ("CRS84", "EPSG::4326", "EPSG:4326")
    if not any(name.upper().endswith(a) for a in accepted):
        raise DatasetError(
            file,
            f"coordinate reference system {name or crs!r} is not supported; "
            "provide WGS 84 longitude/latitude (EPSG:4326)",
        )


def validate_features(collection: Any, spec: DatasetSpec) -> list[dict[str, Any]]:
    """Check a parsed FeatureCollection and return its features.

    Raises :class:`DatasetError` naming the file, the feature and the field at the first problem.
    """
    if not isinstance(collection, Mapping) or collection.get("type") != "FeatureCollection":
        raise DatasetError(spec.file, "expected a GeoJSON FeatureCollection at the top level")
    check_crs(collection, spec.file)
    features = collection.get("features")
    if not isinstance(features, list):
        raise DatasetError(spec.file, "'features' must be a list")
    if not features:
        raise DatasetError(spec.file, "the FeatureCollection has no features")
    seen: dict[Any, int] = {}
    id_field = spec.id_field
    for index, feature in enumerate(features):
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            raise DatasetError(spec.file, "is not a GeoJSON Feature object", f"#{index}")
        props = feature.get("properties")
        label = feature_label(index, props, id_field)
        if not isinstance(props, Mapping):
            raise DatasetError(spec.file, "properties must be an object", label, "properties")
        for field in spec.fields:
            if field.name not in props:
                raise DatasetError(spec.file, "missing required property", label, field.name)
            problem = check_field(props[field.name], field)
            if problem:
                raise DatasetError(spec.file, problem, label, field.name)
        problem = check_geometry(feature.get("geometry"), spec.geometry_types)
        if problem:
            raise DatasetError(spec.file, problem, label, "geometry")
        if id_field is not None:
            key = props.get(id_field)
            if key in seen:
                raise DatasetError(
                    spec.file,
                    f"duplicate id, first used by feature #{seen[key]}",
                    label,
                    id_field,
                )
            seen[key] = index
    return list(features)
