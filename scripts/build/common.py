"""Shared helpers of the data build: input errors, JSON/CSV reading, GeoJSON writing, text rules."""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

Json = Any
Feature = dict[str, Any]
FeatureCollection = dict[str, Any]

#: Decimal places of every shipped coordinate (1e-5 degree is about 1 m).
COORD_DECIMALS = 5


class InputError(Exception):
    """A raw input file is missing or malformed; the message names the file."""


def read_json(path: Path) -> Json:
    """Parse a JSON file, turning a missing or unparsable file into an ``InputError``."""
    if not path.is_file():
        raise InputError(f"{path}: required input file is missing")
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not valid UTF-8 JSON ({exc})") from exc


def read_feature_collection(path: Path) -> list[dict[str, Any]]:
    """The ``features`` of a GeoJSON FeatureCollection file, each with geometry and properties."""
    data = read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise InputError(f"{path}: expected a GeoJSON FeatureCollection")
    for index, feature in enumerate(data["features"]):
        if (
            not isinstance(feature, dict)
            or not isinstance(feature.get("properties"), dict)
            or not isinstance(feature.get("geometry"), dict)
        ):
            raise InputError(f"{path}: feature #{index} lacks a geometry or properties object")
    features: list[dict[str, Any]] = data["features"]
    return features


def require_list(data: Json, path: Path, what: str) -> list[Any]:
    """Check that parsed JSON is a list (of ``what``) and return it."""
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a JSON array of {what}")
    return data


def require_keys(records: Sequence[Any], keys: Sequence[str], path: Path, what: str) -> None:
    """Check that every record is an object carrying all ``keys`` (a newer dump of the same
    shape has them all; a missing one means the format changed)."""
    for index, record in enumerate(records):
        container = record.get("properties") if what == "feature" else record
        if not isinstance(container, dict):
            raise InputError(f"{path}: {what} #{index} is not a JSON object")
        missing = [k for k in keys if k not in container]
        if missing:
            raise InputError(f"{path}: {what} #{index} lacks field(s) {', '.join(missing)}")


@contextlib.contextmanager
def reading(path: Path) -> Iterator[None]:
    """Report a missing key or a wrong value type while processing ``path`` as an ``InputError``.

    Why: the builders index upstream JSON directly; a renamed field in a newer dump must end the
    run with one line naming the file, not a traceback.
    """
    try:
        yield
    except InputError:
        raise
    except (
        KeyError,
        IndexError,
        TypeError,
        ValueError,
        AttributeError,
        shapely.errors.ShapelyError,
    ) as exc:
        detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise InputError(f"{path}: malformed input ({type(exc).__name__}: {detail})") from exc


def clean_text(value: object) -> str | None:
    """A string with whitespace runs collapsed, or ``None`` for null/blank/non-string values."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def http_url_or_none(value: object) -> str | None:
    """The value if it is an absolute http(s) URL, else ``None`` (bare hosts are not links)."""
    text = clean_text(value)
    if text is None or not re.match(r"^https?://[^\s/]+\.[^\s]+$", text, re.IGNORECASE):
        return None
    return text


def slugify(text: str) -> str:
    """TeleGeography-style slug: lower case, non-ASCII letters and apostrophes dropped, other
    non-alphanumeric runs turned into one hyphen.

    Why: their slugs delete accented letters instead of transliterating them
    ("Côte d'Ivoire" → "cte-divoire", "Congo, Dem. Rep." → "congo-dem-rep-"), so matching their
    slugs requires the same rule.
    """
    lowered = unicodedata.normalize("NFC", text).lower()
    ascii_only = re.sub(r"[^\x00-\x7f]|['’]", "", lowered)
    return re.sub(r"[^a-z0-9]+", "-", ascii_only)


def title_from_slug(slug: str) -> str:
    """A readable fallback name from a slug ("north-macedonia" → "North Macedonia")."""
    return " ".join(word.capitalize() for word in slug.split("-") if word)


def round_coord(value: float, decimals: int = COORD_DECIMALS) -> float:
    """Round one coordinate; negative zero becomes zero so output bytes are stable."""
    rounded = round(float(value), decimals)
    return 0.0 if rounded == 0 else rounded


def round_line(
    coords: Iterable[Sequence[float]], decimals: int = COORD_DECIMALS
) -> list[list[float]]:
    """Round a coordinate sequence and drop consecutive duplicates created by the rounding."""
    out: list[list[float]] = []
    for position in coords:
        point = [round_coord(position[0], decimals), round_coord(position[1], decimals)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def _ring(coords: Iterable[Sequence[float]], decimals: int) -> list[list[float]] | None:
    """A rounded closed ring, or ``None`` when rounding collapsed it below 4 positions."""
    ring = round_line(coords, decimals)
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring if len(ring) >= 4 else None


def _polygon_coords(polygon: shapely.Polygon, decimals: int) -> list[list[list[float]]] | None:
    shell = _ring(polygon.exterior.coords, decimals)
    if shell is None:
        return None
    holes = [_ring(hole.coords, decimals) for hole in polygon.interiors]
    return [shell, *[hole for hole in holes if hole is not None]]


def geometry_to_geojson(geom: BaseGeometry, decimals: int = COORD_DECIMALS) -> dict[str, Any]:
    """A GeoJSON geometry object with rounded coordinates.

    Lines stay lines (``MultiLineString`` for lineal input), polygons become ``Polygon`` or
    ``MultiPolygon``; parts that rounding collapses are dropped.
    """
    if isinstance(geom, shapely.Point):
        return {
            "type": "Point",
            "coordinates": [round_coord(geom.x, decimals), round_coord(geom.y, decimals)],
        }
    if isinstance(geom, shapely.LineString | shapely.MultiLineString):
        parts = [round_line(line.coords, decimals) for line in _parts(geom)]
        return {"type": "MultiLineString", "coordinates": [p for p in parts if len(p) >= 2]}
    if isinstance(geom, shapely.Polygon | shapely.MultiPolygon):
        polys = [_polygon_coords(p, decimals) for p in _parts(geom)]
        kept = [p for p in polys if p is not None]
        if len(kept) == 1:
            return {"type": "Polygon", "coordinates": kept[0]}
        return {"type": "MultiPolygon", "coordinates": kept}
    if isinstance(geom, shapely.GeometryCollection):
        # Why: overlay results may mix polygons with stray lines/points; keep only the areas.
        polygons = [g for g in _parts(geom) if isinstance(g, shapely.Polygon)]
        return geometry_to_geojson(shapely.MultiPolygon(polygons), decimals)
    raise ValueError(f"unsupported geometry type {geom.geom_type}")


def _parts(geom: BaseGeometry) -> list[Any]:
    """The single parts of a (multi-part) geometry, flattening nested collections."""
    if hasattr(geom, "geoms"):
        out: list[Any] = []
        for part in geom.geoms:
            out.extend(_parts(part))
        return out
    return [geom]


def feature(properties: Mapping[str, Any], geometry: Mapping[str, Any]) -> Feature:
    """A GeoJSON Feature with properties first (readable diffs) and the geometry."""
    return {"type": "Feature", "properties": dict(properties), "geometry": dict(geometry)}


def feature_collection(features: Sequence[Feature]) -> FeatureCollection:
    """A GeoJSON FeatureCollection of the given features, in the given order."""
    return {"type": "FeatureCollection", "features": list(features)}


def dumps_compact(data: Json) -> str:
    """Deterministic compact JSON (UTF-8 text, no indentation, no NaN)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def write_text(path: Path, text: str) -> int:
    """Write UTF-8 text with LF line ends and return the byte size."""
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def max_lon_jump(geojson_geometry: Mapping[str, Any]) -> float:
    """The largest longitude step between consecutive positions of a GeoJSON geometry."""
    worst = 0.0
    for line in _coordinate_lines(geojson_geometry["coordinates"]):
        for a, b in itertools.pairwise(line):
            worst = max(worst, abs(b[0] - a[0]))
    return worst


def _coordinate_lines(coords: Any) -> Iterator[list[list[float]]]:
    """Yield every innermost list of positions of a nested GeoJSON coordinate array."""
    if coords and isinstance(coords[0], int | float):
        return
    first = coords[0] if coords else None
    if isinstance(first, list) and first and isinstance(first[0], int | float):
        yield coords
        return
    for item in coords:
        yield from _coordinate_lines(item)


def is_finite_number(value: object) -> bool:
    """True for a finite int/float that is not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
