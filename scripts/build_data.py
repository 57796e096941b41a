"""Build Landfall's shipped datasets in ``data/`` from the raw upstream snapshots.

Usage::

    python scripts/build_data.py --raw /path/to/raw --out data/

``--raw`` holds the upstream folders (``telegeography-submarine-cable-map/``, ``osm-datacentres-paca/``,
``telegeography-internet-exchange-map/``, ``arcep-sites-mobiles-2018-01/``,
``arcep-ftth-deploiements-2018-t1/``, ``france-geojson/``, ``natural-earth/``,
``insee-population-2026/``), each documented by
its ``SOURCE.md``. Nothing from ``peeringdb-public-2024-10/`` is read: that data is not openly
licensed. The output is deterministic: the same input gives byte-identical files.

Importers of current data: ``--arcep-sites FILE`` (ARCEP's site list in the 2018 or the current
layout, with 5G) replaces the 2018 sites; ``--peeringdb DIR`` (a user's PeeringDB dump) adds
``peeringdb_facilities.geojson``, never into the repository's ``data/``. Every file is built in
memory first and written to a temporary name, then renamed: a bad input leaves ``--out`` as it was.

The parsing helpers live in ``scripts/build/`` and are re-exported here for the tests.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

if __package__ in (None, ""):
    # Why: run as a plain script (python scripts/build_data.py), make ``scripts.build`` importable.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shapely.geometry import shape

from scripts.build import docs
from scripts.build.arcep_sites import read_site_file
from scripts.build.basemap import build_basemap, split_antimeridian, split_line_antimeridian
from scripts.build.cables import (
    KNOWN_COMMA_NAMES,
    LEGAL_SUFFIXES,
    build_cable_features,
    build_landing_point_features,
    country_from_name,
    is_legal_suffix,
    parse_length_km,
    parse_party_list,
    parse_rfs_year,
)
from scripts.build.coast import (
    WORLD_ATLAS,
    build_city_land,
    build_fine_land,
    fetch_land_10m,
)
from scripts.build.common import (
    Feature,
    InputError,
    clean_text,
    dumps_compact,
    feature,
    feature_collection,
    geometry_to_geojson,
    http_url_or_none,
    read_feature_collection,
    read_json,
    reading,
    require_keys,
    require_list,
    slugify,
    write_text,
)
from scripts.build.datacentres import (
    kind_of,
    merge_ix_buildings,
    parse_power_mw,
    read_osm_datacentres,
)
from scripts.build.facilities import (
    build_facility_features,
    cable_country_spellings,
    split_exchange_label,
)
from scripts.build.ftth import (
    build_ftth_features,
    check_classes,
    class_label,
    ftth_by_area,
    info_by_area,
    marseille_commune_summary,
    parse_count,
    read_arcep_table,
)
from scripts.build.labels import arrondissement_labels, town_labels
from scripts.build.mobile import (
    build_mobile,
    coverage_radius_m,
    method_sentence,
)
from scripts.build.peeringdb import OUTPUT as PEERINGDB_OUTPUT
from scripts.build.peeringdb import import_peeringdb, refuse_shipped_output
from scripts.build.population import marseille_population, population_summary
from scripts.build.regions import (
    CABLE_REGION_BUFFER_DEG,
    REGION_SPECS,
    Region,
    buffered_regions,
    build_regions,
    regions_for_geometry,
    regions_near_points,
)

__all__ = [
    "KNOWN_COMMA_NAMES",
    "LEGAL_SUFFIXES",
    "REGION_SPECS",
    "InputError",
    "class_label",
    "clean_text",
    "country_from_name",
    "coverage_radius_m",
    "http_url_or_none",
    "is_legal_suffix",
    "kind_of",
    "main",
    "merge_ix_buildings",
    "method_sentence",
    "parse_count",
    "parse_length_km",
    "parse_party_list",
    "parse_power_mw",
    "parse_rfs_year",
    "read_osm_datacentres",
    "regions_for_geometry",
    "regions_near_points",
    "slugify",
    "split_antimeridian",
    "split_exchange_label",
    "split_line_antimeridian",
]

CABLES_DIR = "telegeography-submarine-cable-map"
IX_DIR = "telegeography-internet-exchange-map"
SITES_DIR = "arcep-sites-mobiles-2018-01"
FTTH_DIR = "arcep-ftth-deploiements-2018-t1"
FRANCE_DIR = "france-geojson"
NE_DIR = "natural-earth"
POPULATION_JSON = Path("insee-population-2026") / "communes.json"
OSM_DC_FILE = Path("osm-datacentres-paca") / "datacenters_paca.geojsonl"
SITES_CSV = "2018_01_Sites_mobiles_2G_3G_4G_France_metropolitaine_L93.csv"
ARRONDISSEMENTS_GEOJSON = (
    "communes-13-bouches-du-rhone_v2.0.2_with-marseille-arrondissements.geojson"
)

T = TypeVar("T")
#: Where the build keeps what it fetched with npm (outside the repository; never read by the app).
BUILD_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "landfall-build"
#: The repository's shipped data folder: never a home for PeeringDB data.
SHIPPED_DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass
class Build:
    """Everything one run produces: output texts by file name, timings and facts for the docs."""

    outputs: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def timed(self, label: str, step: Callable[[], T]) -> T:
        """Run one build step and record its wall time."""
        start = time.perf_counter()
        result = step()
        self.timings[label] = time.perf_counter() - start
        return result

    def add_geojson(self, name: str, features: Sequence[Feature]) -> None:
        """Serialise a FeatureCollection output."""
        self.add_collection(name, feature_collection(features))

    def add_collection(self, name: str, collection: dict[str, Any]) -> None:
        """Serialise a FeatureCollection output made whole (e.g. with its ``bbox``)."""
        self.outputs[name] = dumps_compact(collection)
        self.counts[name] = len(collection["features"])


def read_single_geometry(path: Path) -> Any:
    """The shapely geometry of a GeoJSON file holding one Feature (or a one-feature collection)."""
    data = read_json(path)
    with reading(path):
        if isinstance(data, dict) and data.get("type") == "FeatureCollection":
            data = data["features"][0]
        if not isinstance(data, dict) or data.get("type") != "Feature":
            raise InputError(f"{path}: expected a GeoJSON Feature")
        return shape(data["geometry"])


def feature_by_code(features: Sequence[dict[str, Any]], code: str, path: Path) -> Any:
    """The shapely geometry of the feature whose ``code`` property equals ``code``."""
    for item in features:
        if str(item["properties"].get("code")) == code:
            return shape(item["geometry"])
    raise InputError(f"{path}: no feature with code {code}")


def build_sea_regions(build: Build, raw: Path) -> list[Region]:
    """Region polygons (regions.geojson) from Natural Earth marine polygons and land."""
    marine_path = raw / NE_DIR / "ne_50m_geography_marine_polys.json"
    land_path = raw / NE_DIR / "ne_50m_land.json"
    marine = read_feature_collection(marine_path)
    land = read_feature_collection(land_path)
    require_keys(marine, ("name",), marine_path, "feature")
    with reading(land_path):
        land_polys = [
            p
            for item in land
            for p in getattr(shape(item["geometry"]), "geoms", [shape(item["geometry"])])
        ]
    with reading(marine_path):
        regions = build_regions(marine, land_polys)
    features = [
        feature(
            {"id": r.id, "name": r.name, "source_names": list(r.source_names)},
            geometry_to_geojson(r.geometry),
        )
        for r in sorted(regions, key=lambda r: r.id)
    ]
    build.add_geojson("regions.geojson", features)
    build.facts["regions"] = regions
    return regions


def build_cables_and_landings(build: Build, raw: Path, regions: list[Region]) -> None:
    """cables.geojson and landing_points.geojson."""
    folder = raw / CABLES_DIR
    geo_path, details_path = folder / "cable-geo.json", folder / "cable-details.json"
    lp_geo_path = folder / "landing-point-geo.json"
    lp_details_path = folder / "landing-point-details.json"
    config_path = folder / "config.json"
    cable_geo = read_feature_collection(geo_path)
    details = require_list(read_json(details_path), details_path, "cable objects")
    lp_geo = read_feature_collection(lp_geo_path)
    lp_details = require_list(read_json(lp_details_path), lp_details_path, "landing points")
    config = read_json(config_path)
    require_keys(cable_geo, ("id", "name", "color"), geo_path, "feature")
    require_keys(
        details,
        (
            "id",
            "name",
            "length",
            "landing_points",
            "owners",
            "suppliers",
            "rfs",
            "rfs_year",
            "is_planned",
            "url",
            "notes",
        ),
        details_path,
        "cable",
    )
    require_keys(lp_geo, ("id", "name", "is_tbd"), lp_geo_path, "feature")
    require_keys(lp_details, ("id", "country"), lp_details_path, "landing point")
    with reading(config_path):
        created = str(config["creation_time"])
        build.facts["cables_data_date"] = created[:10]
        build.facts["cables_creation_time"] = created
    with reading(geo_path):
        tagging = buffered_regions(regions, CABLE_REGION_BUFFER_DEG)
        cables = build_cable_features(cable_geo, details, tagging)
        ids_per_feature: dict[str, int] = {}
        for item in cable_geo:
            cid = str(item["properties"]["id"])
            ids_per_feature[cid] = ids_per_feature.get(cid, 0) + 1
    with reading(details_path):
        detail_ids = {str(d["id"]) for d in details}
        build.facts["cable_geo_features"] = len(cable_geo)
        build.facts["cables_multi_feature"] = sorted(k for k, v in ids_per_feature.items() if v > 1)
        build.facts["cables_without_details"] = sorted(set(ids_per_feature) - detail_ids)
        build.facts["details_without_geometry"] = sorted(detail_ids - set(ids_per_feature))
        build.facts["comma_names"] = sorted(
            {
                name
                for c in cables
                for key in ("owners", "suppliers")
                for name in c["properties"][key]
                if "," in name
            }
        )
        build.facts["bad_urls"] = sorted(
            {
                str(d["url"])
                for d in details
                if clean_text(d.get("url")) and http_url_or_none(d.get("url")) is None
            }
        )
    with reading(lp_geo_path):
        landings, fallback = build_landing_point_features(
            lp_geo, lp_details, details, buffered_regions(regions, 0.0)
        )
    build.facts["landing_country_fallback"] = {
        f["properties"]["id"]: f["properties"]["country"]
        for f in landings
        if f["properties"]["id"] in fallback
    }
    with reading(lp_details_path):
        build.facts["cable_countries"] = sorted(
            {c for c in (clean_text(d.get("country")) for d in lp_details) if c}
            | {
                c
                for d in details
                for lp in d.get("landing_points") or []
                if (c := clean_text(lp.get("country")))
            }
        )
    build.add_geojson("cables.geojson", cables)
    build.add_geojson("landing_points.geojson", landings)
    build.facts["cables"] = cables
    build.facts["landings"] = landings


def build_facilities(build: Build, raw: Path) -> None:
    """facilities.geojson."""
    path = raw / IX_DIR / "buildings.geojson"
    buildings = read_feature_collection(path)
    require_keys(
        buildings, ("building_id", "address", "country", "metro_area", "exchanges"), path, "feature"
    )
    with reading(path):
        spellings = cable_country_spellings(build.facts["cable_countries"])
        facilities, from_cables = build_facility_features(buildings, spellings)
    build.facts["facility_countries_from_cables"] = from_cables
    build.facts["facilities"] = facilities
    build.add_geojson("facilities.geojson", facilities)


def build_datacentres(build: Build, raw: Path, osm_file: Path | None) -> None:
    """datacentres.geojson: OSM data centres (the shipped extract, or ``osm_file``) merged with
    the TeleGeography IX buildings at the same place (after the facilities)."""
    path = osm_file if osm_file is not None else raw / OSM_DC_FILE
    osm = read_osm_datacentres(path)
    with reading(path):
        records, report = merge_ix_buildings(osm, build.facts["facilities"])
    build.facts["datacentres"] = records
    build.facts["datacentre_merge"] = report
    build.facts["datacentre_input"] = path.name if osm_file is not None else None
    build.add_geojson("datacentres.geojson", records)


def build_mobile_layers(build: Build, raw: Path, sites_file: Path | None = None) -> None:
    """coverage.geojson and mobile_sites.geojson (from ``sites_file`` when given, else the raw
    2018 list)."""
    sites_path = sites_file if sites_file is not None else raw / SITES_DIR / SITES_CSV
    dept_path = raw / FRANCE_DIR / "departement-13-bouches-du-rhone.geojson"
    communes_path = raw / FRANCE_DIR / "communes-13-bouches-du-rhone.geojson"
    table = read_site_file(sites_path)
    build.facts["sites_file_name"] = sites_path.name
    if sites_file is not None:
        digest = hashlib.sha256(sites_path.read_bytes()).hexdigest()
        build.facts["sites_import"] = {"name": sites_path.name, "sha256": digest}
    department = read_single_geometry(dept_path)
    communes = read_feature_collection(communes_path)
    with reading(communes_path):
        marseille = feature_by_code(communes, "13055", communes_path)
    with reading(sites_path):
        mobile = build_mobile(table, department, marseille)
    build.add_geojson("coverage.geojson", mobile.coverage)
    build.add_geojson("mobile_sites.geojson", mobile.sites)
    build.facts["site_table"] = table
    build.facts["mobile"] = mobile


def build_ftth(build: Build, raw: Path) -> None:
    """ftth.geojson (with each arrondissement's population) and the commune-level figures."""
    folder = raw / FTTH_DIR
    paths = {
        name: folder / f"{name}.csv"
        for name in ("ftthArrondissements", "arrondissements", "ftthCommunes", "communes")
    }
    arr_ftth = ftth_by_area(
        read_arcep_table(paths["ftthArrondissements"]),
        "Code arrondissement",
        paths["ftthArrondissements"],
    )
    arr_info = info_by_area(
        read_arcep_table(paths["arrondissements"]), "Code arrondissement", paths["arrondissements"]
    )
    com_ftth = ftth_by_area(
        read_arcep_table(paths["ftthCommunes"]), "Code commune", paths["ftthCommunes"]
    )
    com_info = info_by_area(read_arcep_table(paths["communes"]), "Code commune", paths["communes"])
    geo_path = raw / FRANCE_DIR / ARRONDISSEMENTS_GEOJSON
    arrondissements = read_feature_collection(geo_path)
    population_path = raw / POPULATION_JSON
    communes = require_list(read_json(population_path), population_path, "communes")
    population = marseille_population(communes, population_path)
    with reading(geo_path):
        ftth = build_ftth_features(arrondissements, arr_ftth, population)
    with reading(paths["ftthCommunes"]):
        summary = marseille_commune_summary(com_ftth, com_info, arr_info)
        build.facts["class_check"] = check_classes(com_ftth, com_info, arr_ftth, arr_info)
    build.facts["marseille_commune_ftth"] = summary
    build.facts["marseille_population"] = population_summary(population)
    build.add_geojson("ftth.geojson", ftth)


def build_peeringdb(build: Build, folder: Path) -> None:
    """peeringdb_facilities.geojson from a user's PeeringDB dump (never shipped)."""
    imported = import_peeringdb(folder)
    build.add_geojson(PEERINGDB_OUTPUT, imported.features)
    build.facts["peeringdb"] = imported
    build.facts["peeringdb_folder_name"] = folder.name


def build_basemaps(build: Build, raw: Path) -> None:
    """basemap_land.geojson and basemap_borders.geojson."""
    for name, file, kind in (
        ("basemap_land.geojson", "ne_50m_land.json", "land"),
        ("basemap_borders.geojson", "ne_50m_admin_0_boundary_lines_land.json", "border"),
    ):
        path = raw / NE_DIR / file
        source = read_feature_collection(path)
        with reading(path):
            features, worst_jump = build_basemap(source, kind)
        if worst_jump > 180.0:
            raise InputError(f"{path}: a segment still jumps {worst_jump:.1f}° after splitting")
        build.add_geojson(name, features)
        build.facts[f"{kind}_source_features"] = len(source)


def build_place_labels(build: Build, raw: Path) -> None:
    """place_labels.geojson: landing-point towns and Marseille's arrondissements (after the
    landing points are built)."""
    geo_path = raw / FRANCE_DIR / ARRONDISSEMENTS_GEOJSON
    communes = read_feature_collection(geo_path)
    with reading(geo_path):
        arrondissements = arrondissement_labels(communes)
    towns = town_labels(build.facts["landings"])
    build.facts["town_labels"] = len(towns)
    build.facts["arrondissement_labels"] = len(arrondissements)
    build.add_geojson("place_labels.geojson", towns + arrondissements)


def build_fine_basemaps(build: Build, raw: Path, land_10m: Path | None, cache: Path) -> None:
    """basemap_land_10m.geojson (Natural Earth 10m around the seas) and basemap_land_city.geojson
    (IGN outlines around Marseille): finer land for closer zooms."""
    path = land_10m if land_10m is not None else fetch_land_10m(cache)
    topology = read_json(path)
    with reading(path):
        build.add_collection("basemap_land_10m.geojson", build_fine_land(topology))
    dept_path = raw / FRANCE_DIR / "departement-13-bouches-du-rhone.geojson"
    departements_path = raw / FRANCE_DIR / "departements-version-simplifiee.geojson"
    detailed = read_single_geometry(dept_path)
    departements = read_feature_collection(departements_path)
    with reading(departements_path):
        city = build_city_land(detailed, departements, "13")
    build.add_collection("basemap_land_city.geojson", city)


def run(
    raw: Path,
    out: Path,
    land_10m: Path | None = None,
    cache: Path = BUILD_CACHE,
    osm_datacentres: Path | None = None,
    *,
    arcep_sites: Path | None = None,
    peeringdb: Path | None = None,
) -> Build:
    """Build every output in memory (nothing is written if any input fails). ``land_10m`` is
    world-atlas's ``land-10m.json``; without it the file is fetched with npm into ``cache``.
    ``osm_datacentres`` replaces the shipped OSM data-centre extract (any region);
    ``arcep_sites`` and ``peeringdb`` are the importers' inputs (see the module docstring)."""
    if not raw.is_dir():
        raise InputError(f"{raw}: raw data folder does not exist")
    build = Build()
    if peeringdb is not None:
        # First: a bad dump is reported before the minutes of the rest of the build.
        build.timed("peeringdb", lambda: build_peeringdb(build, peeringdb))
    regions = build.timed("regions", lambda: build_sea_regions(build, raw))
    build.timed("cables + landing points", lambda: build_cables_and_landings(build, raw, regions))
    build.timed("facilities", lambda: build_facilities(build, raw))
    build.timed("data centres", lambda: build_datacentres(build, raw, osm_datacentres))
    build.timed("mobile sites + coverage", lambda: build_mobile_layers(build, raw, arcep_sites))
    build.timed("ftth", lambda: build_ftth(build, raw))
    build.timed("basemaps", lambda: build_basemaps(build, raw))
    build.timed("place labels", lambda: build_place_labels(build, raw))
    build.timed("fine basemaps", lambda: build_fine_basemaps(build, raw, land_10m, cache))
    metadata = docs.build_metadata(build.counts, build.facts)
    build.outputs["metadata.json"] = dumps_compact(metadata) + "\n"
    build.outputs["SOURCES.md"] = docs.sources_markdown(build.counts, build.facts)
    build.outputs["LICENSES.md"] = docs.licenses_markdown(build.facts)
    return build


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="build_data.py", description="Build Landfall's data/ files from the raw snapshots."
    )
    parser.add_argument("--raw", type=Path, required=True, help="folder with the raw subfolders")
    parser.add_argument("--out", type=Path, required=True, help="output folder (e.g. data/)")
    parser.add_argument(
        "--land-10m",
        type=Path,
        default=None,
        help=f"{WORLD_ATLAS}'s land-10m.json (default: fetched once with npm into --cache)",
    )
    parser.add_argument(
        "--cache", type=Path, default=BUILD_CACHE, help=f"download cache (default {BUILD_CACHE})"
    )
    parser.add_argument(
        "--osm-datacentres",
        type=Path,
        default=None,
        metavar="FILE",
        help="GeoJSON or GeoJSON-lines of OSM telecom=data_center / building=data_center "
        f"features, any region (default: the shipped extract, --raw/{OSM_DC_FILE})",
    )
    parser.add_argument(
        "--arcep-sites",
        type=Path,
        default=None,
        metavar="FILE",
        help="ARCEP mobile-site CSV (2018 layout or the current one with site_5g) instead of "
        "the raw 2018 list, e.g. 2024_T1_sites_Metropole.csv",
    )
    parser.add_argument(
        "--peeringdb",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder with PeeringDB's fac-0.json, ix-0.json, ixfac-0.json: adds "
        f"{PEERINGDB_OUTPUT} (not openly licensed: refused into the repository's data/)",
    )
    return parser.parse_args(argv)


def write_outputs(out: Path, outputs: dict[str, str]) -> dict[str, int]:
    """Write every output to a temporary name in ``out``, then rename them all into place, so
    a failed write leaves no half-written file under a real name. Returns the byte sizes."""
    out.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    sizes: dict[str, int] = {}
    try:
        for name, text in sorted(outputs.items()):
            temporary = out / f".{name}.part"
            sizes[name] = write_text(temporary, text)
            staged.append((temporary, out / name))
    except OSError:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        (out / f".{name}.part").unlink(missing_ok=True)
        raise
    for temporary, final in staged:
        os.replace(temporary, final)
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Build and write all outputs; print a summary. Returns the process exit code."""
    args = parse_args(argv)
    started = time.perf_counter()
    try:
        if args.peeringdb is not None:
            refuse_shipped_output(args.out, SHIPPED_DATA)
        build = run(
            args.raw,
            args.out,
            args.land_10m,
            args.cache,
            args.osm_datacentres,
            arcep_sites=args.arcep_sites,
            peeringdb=args.peeringdb,
        )
        sizes = write_outputs(args.out, build.outputs)
    except InputError as exc:
        print(f"build_data: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"build_data: error: cannot write to {args.out}: {exc}", file=sys.stderr)
        return 2
    print(
        docs.summary_text(
            build.counts, sizes, build.timings, build.facts, time.perf_counter() - started
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
