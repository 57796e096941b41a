"""The typed schema of every dataset Landfall loads.

One place says which files exist, which geometry each holds and which properties each feature
must carry with which type. The loader validates against it; the rest of the code reads column
names from here rather than repeating string literals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """The value types a property may have."""

    STR = "a string"
    OPT_STR = "a string or null"
    INT = "an integer"
    OPT_INT = "an integer or null"
    NUMBER = "a number"
    OPT_NUMBER = "a number or null"
    BOOL = "a boolean"
    STR_LIST = "a list of strings"


@dataclass(frozen=True)
class Field:
    """One required property of every feature of a dataset."""

    name: str
    kind: Kind


@dataclass(frozen=True)
class Published:
    """How a dataset is served: its data API endpoint and export, and how they name it."""

    #: Path below ``/api/v1`` and ``/export`` (``/api/v1/landing-points``, ``/export/landing-points.csv``).
    endpoint: str
    #: What the API endpoint returns (its self-description).
    returns: str
    #: What an export holds, in a sentence's words ("cable landing points").
    title: str
    #: The export card's label ("Landing points").
    label: str
    #: Each readable column of the exports → what it holds (README and GeoPackage ``about``).
    columns: Mapping[str, str]


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset: its file and what it must contain (and, if served, how it is served).

    Licence, attribution and data date are the data's own: they are read from ``metadata.json``
    under :attr:`file`, so every credit comes from the build, never from code.
    """

    key: str
    file: str
    geometry_types: tuple[str, ...]
    fields: tuple[Field, ...]
    id_field: str | None = "id"
    #: Known properties a feature may carry: type-checked when present, defaulted when absent.
    optional: tuple[Field, ...] = ()
    #: Properties that hold ids of other features (checked like ids, never altered).
    reference_fields: tuple[str, ...] = ()
    #: Served by the data API and the exports (``None``: drawn or used only).
    published: Published | None = None


CABLES = DatasetSpec(
    key="cables",
    file="cables.geojson",
    geometry_types=("MultiLineString", "LineString"),
    fields=(
        Field("id", Kind.STR),
        Field("name", Kind.STR),
        Field("color", Kind.STR),
        Field("owners", Kind.STR_LIST),
        Field("suppliers", Kind.STR_LIST),
        Field("rfs", Kind.OPT_STR),
        Field("rfs_year", Kind.OPT_INT),
        Field("is_planned", Kind.BOOL),
        Field("length_km", Kind.OPT_NUMBER),
        Field("landing_point_ids", Kind.STR_LIST),
        Field("url", Kind.OPT_STR),
        Field("regions", Kind.STR_LIST),
    ),
    optional=(Field("notes", Kind.OPT_STR),),
    reference_fields=("landing_point_ids",),
    published=Published(
        endpoint="cables",
        returns="Submarine cables that pass every cable filter (MultiLineString/LineString).",
        title="submarine cables",
        label="Cables",
        columns={
            "id": "TeleGeography cable id",
            "name": "cable name",
            "owners": "owners, '; '-separated",
            "suppliers": "suppliers, '; '-separated",
            "rfs": "ready-for-service date as published",
            "rfs_year": "ready-for-service year",
            "status": "'in service' or 'planned' (as of the data date)",
            "length_km": "published length in km (empty: not published)",
            "landing_point_count": "number of landing points",
            "landing_points": "landing point names, '; '-separated",
            "countries": "countries of the landing points, '; '-separated",
            "regions": "sea regions the route crosses, '; '-separated",
            "url": "cable website",
            "notes": "TeleGeography notes",
        },
    ),
)

LANDING_POINTS = DatasetSpec(
    key="landing_points",
    file="landing_points.geojson",
    geometry_types=("Point",),
    fields=(
        Field("id", Kind.STR),
        Field("name", Kind.STR),
        Field("country", Kind.STR),
        Field("cable_ids", Kind.STR_LIST),
    ),
    optional=(Field("is_tbd", Kind.BOOL), Field("regions", Kind.STR_LIST)),
    reference_fields=("cable_ids",),
    published=Published(
        endpoint="landing-points",
        returns="Every landing point of the selected cables, whatever its country (Point).",
        title="cable landing points",
        label="Landing points",
        columns={
            "id": "TeleGeography landing point id",
            "name": "landing point name",
            "country": "country",
            "cable_count": "number of cables landing here",
            "cables": "names of the cables landing here, '; '-separated",
            "cable_ids": "ids of those cables, '; '-separated",
            "is_tbd": "true when the landing site is still to be decided",
            "regions": "sea regions within 25 km, '; '-separated",
            "lon": "longitude (WGS 84; CSV only)",
            "lat": "latitude (WGS 84; CSV only)",
        },
    ),
)

FACILITIES = DatasetSpec(
    key="facilities",
    file="facilities.geojson",
    geometry_types=("Point",),
    fields=(
        Field("id", Kind.STR),
        Field("name", Kind.STR),
        Field("address", Kind.STR),
        Field("city", Kind.STR),
        Field("country", Kind.STR),
        Field("exchanges", Kind.STR_LIST),
        Field("exchange_count", Kind.INT),
    ),
    optional=(Field("exchange_urls", Kind.STR_LIST),),
    published=Published(
        endpoint="facilities",
        returns="Internet exchange buildings that pass region, fac_country and ix (Point).",
        title="internet exchange buildings",
        label="IX facilities",
        columns={
            "id": "TeleGeography building id",
            "name": "building name",
            "address": "street address",
            "city": "city",
            "country": "country",
            "exchange_count": "number of internet exchanges hosted",
            "exchanges": "internet exchanges hosted, '; '-separated",
            "exchange_urls": "their websites, '; '-separated",
            "lon": "longitude (WGS 84; CSV only)",
            "lat": "latitude (WGS 84; CSV only)",
        },
    ),
)

DATACENTRES = DatasetSpec(
    key="datacentres",
    file="datacentres.geojson",
    geometry_types=("Point",),
    fields=(
        Field("id", Kind.STR),
        Field("name", Kind.STR),
        Field("operator", Kind.OPT_STR),
        Field("power_mw", Kind.OPT_NUMBER),
        Field("kind", Kind.STR),
        Field("exchanges", Kind.STR_LIST),
        Field("exchange_count", Kind.INT),
        Field("sources", Kind.STR_LIST),
        Field("licence", Kind.STR),
    ),
    optional=(
        Field("power_tag", Kind.OPT_STR),
        Field("osm_id", Kind.OPT_INT),
        Field("ix_building_id", Kind.OPT_STR),
        Field("address", Kind.OPT_STR),
        Field("website", Kind.OPT_STR),
        Field("attribution", Kind.OPT_STR),
        Field("merge_note", Kind.OPT_STR),
    ),
    published=Published(
        endpoint="data-centres",
        returns="Data centres (OpenStreetMap buildings merged with TeleGeography IX buildings) "
        "that pass dc_operator (Point); the other parameters do not restrict them.",
        title="data centres",
        label="Data centres",
        columns={
            "id": "record id (osm-<OSM id>, or building-<TeleGeography id>)",
            "name": "data-centre name (OpenStreetMap name or ref, else the IX building's)",
            "operator": "operator as tagged in OpenStreetMap (empty: not tagged)",
            "power_mw": "power in MW as tagged in OpenStreetMap (data_center:power; empty: not tagged)",
            "kind": "colocation, telecom exchange, enterprise or unknown (from the OSM tags)",
            "exchange_count": "number of internet exchanges hosted (TeleGeography, 2020)",
            "exchanges": "internet exchanges hosted, '; '-separated",
            "osm_id": "OpenStreetMap id (negative: a relation)",
            "ix_building_id": "TeleGeography IX building merged into this record",
            "address": "street address",
            "sources": "sources of the record, '; '-separated",
            "licence": "licence of the record (ODbL 1.0 for OpenStreetMap data)",
            "attribution": "attribution the record's licence asks for",
            "lon": "longitude (WGS 84; CSV only)",
            "lat": "latitude (WGS 84; CSV only)",
        },
    ),
)

COVERAGE = DatasetSpec(
    key="coverage",
    file="coverage.geojson",
    geometry_types=("Polygon", "MultiPolygon"),
    fields=(
        Field("operator", Kind.STR),
        Field("technology", Kind.STR),
        Field("method", Kind.STR),
        Field("radius_m", Kind.NUMBER),
        Field("site_count", Kind.INT),
        Field("area_km2", Kind.NUMBER),
    ),
    id_field=None,
    optional=(
        Field("operator_code", Kind.OPT_STR),
        Field("sites_in_marseille", Kind.OPT_INT),
        # The site list's edition ("Jan 2018", "2024 Q1"): the legend and the hover name it.
        Field("vintage", Kind.OPT_STR),
    ),
)

FTTH = DatasetSpec(
    key="ftth",
    file="ftth.geojson",
    geometry_types=("Polygon", "MultiPolygon"),
    fields=(
        Field("code", Kind.STR),
        Field("name", Kind.STR),
        Field("ftth_premises_2018q1", Kind.INT),
        Field("ftth_class", Kind.INT),
        Field("ftth_class_label", Kind.STR),
    ),
    id_field="code",
    optional=(
        Field("ftth_premises_2017q3", Kind.OPT_INT),
        Field("ftth_premises_2017q4", Kind.OPT_INT),
        # INSEE legal population (a later vintage than the FTTH figures: metadata.json says which).
        Field("population", Kind.OPT_INT),
    ),
)


def _basemap_land(key: str) -> DatasetSpec:
    """A basemap land file: polygons, no required field (``kind`` says ``land``)."""
    return DatasetSpec(
        key=key,
        file=f"{key}.geojson",
        geometry_types=("Polygon", "MultiPolygon"),
        fields=(),
        id_field=None,
        optional=(Field("kind", Kind.OPT_STR),),
    )


#: Natural Earth 1:50m land, the whole world.
BASEMAP_LAND = _basemap_land("basemap_land")
#: Finer land for closer zooms, coarsest first; each file's ``bbox`` is where it replaces the
#: coarser land (Natural Earth 1:10m around the seas, IGN outlines around Marseille).
BASEMAP_FINER_LAND: tuple[DatasetSpec, ...] = (
    _basemap_land("basemap_land_10m"),
    _basemap_land("basemap_land_city"),
)

BASEMAP_BORDERS = DatasetSpec(
    key="basemap_borders",
    file="basemap_borders.geojson",
    geometry_types=("LineString", "MultiLineString"),
    fields=(),
    id_field=None,
    optional=(Field("kind", Kind.OPT_STR),),
)

PLACE_LABELS = DatasetSpec(
    key="place_labels",
    file="place_labels.geojson",
    geometry_types=("Point",),
    fields=(Field("name", Kind.STR), Field("kind", Kind.STR)),
    id_field=None,
    optional=(Field("cables", Kind.OPT_INT), Field("code", Kind.OPT_STR)),
)

REGIONS = DatasetSpec(
    key="regions",
    file="regions.geojson",
    geometry_types=("Polygon", "MultiPolygon"),
    fields=(Field("id", Kind.STR), Field("name", Kind.STR)),
    optional=(Field("source_names", Kind.STR_LIST),),
)

#: Facilities from a PeeringDB dump the user imports (``build_data.py --peeringdb``). PeeringDB
#: data is not openly licensed: never shipped, never exported, not loaded by the app; the build's
#: output is checked against this declaration, and the Data sources view lists it when present.
PEERINGDB_FACILITIES = DatasetSpec(
    key="peeringdb_facilities",
    file="peeringdb_facilities.geojson",
    geometry_types=("Point",),
    fields=(
        Field("id", Kind.STR),
        Field("peeringdb_id", Kind.INT),
        Field("name", Kind.STR),
        Field("operator", Kind.OPT_STR),
        Field("address", Kind.OPT_STR),
        Field("city", Kind.OPT_STR),
        Field("country", Kind.OPT_STR),
        Field("website", Kind.OPT_STR),
        Field("net_count", Kind.OPT_INT),
        Field("ix_count", Kind.OPT_INT),
        Field("carrier_count", Kind.OPT_INT),
        Field("exchanges", Kind.STR_LIST),
        Field("exchange_count", Kind.INT),
        Field("peeringdb_url", Kind.STR),
        Field("sources", Kind.STR_LIST),
        Field("licence", Kind.STR),
    ),
)
#: Datasets only a user's import makes (not in every data folder, never shipped).
IMPORTED_SPECS: tuple[DatasetSpec, ...] = (PEERINGDB_FACILITIES,)

#: Every dataset, in load order (cross-file checks run after all are read).
ALL_SPECS: tuple[DatasetSpec, ...] = (
    CABLES,
    LANDING_POINTS,
    FACILITIES,
    COVERAGE,
    FTTH,
    REGIONS,
    # After the six the hostile-data tests count by position (tests/test_hostile_datasets.py).
    DATACENTRES,
    BASEMAP_LAND,
    BASEMAP_BORDERS,
    PLACE_LABELS,
    *BASEMAP_FINER_LAND,
)

#: The served datasets, in API and export order.
PUBLISHED: tuple[DatasetSpec, ...] = tuple(spec for spec in ALL_SPECS if spec.published)
#: Endpoint / export name → its dataset.
BY_ENDPOINT: dict[str, DatasetSpec] = {
    spec.published.endpoint: spec for spec in PUBLISHED if spec.published is not None
}

METADATA_FILE = "metadata.json"

#: The largest dataset file read (the shipped ones are under 1 MB); larger ones are refused
#: before they are read, so a huge file costs neither time nor memory.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Ids (and references to ids) longer than this are refused: they end up in URLs.
MAX_ID_CHARS = 200
#: Longer text values are cut to this length (with a counted warning).
MAX_TEXT_CHARS = 500
