"""Feature-level validation of raw GeoJSON against a :class:`~datalayer.schema.DatasetSpec`.

A problem either stops loading with a :class:`DatasetError` naming the file, the feature and the
field, or (for the few harmless ones listed below) is repaired in place and counted in a
:class:`Repairs`, whose messages the page shows. Nothing is dropped silently.

Repaired, with a counted warning:

* a nullable required property that is missing → ``null``;
* a known optional property that is missing → its default (``null``, ``[]`` or ``false``);
* an unknown property → ignored (removed);
* control characters and bidirectional overrides in text → removed;
* text longer than :data:`~datalayer.schema.MAX_TEXT_CHARS` → cut, with ``…``;
* a link (``url``, ``exchange_urls``) that is not an absolute http(s) URL → removed;
* a polygon ring that is not closed → closed (invalid polygons are repaired in the loader).

Everything else (wrong types, missing required values, bad geometries, bad ids) is refused.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from datalayer.errors import DatasetError
from datalayer.schema import MAX_ID_CHARS, MAX_TEXT_CHARS, DatasetSpec, Field, Kind

#: How a point's coordinate list nests inside each geometry type.
_DEPTH = {
    "Point": 0,
    "LineString": 1,
    "MultiPoint": 1,
    "Polygon": 2,
    "MultiLineString": 2,
    "MultiPolygon": 3,
}
#: Nesting depth of the rings of polygonal types.
_RING_DEPTH = {"Polygon": 1, "MultiPolygon": 2}
#: C0/C1 control characters (tab, newline included) and bidirectional embeddings/overrides/isolates.
_UNSAFE_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Properties holding links that the page may turn into ``href``s.
_LINK_FIELDS = frozenset({"url", "exchange_urls"})
_NULLABLE = {Kind.OPT_STR, Kind.OPT_INT, Kind.OPT_NUMBER}
_TEXT_KINDS = {Kind.STR, Kind.OPT_STR, Kind.STR_LIST}


@dataclass
class _Repair:
    count: int
    feature: str | None
    field: str | None
    details: set[str]


@dataclass
class Repairs:
    """Counted repairs made while loading; each kind becomes one warning line."""

    _items: dict[tuple[str, str], _Repair] = field(default_factory=dict)

    def add(
        self,
        file: str,
        what: str,
        feature: str | None = None,
        field_name: str | None = None,
        detail: str | None = None,
    ) -> None:
        """Count one repair of kind ``what`` in ``file`` (the first feature/field is quoted)."""
        item = self._items.get((file, what))
        if item is None:
            item = self._items[(file, what)] = _Repair(0, feature, field_name, set())
        item.count += 1
        if detail is not None and len(item.details) < 5:
            item.details.add(detail)

    def __len__(self) -> int:
        return sum(item.count for item in self._items.values())

    def messages(self) -> tuple[str, ...]:
        """One line per kind of repair: file, what, how many, the first feature and field."""
        lines = []
        for (file, what), item in self._items.items():
            text = f"{file}: {what}"
            if item.feature is not None:
                noun = "feature" if item.count == 1 else "features"
                text += f" in {item.count} {noun} (first: feature {item.feature}"
                if item.field is not None:
                    text += f", field '{item.field}'"
                text += ")"
            elif item.count > 1:
                text += f" ({item.count}×)"
            if item.details:
                text += f": {', '.join(sorted(item.details))}"
            lines.append(text)
        return tuple(lines)


def feature_label(index: int, properties: Mapping[str, Any] | None, id_field: str | None) -> str:
    """A human reference to a feature: its index and, when readable, its id."""
    if id_field and isinstance(properties, Mapping):
        value = properties.get(id_field)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return f"#{index} ({id_field} {str(value)[:80]!r})"
    return f"#{index}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


def _type_ok(value: Any, kind: Kind) -> bool:
    if kind is Kind.STR:
        return isinstance(value, str)
    if kind is Kind.STR_LIST:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind is Kind.OPT_STR:
        return value is None or isinstance(value, str)
    if kind is Kind.INT:
        return _is_int(value)
    if kind is Kind.OPT_INT:
        return value is None or _is_int(value)
    if kind is Kind.NUMBER:
        return _is_number(value)
    if kind is Kind.OPT_NUMBER:
        return value is None or _is_number(value)
    return isinstance(value, bool)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float) and not math.isfinite(value):
        return f"non-finite number {value!r}"
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


def _position_problem(position: Any) -> str | None:
    if not isinstance(position, list) or len(position) < 2:
        return f"position {_describe(position)} is not [longitude, latitude]"
    lon, lat = position[0], position[1]
    # type() rather than isinstance(): bools are ints to isinstance.
    if (
        type(lon) not in (int, float)
        or type(lat) not in (int, float)
        or not (math.isfinite(lon) and math.isfinite(lat))
    ):
        return f"position {_describe(position)} has a non-numeric coordinate"
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        return f"position [{lon}, {lat}] is outside longitude ±180 / latitude ±90"
    return None


def check_geometry(geometry: Any, allowed: Sequence[str]) -> str | None:
    """Return a problem description for a GeoJSON geometry object, else ``None``."""
    if not isinstance(geometry, Mapping):
        return f"expected a geometry object, got {_describe(geometry)}"
    geom_type = str(geometry.get("type"))
    if geom_type not in allowed:
        return (
            f"expected geometry type {' or '.join(allowed)}, got {_describe(geometry.get('type'))}"
        )
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or not coords:
        return "geometry has no coordinates"
    count = 0
    try:
        for position in _positions(coords, _DEPTH[geom_type]):
            problem = _position_problem(position)
            if problem:
                return problem
            count += 1
    except (ValueError, RecursionError):
        return f"coordinates do not match a {geom_type}"
    minimum = {"LineString": 2, "MultiLineString": 2, "Polygon": 4, "MultiPolygon": 4}
    if count < minimum.get(geom_type, 1):
        return f"a {geom_type} needs at least {minimum.get(geom_type, 1)} positions, got {count}"
    return None


def close_rings(geometry: Any) -> int:
    """Close every polygon ring whose last position differs from its first; return how many."""
    depth = _RING_DEPTH.get(str(geometry.get("type")))
    if depth is None:
        return 0
    closed = 0
    for ring in _positions(geometry["coordinates"], depth):
        if isinstance(ring, list) and ring and ring[0][:2] != ring[-1][:2]:
            ring.append(list(ring[0]))
            closed += 1
    return closed


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
        shown = (name or repr(crs))[:80]
        raise DatasetError(
            file,
            f"coordinate reference system {shown!r} is not supported; "
            "provide WGS 84 longitude/latitude (EPSG:4326)",
        )


def is_http_url(value: str) -> bool:
    """Whether ``value`` is an absolute http(s) URL without spaces or control characters."""
    if not value or any(ch.isspace() or not ch.isprintable() for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


class _FeatureChecker:
    """Checks (and where allowed, repairs) the properties of one dataset's features."""

    def __init__(self, spec: DatasetSpec, repairs: Repairs) -> None:
        self.spec = spec
        self.repairs = repairs
        self.known = {f.name for f in spec.fields} | {f.name for f in spec.optional}
        self.keys = {spec.id_field, *spec.reference_fields} - {None}

    def fail(self, problem: str, label: str, name: str | None) -> DatasetError:
        return DatasetError(self.spec.file, problem, label, name)

    def text(self, value: str, label: str, name: str) -> str:
        """``value`` checked (keys) or cleaned (text); raises for what cannot be repaired."""
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise self.fail("text contains an unpaired surrogate", label, name) from None
        if name in self.keys:
            if len(value) > MAX_ID_CHARS:
                raise self.fail(f"id longer than {MAX_ID_CHARS} characters", label, name)
            if _UNSAFE_CHARS.search(value):
                raise self.fail(f"id contains control characters: {value[:60]!r}", label, name)
            return value
        if _UNSAFE_CHARS.search(value):
            # Newlines and tabs become spaces; other controls and bidi overrides go.
            value = _UNSAFE_CHARS.sub(lambda m: " " if m.group() in "\t\n\r" else "", value)
            self.repairs.add(
                self.spec.file, "control or bidi-override characters removed", label, name
            )
        if name in _LINK_FIELDS and value and not is_http_url(value.strip()):
            self.repairs.add(self.spec.file, "links that are not http(s) URLs removed", label, name)
            return ""
        if len(value) > MAX_TEXT_CHARS:
            value = value[: MAX_TEXT_CHARS - 1] + "…"
            self.repairs.add(
                self.spec.file, f"text longer than {MAX_TEXT_CHARS} characters cut", label, name
            )
        return value

    def value(self, props: dict[str, Any], spec_field: Field, label: str) -> None:
        name = spec_field.name
        problem = check_field(props[name], spec_field)
        if problem:
            raise self.fail(problem, label, name)
        value = props[name]
        if spec_field.kind not in _TEXT_KINDS or value is None:
            return
        if isinstance(value, str):
            cleaned = self.text(value, label, name)
            if name in _LINK_FIELDS and not cleaned:
                props[name] = None if spec_field.kind is Kind.OPT_STR else cleaned
            else:
                props[name] = cleaned
        else:
            items = [self.text(v, label, name) for v in value]
            props[name] = [v for v in items if v or name not in _LINK_FIELDS]

    def properties(self, props: dict[str, Any], label: str) -> None:
        for spec_field in self.spec.fields:
            if spec_field.name not in props:
                if spec_field.kind not in _NULLABLE:
                    raise self.fail("missing required property", label, spec_field.name)
                props[spec_field.name] = None
                self.repairs.add(
                    self.spec.file, "missing property set to null", label, spec_field.name
                )
            self.value(props, spec_field, label)
        for spec_field in self.spec.optional:
            if spec_field.name not in props:
                props[spec_field.name] = _default(spec_field.kind)
                self.repairs.add(
                    self.spec.file,
                    "missing optional property set to its default",
                    label,
                    spec_field.name,
                )
            self.value(props, spec_field, label)
        unknown = [k for k in props if k not in self.known]
        for key in unknown:
            del props[key]
            shown = repr(_UNSAFE_CHARS.sub("", str(key))[:40])
            self.repairs.add(self.spec.file, "unknown properties ignored", label, None, shown)


def _default(kind: Kind) -> Any:
    if kind is Kind.STR_LIST:
        return []
    if kind is Kind.BOOL:
        return False
    return None


def validate_features(
    collection: Any, spec: DatasetSpec, repairs: Repairs | None = None
) -> list[dict[str, Any]]:
    """Check a parsed FeatureCollection and return its features (repaired in place).

    Raises :class:`DatasetError` naming the file, the feature and the field at the first problem
    that cannot be repaired; counts every repair in ``repairs``.
    """
    repairs = repairs if repairs is not None else Repairs()
    if not isinstance(collection, Mapping) or collection.get("type") != "FeatureCollection":
        raise DatasetError(spec.file, "expected a GeoJSON FeatureCollection at the top level")
    check_crs(collection, spec.file)
    features = collection.get("features")
    if not isinstance(features, list):
        raise DatasetError(spec.file, "'features' must be a list")
    if not features:
        raise DatasetError(spec.file, "the FeatureCollection has no features")
    checker = _FeatureChecker(spec, repairs)
    seen: dict[Any, int] = {}
    id_field = spec.id_field
    for index, feature in enumerate(features):
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            raise DatasetError(spec.file, "is not a GeoJSON Feature object", f"#{index}", "type")
        props = feature.get("properties")
        label = feature_label(index, props, id_field)
        if not isinstance(props, dict):
            raise DatasetError(spec.file, "properties must be an object", label, "properties")
        checker.properties(props, label)
        geometry = feature.get("geometry")
        problem = check_geometry(geometry, spec.geometry_types)
        if problem:
            raise DatasetError(spec.file, problem, label, "geometry")
        closed = close_rings(geometry)
        if closed:
            repairs.add(spec.file, "unclosed polygon rings closed", label, "geometry")
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
