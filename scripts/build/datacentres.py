"""OpenStreetMap data-centre features + TeleGeography IX buildings → one data-centre record per
building (``datacentres.geojson``).

**Reading** (:func:`read_osm_datacentres`): a GeoJSON FeatureCollection, a single Feature or
GeoJSON-lines (one Feature per line) of OSM ``telecom=data_center`` / ``building=data_center``
features, as Overpass (osmtogeojson), osmium export or the shipped extract give them. Tags are
read from ``properties.tags`` (the shipped extract) or from ``properties`` itself (osmtogeojson,
osmium); the OSM id from ``properties.osm_id``, ``properties["@id"]``/``id`` ("way/123") or the
feature's ``id`` ("w123", 123). Any malformed record stops the build with one line naming the
file, the record and the field.

**Kind** (:func:`kind_of`), the first rule that holds:

1. ``telecom=exchange`` or ``telecom=central_office`` → telecom exchange;
2. ``operator`` is one of France's four network operators (Orange, SFR, Bouygues Telecom, Free;
   case and accents ignored, so "Free Pro (…)" is not one) → telecom exchange. Why: OSM maps
   their central offices as ``telecom=data_center`` with the carrier as operator;
3. the building hosts an internet exchange (TeleGeography) → colocation (an IX sits where
   networks can colocate);
4. ``building=data_center`` or a ``data_center:power`` tag → colocation (a purpose-built data
   centre with a declared capacity);
5. ``building`` is office, university, school, hospital, government, public or civic →
   enterprise (a data room in a building of another use);
6. otherwise unknown.

**Merge** (:func:`merge_ix_buildings`): a TeleGeography IX building and an OSM building are the
same place when exactly one OSM building lies within :data:`MERGE_DISTANCE_M` of the IX point
(distance to the outline, 0 inside it); when several do, the one whose name or street address
matches wins, and with no single match the IX building stays a record of its own with a note
naming the candidates. Beyond that distance and up to :data:`NAME_MATCH_DISTANCE_M`, a single OSM
building with a matching site code (MRS1 / Interxion MRS1, JN MRS-01 / MRS1) or the same house
number and street merges too. A merged record keeps both sources, both licences and the IX
building's id; an unmerged IX building is a record of its own. Only IX buildings inside the OSM
input's extent (its bounding box widened by :data:`EXTENT_MARGIN_DEG`) are considered: outside
it the facilities layer remains the only source of IX buildings.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape

from .common import (
    Feature,
    InputError,
    clean_text,
    feature,
    http_url_or_none,
    is_finite_number,
    round_coord,
)

#: An IX point this close to one OSM building outline (metres) is that building.
MERGE_DISTANCE_M = 50.0
#: Up to this distance (metres) a matching site code or street address still merges.
NAME_MATCH_DISTANCE_M = 1000.0
#: IX buildings this far (degrees) outside the OSM input's bounding box are not considered.
EXTENT_MARGIN_DEG = 0.25

OSM_SOURCE = "OpenStreetMap"
TG_SOURCE = "TeleGeography Internet Exchange Map (2020)"
OSM_LICENCE = "ODbL 1.0"
TG_LICENCE = "CC BY-NC-SA 3.0"
OSM_ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0"
TG_ATTRIBUTION = "Internet exchange data © TeleGeography, www.internetexchangemap.com (2020)"

COLOCATION = "colocation"
TELECOM_EXCHANGE = "telecom exchange"
ENTERPRISE = "enterprise"
UNKNOWN = "unknown"
KINDS = (COLOCATION, TELECOM_EXCHANGE, ENTERPRISE, UNKNOWN)

_EXCHANGE_TELECOM = {"exchange", "central_office"}
_NETWORK_OPERATORS = {"orange", "sfr", "bouygues telecom", "free"}
_ENTERPRISE_BUILDINGS = {
    "office",
    "university",
    "school",
    "hospital",
    "government",
    "public",
    "civic",
}
_POWER = re.compile(r"^(?P<value>\d+(?:[.,]\d+)?)\s*(?P<unit>[kKMG])W$")
_UNIT_MW = {"k": 0.001, "K": 0.001, "M": 1.0, "G": 1000.0}
_SITE_CODE = re.compile(r"\b([A-Z]{2,5})[- ]?0*(\d{1,3})\b")
_OSM_REF = re.compile(r"^(?:(?P<long>node|way|relation)/|(?P<short>[nwr]))?(?P<num>-?\d+)$")


@dataclass(frozen=True)
class OsmFeature:
    """One OSM data-centre feature as read: its id, tags and geometry (shapely)."""

    osm_id: int
    osm_type: str | None
    tags: Mapping[str, str]
    geometry: Any
    record: str


@dataclass
class MergeReport:
    """What the merge did, for SOURCES.md and the tests."""

    merged: list[tuple[str, str, float]] = field(default_factory=list)
    ambiguous: list[tuple[str, list[str]]] = field(default_factory=list)
    unmerged: list[str] = field(default_factory=list)
    outside: int = 0


def parse_power_mw(text: object) -> float | None:
    """Megawatts from a ``data_center:power`` tag ("16 MW" → 16.0, "500 kW" → 0.5), ``None``
    when absent or not one positive number with a unit (never guessed)."""
    value = clean_text(text)
    match = _POWER.match(value) if value else None
    if match is None:
        return None
    number = float(match.group("value").replace(",", ".")) * _UNIT_MW[match.group("unit")]
    return round(number, 3) if number > 0 else None


def _fold(text: str) -> str:
    """Lower case without accents, runs of other characters turned into one space."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


def kind_of(tags: Mapping[str, str], hosts_ix: bool) -> str:
    """The kind of a data centre from its OSM tags (rule in the module docstring)."""
    if tags.get("telecom") in _EXCHANGE_TELECOM:
        return TELECOM_EXCHANGE
    if _fold(tags.get("operator", "")) in _NETWORK_OPERATORS:
        return TELECOM_EXCHANGE
    if hosts_ix:
        return COLOCATION
    if tags.get("building") == "data_center" or "data_center:power" in tags:
        return COLOCATION
    if tags.get("building") in _ENTERPRISE_BUILDINGS:
        return ENTERPRISE
    return UNKNOWN


def site_codes(*names: str | None) -> set[str]:
    """Site codes in names ("Digital Realty MRS1" → MRS1, "JN MRS-01" → MRS1)."""
    codes: set[str] = set()
    for name in names:
        for letters, digits in _SITE_CODE.findall((name or "").upper()):
            codes.add(f"{letters}{int(digits)}")
    return codes


def street_address(tags: Mapping[str, str]) -> str | None:
    """ "71 avenue andre roussin" from addr:/contact: house number and street (folded)."""
    number = tags.get("addr:housenumber") or tags.get("contact:housenumber")
    street = tags.get("addr:street") or tags.get("contact:street")
    return _fold(f"{number} {street}") if number and street else None


# --- reading ----------------------------------------------------------------------------------


def _records(path: Path) -> list[tuple[str, Any]]:
    """(record label, parsed JSON) of every feature in a GeoJSON or GeoJSON-lines file."""
    if not path.is_file():
        raise InputError(f"{path}: required input file is missing")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc})") from exc
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict) and whole.get("type") == "FeatureCollection":
        items = whole.get("features")
        if not isinstance(items, list):
            raise InputError(f"{path}: FeatureCollection: field features is not a list")
        return [(f"feature #{i}", item) for i, item in enumerate(items)]
    if isinstance(whole, dict) and len(text.strip().splitlines()) > 1:
        return [("feature #0", whole)]
    records: list[tuple[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((f"line {number}", json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: line {number}: not a JSON object ({exc.msg})") from None
    return records


def _osm_id(item: Mapping[str, Any], props: Mapping[str, Any]) -> tuple[int, str | None] | None:
    """(OSM id, element type or ``None``) from the usual places, ``None`` when there is none."""
    for value in (props.get("osm_id"), props.get("@id"), props.get("id"), item.get("id")):
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int):
            return value, None
        match = _OSM_REF.match(str(value).strip())
        if match:
            kind = match.group("long") or {"n": "node", "w": "way", "r": "relation"}.get(
                match.group("short") or ""
            )
            return int(match.group("num")), kind
    return None


def _tags(props: Mapping[str, Any], where: str) -> dict[str, str]:
    """The OSM tags of a feature: ``properties.tags`` or the flat properties."""
    nested = props.get("tags")
    raw: Mapping[str, Any] = nested if isinstance(nested, dict) else props
    tags: dict[str, str] = {}
    for key, value in raw.items():
        if key in ("tags", "osm_id", "@id", "id", "type", "@relations", "meta"):
            continue
        if value is None:
            continue
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise InputError(f"{where}: field tags.{key} is not a text value")
        tags[str(key)] = str(value)
    return tags


def _check_coordinates(coords: Any, where: str) -> None:
    """Every position is two finite numbers inside lon −180…180, lat −90…90."""
    if isinstance(coords, list) and coords and not isinstance(coords[0], list):
        if len(coords) < 2 or not all(is_finite_number(v) for v in coords[:2]):
            raise InputError(f"{where}: field geometry.coordinates holds a non-numeric position")
        lon, lat = coords[0], coords[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise InputError(
                f"{where}: field geometry.coordinates: position {lon}, {lat} is off the globe"
            )
        return
    if not isinstance(coords, list) or not coords:
        raise InputError(f"{where}: field geometry.coordinates is empty or not a list")
    for part in coords:
        _check_coordinates(part, where)


def _geometry(item: Mapping[str, Any], where: str) -> Any:
    geometry = item.get("geometry")
    if not isinstance(geometry, dict):
        raise InputError(f"{where}: field geometry is missing")
    if geometry.get("type") not in ("Point", "Polygon", "MultiPolygon"):
        raise InputError(
            f"{where}: field geometry.type is {str(geometry.get('type'))[:40]!r}, "
            "not Point, Polygon or MultiPolygon"
        )
    _check_coordinates(geometry.get("coordinates"), where)
    try:
        return shape(geometry)
    except (ValueError, TypeError, shapely.errors.ShapelyError) as exc:
        raise InputError(
            f"{where}: field geometry is not a valid {geometry['type']}: {exc}"
        ) from exc


def read_osm_datacentres(path: Path) -> list[OsmFeature]:
    """Every data-centre feature of an OSM GeoJSON / GeoJSON-lines file, validated."""
    features: list[OsmFeature] = []
    seen: set[int] = set()
    for label, item in _records(path):
        where = f"{path}: {label}"
        if not isinstance(item, dict) or item.get("type") != "Feature":
            raise InputError(f"{where}: field type is not 'Feature'")
        props = item.get("properties")
        if not isinstance(props, dict):
            raise InputError(f"{where}: field properties is missing")
        found = _osm_id(item, props)
        if found is None:
            raise InputError(f"{where}: field osm_id is missing (no OSM id in the feature)")
        osm_id, osm_type = found
        where = f"{path}: {label} (osm_id {osm_id})"
        if osm_id in seen:
            raise InputError(f"{where}: field osm_id repeats an earlier feature")
        seen.add(osm_id)
        tags = _tags(props, where)
        if tags.get("telecom") != "data_center" and tags.get("building") != "data_center":
            raise InputError(
                f"{where}: field tags: neither telecom=data_center nor building=data_center"
            )
        features.append(OsmFeature(osm_id, osm_type, tags, _geometry(item, where), label))
    if not features:
        raise InputError(f"{path}: no data-centre feature in the file")
    return features


# --- records ----------------------------------------------------------------------------------


def _marker(geometry: Any) -> tuple[float, float]:
    """Where a building's marker goes: its centroid, or a point inside when that falls outside."""
    point = geometry.centroid
    if not geometry.contains(point) and not geometry.equals(point):
        point = geometry.representative_point()
    return round_coord(point.x), round_coord(point.y)


def osm_record_id(osm: OsmFeature) -> str:
    """``osm-<id>``; a relation (negative id in the extract, or typed) is ``osm-r<id>``."""
    if osm.osm_id < 0 or osm.osm_type == "relation":
        return f"osm-r{abs(osm.osm_id)}"
    return f"osm-{osm.osm_id}"


def _display_name(tags: Mapping[str, str]) -> str:
    """The OSM name, else its ref, else "Unnamed data centre" (with the operator)."""
    name = clean_text(tags.get("name")) or clean_text(tags.get("ref"))
    if name:
        return name
    operator = clean_text(tags.get("operator"))
    return f"Unnamed data centre ({operator})" if operator else "Unnamed data centre"


def osm_record(osm: OsmFeature) -> Feature:
    """The record of an OSM feature before any merge."""
    tags = osm.tags
    lon, lat = _marker(osm.geometry)
    power_tag = clean_text(tags.get("data_center:power"))
    number = clean_text(tags.get("addr:housenumber") or tags.get("contact:housenumber"))
    street = clean_text(tags.get("addr:street") or tags.get("contact:street"))
    properties = {
        "id": osm_record_id(osm),
        "name": _display_name(tags),
        "operator": clean_text(tags.get("operator")),
        "power_mw": parse_power_mw(power_tag),
        "power_tag": power_tag,
        "kind": kind_of(tags, hosts_ix=False),
        "exchanges": [],
        "exchange_count": 0,
        "osm_id": osm.osm_id,
        "ix_building_id": None,
        # A house number alone is no address (the IX building's, if merged, is used instead).
        "address": f"{number} {street}" if number and street else None,
        "website": http_url_or_none(tags.get("website")),
        "sources": [OSM_SOURCE],
        "licence": OSM_LICENCE,
        "attribution": OSM_ATTRIBUTION,
        "merge_note": None,
    }
    return feature(properties, {"type": "Point", "coordinates": [lon, lat]})


def ix_record(facility: Feature) -> Feature:
    """The record of a TeleGeography IX building that matched no OSM building."""
    props = facility["properties"]
    exchanges = list(props["exchanges"])
    properties = {
        "id": str(props["id"]),
        "name": str(props["name"]),
        "operator": None,
        "power_mw": None,
        "power_tag": None,
        "kind": COLOCATION if exchanges else UNKNOWN,
        "exchanges": exchanges,
        "exchange_count": len(exchanges),
        "osm_id": None,
        "ix_building_id": str(props["id"]),
        "address": clean_text(props.get("address")),
        "website": None,
        "sources": [TG_SOURCE],
        "licence": TG_LICENCE,
        "attribution": TG_ATTRIBUTION,
        "merge_note": None,
    }
    return feature(properties, dict(facility["geometry"]))


def _merge_into(record: Feature, osm: OsmFeature, facility: Feature) -> None:
    """Add an IX building's exchanges, id and source to an OSM record (both sources kept)."""
    props, fac = record["properties"], facility["properties"]
    exchanges = list(dict.fromkeys([*props["exchanges"], *fac["exchanges"]]))
    props.update(
        exchanges=exchanges,
        exchange_count=len(exchanges),
        ix_building_id=str(fac["id"]),
        kind=kind_of(osm.tags, hosts_ix=bool(exchanges)),
        address=props["address"] or clean_text(fac.get("address")),
        sources=[OSM_SOURCE, TG_SOURCE],
        licence=f"{OSM_LICENCE} + {TG_LICENCE}",
        attribution=f"{OSM_ATTRIBUTION}; {TG_ATTRIBUTION}",
        merge_note=f"IX building {fac['id']} ({fac['name']}) merged: same place",
    )


# --- merge ------------------------------------------------------------------------------------


def distance_m(geometry: Any, lon: float, lat: float) -> float:
    """Metres from a point to a geometry (0 inside), on a local flat projection (a few km)."""
    scale_x = 111_320.0 * math.cos(math.radians(lat))

    def local(coords: Any) -> Any:
        out = coords.copy()
        out[:, 0] = (coords[:, 0] - lon) * scale_x
        out[:, 1] = (coords[:, 1] - lat) * 110_574.0
        return out

    return float(shapely.transform(geometry, local).distance(shapely.Point(0.0, 0.0)))


def _names_match(osm: OsmFeature, facility: Feature) -> bool:
    """A shared site code or the same house number and street."""
    tags, fac = osm.tags, facility["properties"]
    osm_names = [tags.get(k) for k in ("name", "ref", "old_name", "alt_name", "official_name")]
    if site_codes(*osm_names) & site_codes(str(fac["name"])):
        return True
    street = street_address(tags)
    return street is not None and street in _fold(str(fac.get("address") or ""))


def _pick(
    facility: Feature, osm: Sequence[OsmFeature], taken: set[int]
) -> tuple[int | None, float, list[int]]:
    """(index of the OSM building the IX building is, its distance, ambiguous candidates)."""
    lon, lat = facility["geometry"]["coordinates"][:2]
    distances = [(distance_m(o.geometry, lon, lat), i) for i, o in enumerate(osm)]
    near = sorted((d, i) for d, i in distances if d <= MERGE_DISTANCE_M and i not in taken)
    named = [(d, i) for d, i in near if _names_match(osm[i], facility)]
    if len(near) == 1 or len(named) == 1:
        d, i = near[0] if len(near) == 1 else named[0]
        return i, d, []
    if len(near) > 1:
        return None, 0.0, [i for _, i in near]
    farther = sorted(
        (d, i)
        for d, i in distances
        if d <= NAME_MATCH_DISTANCE_M and i not in taken and _names_match(osm[i], facility)
    )
    if len(farther) == 1:
        return farther[0][1], farther[0][0], []
    return None, 0.0, [i for _, i in farther]


def extent(osm: Sequence[OsmFeature]) -> tuple[float, float, float, float]:
    """The OSM input's bounding box widened by :data:`EXTENT_MARGIN_DEG`."""
    bounds = [o.geometry.bounds for o in osm]
    m = EXTENT_MARGIN_DEG
    return (
        min(b[0] for b in bounds) - m,
        min(b[1] for b in bounds) - m,
        max(b[2] for b in bounds) + m,
        max(b[3] for b in bounds) + m,
    )


def merge_ix_buildings(
    osm: Sequence[OsmFeature], facilities: Sequence[Feature]
) -> tuple[list[Feature], MergeReport]:
    """Data-centre records sorted by id: every OSM feature, merged with the IX building at the
    same place, and every other IX building inside the OSM extent (rule in the module doc)."""
    records = [osm_record(o) for o in osm]
    report = MergeReport()
    west, south, east, north = extent(osm)
    taken: set[int] = set()
    for facility in facilities:
        lon, lat = facility["geometry"]["coordinates"][:2]
        if not (west <= lon <= east and south <= lat <= north):
            report.outside += 1
            continue
        index, distance, candidates = _pick(facility, osm, taken)
        fac_id = str(facility["properties"]["id"])
        if index is not None:
            taken.add(index)
            _merge_into(records[index], osm[index], facility)
            report.merged.append((fac_id, records[index]["properties"]["id"], round(distance)))
            continue
        record = ix_record(facility)
        if candidates:
            names = [records[i]["properties"]["name"] for i in candidates]
            record["properties"]["merge_note"] = (
                f"not merged: {len(names)} OSM buildings could be this one "
                f"({', '.join(names)}) and no single one is named alike"
            )
            report.ambiguous.append((fac_id, names))
        else:
            report.unmerged.append(fac_id)
        records.append(record)
    records.sort(key=lambda f: str(f["properties"]["id"]))
    return records, report
