"""Provenance, licences and the generated documentation (metadata.json, SOURCES.md, LICENSES.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import peeringdb
from .mobile import COVERAGE_RADII_M, SIMPLIFY_TOLERANCE_M, count_by_operator
from .regions import (
    CABLE_REGION_BUFFER_DEG,
    LANDING_POINT_REGION_DISTANCE_M,
    MIN_GAP_AREA_DEG2,
    Region,
)


@dataclass(frozen=True)
class Upstream:
    """One upstream repository snapshot. Commits are those of the raw copies in ``--raw``;
    update them together with the raw data."""

    repository: str
    commit: str
    licence: str
    licence_url: str
    attribution: str


CC_BY_NC_SA = "CC BY-NC-SA 3.0 Unported"
CC_BY_NC_SA_URL = "https://creativecommons.org/licenses/by-nc-sa/3.0/legalcode"
LICENCE_OUVERTE = "Licence Ouverte / Open Licence (Etalab)"
LICENCE_OUVERTE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
ODBL = "ODbL 1.0 (Open Database License)"
ODBL_URL = "https://opendatacommons.org/licenses/odbl/1-0/"
PUBLIC_DOMAIN = "Public domain (Natural Earth)"
PUBLIC_DOMAIN_URL = "https://www.naturalearthdata.com/about/terms-of-use/"

TG_CABLES = Upstream(
    "github.com/telegeography/www.submarinecablemap.com (via the fork "
    "github.com/Kadantte/www.submarinecablemap.com), web/public/api/v3",
    "0d684b2aedeae0f7473280270f3f71fa0983f0b3",
    CC_BY_NC_SA,
    CC_BY_NC_SA_URL,
    "Submarine cable data © TeleGeography, www.submarinecablemap.com ({month} snapshot), "
    "CC BY-NC-SA 3.0",
)
TG_IX = Upstream(
    "github.com/telegeography/www.internetexchangemap.com, public/api/v2",
    "fbf46249eb1366c8e0bb29641bafa7af42830ca4",
    CC_BY_NC_SA,
    CC_BY_NC_SA_URL,
    "Internet exchange data © TeleGeography, www.internetexchangemap.com (2020), CC BY-NC-SA 3.0",
)
ARCEP_SITES = Upstream(
    'ARCEP "Mon réseau mobile" open data (data.gouv.fr), copy in '
    "github.com/KartikeyaReddy24/network-profiler",
    "bfbe546b642d8b7ec751c853ff9ff4ab90739925",
    LICENCE_OUVERTE,
    LICENCE_OUVERTE_URL,
    "Source : Arcep — Mon réseau mobile, sites mobiles 2G/3G/4G (janvier 2018), Licence Ouverte",
)
ARCEP_FTTH = Upstream(
    'ARCEP "Le marché du haut et très haut débit fixe (déploiements)" T1 2018 (data.gouv.fr), '
    "copy in github.com/NJacq/laravel",
    "4dbb85293913348d32bb78339c83547f1d6f0f17",
    LICENCE_OUVERTE,
    LICENCE_OUVERTE_URL,
    "Source : Arcep — Observatoire HD/THD, déploiements FttH, T1 2018 — Licence Ouverte",
)
IGN_2018 = Upstream(
    "github.com/gregoiredavid/france-geojson (master; IGN ADMIN EXPRESS COG 2018)",
    "5d34ee6d0140c29f785fdb047d9329f1aab58833",
    LICENCE_OUVERTE,
    LICENCE_OUVERTE_URL,
    "Contours administratifs © IGN (GEOFLA 2017 / ADMIN EXPRESS COG 2018) via "
    "github.com/gregoiredavid/france-geojson — Licence Ouverte",
)
IGN_2017 = Upstream(
    "github.com/gregoiredavid/france-geojson (tag v2.0.2; IGN GEOFLA 2017)",
    "07449d8bcbeaae0ae9558a83a9e6708ac87846ed",
    LICENCE_OUVERTE,
    LICENCE_OUVERTE_URL,
    IGN_2018.attribution,
)
INSEE_POPULATION = Upstream(
    "INSEE legal populations (COG 2026 edition) via the npm package "
    "@etalab/decoupage-administratif@6.0.0 (github.com/datagouv/decoupage-administratif), "
    "data/communes.json",
    "npm @etalab/decoupage-administratif@6.0.0, communes.json sha256 "
    "6cafec09b4e127d08edc47f366b28261bee70cca323fbfcb957dd169fcad9284",
    LICENCE_OUVERTE,
    LICENCE_OUVERTE_URL,
    "Source : INSEE, populations légales, via @etalab/decoupage-administratif 6.0.0 — "
    "Licence Ouverte",
)
NATURAL_EARTH = Upstream(
    "Natural Earth v4.0.0 1:50m via github.com/martynafford/natural-earth-geojson",
    "0b9a6ceb0a7032713abd9460ac1e995a9c60cd1e",
    PUBLIC_DOMAIN,
    PUBLIC_DOMAIN_URL,
    "Made with Natural Earth",
)

NATURAL_EARTH_10M = Upstream(
    "Natural Earth v4.1.0 1:10m land via the npm package world-atlas@2.0.2 "
    "(github.com/topojson/world-atlas, © 2013-2019 Michael Bostock, ISC)",
    "npm world-atlas@2.0.2, land-10m.json sha256 "
    "9b9f584709c119d63fbadf484ce425260497697b7166be7a2fe360e8c0b171a8",
    PUBLIC_DOMAIN,
    PUBLIC_DOMAIN_URL,
    "Made with Natural Earth",
)

OSM_DATACENTRES = Upstream(
    "OpenStreetMap data-centre features (telecom=data_center / building=data_center), verbatim "
    "extract of src/data/local_data/datacenters/datacenters.geojsonl in "
    "github.com/bilawalsidhu/gods-eye-view",
    "aa745bcee5c4f76353c9426fb9055cb5737f0fc0",
    ODBL,
    ODBL_URL,
    "© OpenStreetMap contributors, ODbL 1.0",
)

IX_DATA_DATE = "2020-08-31"
SITES_DATA_DATE = "2018-01"
FTTH_DATA_DATE = "2018-03-31"
NE_DATA_DATE = "2017-11-09"
NE_10M_DATA_DATE = "2018-05"
IGN_2018_DATA_DATE = "2018-08-01"


def _attribution(*sources: Upstream, month: str = "") -> str:
    texts = dict.fromkeys(s.attribution.format(month=month) for s in sources)
    return "; ".join(texts)


def _entry(
    title: str,
    sources: tuple[Upstream, ...],
    data_date: str,
    count: int,
    notes: str,
    month: str = "",
) -> dict[str, Any]:
    """One ``datasets`` entry of metadata.json."""
    licences = list(dict.fromkeys(s.licence for s in sources))
    urls = list(dict.fromkeys(s.licence_url for s in sources))
    return {
        "title": title,
        "source": "; ".join(s.repository for s in sources),
        "source_commit": "; ".join(s.commit for s in sources),
        "data_date": data_date,
        "licence": " + ".join(licences),
        "licence_url": " ".join(urls),
        "attribution": _attribution(*sources, month=month),
        "feature_count": count,
        "notes": notes,
    }


def region_counts(cables: list[dict[str, Any]]) -> dict[str, int]:
    """Number of cables tagged with each region id."""
    return dict(sorted(Counter(r for c in cables for r in c["properties"]["regions"]).items()))


def _radii_text(technologies: Sequence[str]) -> str:
    """The modelled coverage radii per technology, e.g. ``2G 2,500 m, 3G 2,000 m, …``."""
    return ", ".join(f"{t} {COVERAGE_RADII_M[t]:,} m" for t in technologies)


def _telegeography_entries(counts: Mapping[str, int], cables_date: str) -> dict[str, Any]:
    """metadata.json entries of the TeleGeography files: cables, landing points, facilities."""
    month = cables_date[:7]
    return {
        "cables.geojson": _entry(
            "Submarine cables",
            (TG_CABLES,),
            cables_date,
            counts["cables.geojson"],
            f"TeleGeography export of {cables_date}; stale (newer cables are missing, planned "
            "RFS dates may have slipped). Routes are schematic, not engineering positions. "
            "Owners/suppliers split from one comma-separated string; regions = Natural Earth sea "
            f"polygons (buffered {CABLE_REGION_BUFFER_DEG}°) the route intersects.",
            month=month,
        ),
        "landing_points.geojson": _entry(
            "Submarine cable landing points",
            (TG_CABLES,),
            cables_date,
            counts["landing_points.geojson"],
            "cable_ids derived from the cable records; regions = sea regions within "
            f"{LANDING_POINT_REGION_DISTANCE_M / 1000:.0f} km. Positions are TeleGeography's "
            "map points (town level), not cable landing station sites.",
            month=month,
        ),
        "facilities.geojson": _entry(
            "Internet exchange buildings",
            (TG_IX,),
            IX_DATA_DATE,
            counts["facilities.geojson"],
            "Buildings hosting internet exchanges as of August 2020; stale (e.g. Marseille MRS4 "
            "and MRS5 are missing). No operator, capacity or building names; personal contact "
            "fields were removed upstream of this build.",
        ),
    }


def sites_upstream(facts: Mapping[str, Any]) -> Upstream:
    """The ARCEP site list's provenance: the raw 2018 copy, or the file given with
    ``--arcep-sites`` (named, with its sha256, and its edition in the attribution)."""
    imported = facts.get("sites_import")
    if imported is None:
        return ARCEP_SITES
    table = facts["site_table"]
    return Upstream(
        f'ARCEP "Mon réseau mobile" open data (data.gouv.fr), file {imported["name"]} '
        "imported with --arcep-sites",
        f"sha256 {imported['sha256']}",
        LICENCE_OUVERTE,
        LICENCE_OUVERTE_URL,
        f"Source : Arcep — Mon réseau mobile, sites mobiles ({table.vintage}), Licence Ouverte",
    )


def _france_entries(counts: Mapping[str, int], facts: Mapping[str, Any]) -> dict[str, Any]:
    """metadata.json entries of the ARCEP/IGN files: coverage, mobile sites, FTTH."""
    table = facts["site_table"]
    radii = _radii_text(table.technologies)
    sites = sites_upstream(facts)
    since = (
        " The network changes every quarter."
        if "5G" in table.technologies
        else " No 5G; the network has densified since."
    )
    entries = {
        "coverage.geojson": _entry(
            "Modelled mobile coverage zones, Bouches-du-Rhône",
            (sites, IGN_2018),
            table.data_date,
            counts["coverage.geojson"],
            f"MODELLED, not measured: union of circular buffers ({radii}) around ARCEP site "
            f"locations of {table.vintage}, clipped to the land of département 13.{since}",
        ),
        "mobile_sites.geojson": _entry(
            "Mobile radio sites, Bouches-du-Rhône",
            (sites, IGN_2018),
            table.data_date,
            counts["mobile_sites.geojson"],
            f"ARCEP site list of {table.vintage} ({table.layout} layout; positions converted to "
            "WGS 84), repeated operator/position rows merged; sites inside département 13 only.",
        ),
        "ftth.geojson": _entry(
            "FTTH deployment (ARCEP, 2018) and population (INSEE, COG 2026) by Marseille arrondissement",
            (ARCEP_FTTH, IGN_2017, INSEE_POPULATION),
            FTTH_DATA_DATE,
            counts["ftth.geojson"],
            "Premises connectable to FTTH at the end of T3 2017, T4 2017 and T1 2018, and ARCEP's "
            "coverage class at T1 2018 (class meanings inferred). Stale: Marseille is now almost "
            "fully fibred. Arrondissement outlines are IGN GEOFLA 2017. `population`: INSEE "
            "legal population, COG 2026 edition (a later vintage than the 2018 network data).",
        ),
    }
    for file in ("coverage.geojson", "mobile_sites.geojson"):
        entries[file]["vintage"] = table.vintage
    return entries


def _natural_earth_entries(counts: Mapping[str, int]) -> dict[str, Any]:
    """metadata.json entries of the Natural Earth files: basemaps and sea regions."""
    return {
        "basemap_land.geojson": _entry(
            "Land (basemap)",
            (NATURAL_EARTH,),
            NE_DATA_DATE,
            counts["basemap_land.geojson"],
            "Natural Earth 1:50m land, simplified and rounded to 0.001°; split at ±180°.",
        ),
        "basemap_borders.geojson": _entry(
            "Land borders (basemap)",
            (NATURAL_EARTH,),
            NE_DATA_DATE,
            counts["basemap_borders.geojson"],
            "Natural Earth 1:50m admin-0 land boundary lines (de-facto control), simplified and "
            "rounded to 0.001°; split at ±180°.",
        ),
        "basemap_land_10m.geojson": _entry(
            "Land, 1:10m (basemap from zoom 5, Mediterranean to Gulf of Aden)",
            (NATURAL_EARTH_10M,),
            NE_10M_DATA_DATE,
            counts["basemap_land_10m.geojson"],
            "Natural Earth 1:10m land clipped to lon −10…52, lat 10…48, simplified to 0.002° and "
            "rounded to 0.001°; the map draws it from zoom 5.",
        ),
        "regions.geojson": _entry(
            "Sea regions used for tagging",
            (NATURAL_EARTH,),
            NE_DATA_DATE,
            counts["regions.geojson"],
            "Unions of Natural Earth 1:50m marine polygons; the Mediterranean also fills the "
            "sea gaps Natural Earth leaves between its named seas (see SOURCES.md).",
        ),
    }


def _label_entries(counts: Mapping[str, int], cables_date: str) -> dict[str, Any]:
    """metadata.json entry of the place names drawn on the map."""
    return {
        "place_labels.geojson": _entry(
            "Place names on the map",
            (TG_CABLES, IGN_2017),
            cables_date,
            counts["place_labels.geojson"],
            "Landing-point towns (the landing point's name up to its first comma, at the "
            "landing point; positions to be decided are left out) and Marseille's 16 "
            "arrondissements (IGN GEOFLA 2017 names, at each outline's pole of inaccessibility).",
            month=cables_date[:7],
        ),
    }


def _city_basemap_entry(counts: Mapping[str, int]) -> dict[str, Any]:
    """metadata.json entry of the IGN land around Marseille."""
    entry = _entry(
        "Land around Marseille (basemap from zoom 8)",
        (IGN_2018,),
        IGN_2018_DATA_DATE,
        counts["basemap_land_city.geojson"],
        "IGN ADMIN EXPRESS COG 2018 outline of Bouches-du-Rhône (islands included) and the "
        "simplified outlines of its neighbouring départements, clipped to lon 4…6.3, "
        "lat 42.9…44; the map draws it from zoom 8.",
    )
    # The map's own credit line while it draws this file (the attribution above is too long
    # for the map's corner; exports and the page footer carry it whole).
    entry["map_credit"] = "Coast near Marseille © IGN ADMIN EXPRESS 2018, Licence Ouverte"
    return {"basemap_land_city.geojson": entry}


def build_metadata(counts: Mapping[str, int], facts: Mapping[str, Any]) -> dict[str, Any]:
    """metadata.json: per-file provenance and licence, build info, Marseille FTTH, radii."""
    cables_date = str(facts["cables_data_date"])
    datasets = {
        **_telegeography_entries(counts, cables_date),
        **_france_entries(counts, facts),
        **_natural_earth_entries(counts),
        **_label_entries(counts, cables_date),
        **_city_basemap_entry(counts),
        **datacentre_entry(counts, facts),
        **_peeringdb_entry(counts, facts),
    }
    for file, entry in datasets.items():
        entry["command"] = rebuild_command(file, facts)
    # Why: PeeringDB is the user's own import and never the shipped data's date.
    dates = [e["data_date"] for f, e in datasets.items() if f != peeringdb.OUTPUT]
    return {
        "datasets": datasets,
        "build": {
            "script": "scripts/build_data.py",
            "built_at": max(dates),
            "built_at_note": "Deterministic: the newest data_date, not the wall-clock time.",
        },
        "marseille_commune_ftth": dict(facts["marseille_commune_ftth"]),
        "marseille_population": dict(facts["marseille_population"]),
        "coverage_radii_m": {t: COVERAGE_RADII_M[t] for t in facts["site_table"].technologies},
    }


def _kb(size: int) -> str:
    return f"{size / 1024:,.0f} KiB"


def summary_text(
    counts: Mapping[str, int],
    sizes: Mapping[str, int],
    timings: Mapping[str, float],
    facts: Mapping[str, Any],
    total_seconds: float,
) -> str:
    """The short report printed at the end of a run."""
    lines = ["Landfall data build", "files:"]
    for name, size in sorted(sizes.items()):
        count = f"{counts[name]:>5} features" if name in counts else " " * 14
        lines.append(f"  {name:<26} {count}  {_kb(size):>10}")
    lines.append(f"  total {_kb(sum(sizes.values()))}")
    lines.append(
        "regions (cables): "
        + ", ".join(f"{k} {v}" for k, v in region_counts(facts["cables"]).items())
    )
    marseille: list[str] = next(
        (
            f["properties"]["cable_ids"]
            for f in facts["landings"]
            if f["properties"]["id"] == "marseille-france"
        ),
        [],
    )
    lines.append(f"cables at marseille-france: {len(marseille)}")
    if facts["mobile"].skipped_zones:
        lines.append(
            "coverage zones without sites (omitted): " + ", ".join(facts["mobile"].skipped_zones)
        )
    lines.extend(peeringdb_summary(facts))
    lines.append(
        "timings: "
        + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
        + f"; total {total_seconds:.1f}s"
    )
    return "\n".join(lines)


def _region_lines(
    regions: list[Region], cables: list[dict[str, Any]], landings: list[dict[str, Any]]
) -> list[str]:
    cable_counts = region_counts(cables)
    lp_counts = Counter(r for f in landings for r in f["properties"]["regions"])
    lines = []
    for region in sorted(regions, key=lambda r: r.id):
        gap = f"; plus {region.gap_fill_km2:,.0f} km² of gap fill" if region.gap_fill_km2 else ""
        lines.append(
            f"- `{region.id}`: {', '.join(region.source_names)}{gap}. "
            f"{cable_counts.get(region.id, 0)} cables, "
            f"{lp_counts.get(region.id, 0)} landing points."
        )
    return lines


def _sources_intro() -> list[str]:
    """The title of SOURCES.md and what holds for every file."""
    return [
        "# Sources of the shipped data",
        "",
        "Generated by `scripts/build_data.py` from the raw snapshots described in each raw "
        "folder's `SOURCE.md`. Do not edit by hand; rerun the build. Licences per file: "
        "`LICENSES.md`. Nothing from the PeeringDB snapshot is used (it is not openly licensed).",
        "",
        "All files are GeoJSON FeatureCollections in WGS 84 longitude/latitude (EPSG:4326), "
        "UTF-8, compact, features sorted by id, coordinates rounded to 5 decimals (basemaps: 3).",
        "",
    ]


def _cables_sources(counts: Mapping[str, int], facts: Mapping[str, Any]) -> list[str]:
    """SOURCES.md on cables.geojson and landing_points.geojson."""
    month = str(facts["cables_data_date"])[:7]
    marseille: list[str] = next(
        f["properties"]["cable_ids"]
        for f in facts["landings"]
        if f["properties"]["id"] == "marseille-france"
    )
    fallback = ", ".join(f"`{k}` → {v}" for k, v in facts["landing_country_fallback"].items())
    multi = ", ".join(f"`{c}`" for c in facts["cables_multi_feature"])
    comma = "; ".join(f"“{n}”" for n in facts["comma_names"])
    bad_urls = ", ".join(f"`{u}`" for u in facts["bad_urls"]) or "none"
    return [
        "## cables.geojson and landing_points.geojson",
        "",
        f"- Origin: {TG_CABLES.repository}, commit `{TG_CABLES.commit}`. TeleGeography export "
        f"`creation_time` {facts['cables_creation_time']} (config.json).",
        f"- Licence: {CC_BY_NC_SA} ({CC_BY_NC_SA_URL}). Attribution: "
        f"“{TG_CABLES.attribution.format(month=month)}”.",
        f"- Changes: the {facts['cable_geo_features']} route features were merged into "
        f"{counts['cables.geojson']} MultiLineStrings, one per cable id (ids with two upstream "
        f"features: {multi}). Properties joined from the per-cable records. `owners` and "
        "`suppliers` are split from one comma-separated string: split on commas outside "
        "parentheses, then a token that is only a legal-entity suffix (Ltd., LLC., Inc (OSI), "
        "Co., Lda., S.A., …; list `LEGAL_SUFFIXES` in `scripts/build/cables.py`) is re-attached "
        "to the name before it. One name has a comma but no suffix and is listed explicitly "
        "(`KNOWN_COMMA_NAMES`). Names with a comma in this build: " + comma + ". "
        "`length_km` parsed from text such as “45,000 km”; `rfs_year` is TeleGeography's own, "
        "else the first year in `rfs`. `url` keeps http(s) links only (dropped: "
        f"{bad_urls}).",
        "- Landing points: `cable_ids` are derived from the cable records' landing-point lists "
        "(authoritative; the per-landing-point files disagree for a few new cables). `country` "
        "comes from the per-landing-point records; where none exists it is the text after the "
        f"last “, ” of the name: {fallback or 'none'}.",
        f"- Regions: a cable's `regions` are the sea regions (regions.geojson) its route "
        f"intersects after buffering each region by {CABLE_REGION_BUFFER_DEG}° (Natural Earth's "
        "sea polygons stop short of the coast and routes are schematic). A landing point's "
        "`regions` are those whose polygon lies within "
        f"{LANDING_POINT_REGION_DISTANCE_M / 1000:.0f} km (geodesic distance to the nearest "
        "polygon point).",
        f"- {len(marseille)} cables land at `marseille-france`: {', '.join(marseille)}.",
        "- Caveats: stale (2022-11): later cables are missing and planned RFS dates have "
        "slipped. Routes are schematic drawings, not surveyed positions; a drawn length is not "
        "a cable length. No capacity data. Landing points are town-level map points.",
        "",
    ]


def _regions_sources(facts: Mapping[str, Any]) -> list[str]:
    """SOURCES.md on regions.geojson: each region's polygons and counts, and the gaps."""
    regions: list[Region] = facts["regions"]
    cables: list[dict[str, Any]] = facts["cables"]
    landings: list[dict[str, Any]] = facts["landings"]
    return [
        "## regions.geojson",
        "",
        f"- Origin: {NATURAL_EARTH.repository}, commit `{NATURAL_EARTH.commit}` "
        "(`ne_50m_geography_marine_polys.json`, `ne_50m_land.json`). Public domain.",
        *_region_lines(regions, cables, landings),
        "- Natural Earth 4.0.0 (1:50m) has no Ligurian, Alboran, Cretan, Marmara, Azov, Gulf of "
        "Suez or Gulf of Aqaba polygons. Its named Mediterranean polygons leave the Alboran Sea, "
        "the Ligurian Sea, the Sea of Crete and the gulfs of Gabès and Sidra uncovered, so the "
        "Mediterranean region also takes every sea area inside the convex hull of its named "
        f"polygons that no named polygon covers and that is at least {MIN_GAP_AREA_DEG2} square "
        "degrees (smaller pieces are coastline slivers and the Dardanelles). The Sea of Marmara, "
        "Bosporus and Dardanelles belong to no region.",
        "- The Red Sea polygon stops at about 28° N, so landing points on the gulfs of Suez and "
        "Aqaba (Suez, Zafarana, Ras Ghareb, Aqaba) are not tagged `red-sea`.",
        "",
    ]


def _facilities_sources(facts: Mapping[str, Any]) -> list[str]:
    """SOURCES.md on facilities.geojson."""
    return [
        "## facilities.geojson",
        "",
        f"- Origin: {TG_IX.repository}, commit `{TG_IX.commit}` (data last changed 2020-08-31). "
        "The copy used had the per-exchange personal contact fields removed.",
        f"- Licence: {CC_BY_NC_SA} ({CC_BY_NC_SA_URL}). Attribution: “{TG_IX.attribution}”.",
        "- Changes: `id` = `building-<building_id>`; `name` = first address line; `address` = "
        "address lines joined with “, ”; `exchanges` = each exchange label without its trailing "
        "“(City, Country)”; `exchange_urls` = the exchanges' http(s) URLs, de-duplicated "
        "(not index-aligned with `exchanges`). `city` and `country` come from TeleGeography's "
        "slugs: the spelling is taken from the exchange labels whose slug matches (this restores "
        "accents the slugs dropped, e.g. `bogot` → Bogotá), and for countries the cable data's "
        f"spelling wins where the slugs match ({len(facts['facility_countries_from_cables'])} "
        "countries, e.g. `cte-divoire` → Côte d'Ivoire, `congo-dem-rep-` → Congo, Dem. Rep.); "
        "otherwise the slug is title-cased.",
        "- Caveats: stale (August 2020); buildings, not operators (no facility owner, name or "
        "capacity). Marseille has 3 buildings; MRS4 (2021) and MRS5 are missing.",
        "",
    ]


def _mobile_sources(facts: Mapping[str, Any]) -> list[str]:
    """SOURCES.md on coverage.geojson and mobile_sites.geojson: the cleaning of the site list
    and the modelling assumption."""
    table = facts["site_table"]
    mobile = facts["mobile"]
    by_op = count_by_operator(mobile.sites)
    radii = _radii_text(table.technologies)
    sites = sites_upstream(facts)
    return [
        "## coverage.geojson and mobile_sites.geojson",
        "",
        f"- Origin: {sites.repository}, commit `{sites.commit}`, file "
        f"`{facts['sites_file_name']}` (ARCEP, {table.vintage}, {table.layout} layout; "
        "`scripts/build/arcep_sites.py` reads both the 2018 and the current layout). "
        f"Département 13 and commune 13055 outlines: {IGN_2018.repository}, commit "
        f"`{IGN_2018.commit}`.",
        f"- Licence: {LICENCE_OUVERTE} ({LICENCE_OUVERTE_URL}). Attribution: "
        f"“{sites.attribution}” and “{IGN_2018.attribution}”. (The ARCEP licence is inferred "
        "from ARCEP's open-data policy; the copied repository states none.)",
        f"- Cleaning: {table.rows_read:,} rows read; {table.rows_without_coordinates} row without "
        f"coordinates (`#N/A`) dropped; {table.duplicated_triples} (operator, X, Y) triples occur "
        f"more than once, so {table.duplicate_rows} repeated rows were merged (technology flags "
        f"OR-ed) into {len(table.sites):,} sites. Lambert-93 (EPSG:2154) converted to WGS 84 with "
        "pyproj (always_xy).",
        f"- mobile_sites: the {mobile.sites_in_department:,} deduplicated sites inside "
        "département 13 (" + ", ".join(f"{k} {v}" for k, v in by_op.items()) + "); "
        f"{mobile.sites_in_marseille} of them lie in the commune of Marseille (13055, 2018 "
        "outline, islands included). `id` is `site-<n>` in (operator, X, Y) order.",
        "- coverage: MODELLING ASSUMPTION. For each operator and technology, the union of "
        f"circular buffers around the sites carrying it ({radii}; plausible urban/suburban "
        "macro-cell radii, larger for the lower-frequency 2G layer), built in EPSG:2154, "
        "clipped to the land of département 13, simplified with a "
        f"{SIMPLIFY_TOLERANCE_M:.0f} m tolerance and reprojected. Sites up to one radius "
        "outside the département also contribute (their coverage crosses the boundary); "
        "`site_count` counts only sites inside it and `sites_in_marseille` those inside "
        "commune 13055. `area_km2` is computed in EPSG:2154. "
        + (
            f"Omitted (no sites): {', '.join(mobile.skipped_zones)} (Free Mobile had no 2G "
            "network of its own in 2018; its subscribers roamed on Orange)."
            if mobile.skipped_zones
            else ""
        ),
        "- Caveats: these are NOT coverage maps. Real cell ranges vary from a few hundred metres "
        f"to over 10 km with terrain, band, power and load. Data of {table.vintage} "
        f"({', '.join(table.technologies)}); Marseille's network changes every quarter.",
        "",
    ]


def _ftth_sources(facts: Mapping[str, Any]) -> list[str]:
    """SOURCES.md on ftth.geojson: fields, inferred class meanings and why no percentages."""
    check = facts["class_check"]
    commune = facts["marseille_commune_ftth"]
    over_one = [c for c, r in check.arrondissement_ratios.items() if r > 1]
    lowest = min(check.arrondissement_ratios.items(), key=lambda kv: kv[1], default=("-", 0.0))
    ratios = ", ".join(f"{c}: {r:.2f}" for c, r in check.arrondissement_ratios.items())
    return [
        "## ftth.geojson",
        "",
        f"- Origin: {ARCEP_FTTH.repository}, commit `{ARCEP_FTTH.commit}` "
        "(`ftthArrondissements.csv`, `arrondissements.csv`, `ftthCommunes.csv`, `communes.csv`). "
        f"Arrondissement outlines: {IGN_2017.repository}, commit `{IGN_2017.commit}` "
        "(codes 13201–13216, names whitespace-normalised).",
        f"- Licence: {LICENCE_OUVERTE} ({LICENCE_OUVERTE_URL}). Attribution: "
        f"“{ARCEP_FTTH.attribution}” and “{IGN_2017.attribution}”.",
        "- Fields: premises connectable to FTTH (“locaux raccordables”) at the end of T3 2017, "
        "T4 2017 and T1 2018, and ARCEP's class (“Catégorie”) at T1 2018.",
        "- Class meanings are INFERRED (the sheets carry no legend): 0 → none, 5 → under 10 %, "
        "10 → 10–25 %, 25 → 25–50 %, 50 → 50–80 %, 80 → 80 % or more of premises connectable. "
        f"Check: for {check.communes_matching:,} of {check.communes_checked:,} communes with a "
        "non-zero class, premises ÷ (logements + établissements) falls in the inferred band.",
        "- Per-arrondissement percentages are deliberately NOT computed. The arrondissement "
        "`Logements` column looks scrambled: premises ÷ (logements + établissements) per "
        f"arrondissement is {ratios}; only {check.arrondissements_matching} of "
        f"{len(check.arrondissement_ratios)} agree with ARCEP's own class (ratios above 1 for "
        f"{', '.join(over_one) or 'none'}; {lowest[1]:.2f} for {lowest[0]}), whereas "
        f"{check.other_arrondissements_matching} of {check.other_arrondissements_checked} "
        "Paris and Lyon arrondissements agree. The values "
        f"sum to {commune['sum_of_arrondissement_logements']:,} against "
        f"{commune['logements']:,} for the commune. Commune-level figures for Marseille (13055) "
        "are in metadata.json (`marseille_commune_ftth`): "
        f"{commune['ftth_premises_2018q1']:,} premises connectable at T1 2018, "
        f"{commune['logements']:,} logements, {commune['etablissements']:,} établissements, "
        f"ratio {commune['ratio_premises_to_logements_plus_etablissements']:.2f} (class "
        f"{commune['ftth_class_2018q1']}).",
        *_population_sources(facts),
        "- Caveats: stale (Q1 2018); Marseille is now almost fully fibred. The 2017 outlines "
        "(single polygons) omit offshore islands and differ slightly from the 2018 commune "
        "outline.",
        "",
    ]


def _population_sources(facts: Mapping[str, Any]) -> list[str]:
    """SOURCES.md lines on the ``population`` field of ftth.geojson."""
    population = facts["marseille_population"]
    largest = max(population["by_arrondissement"].items(), key=lambda kv: kv[1])
    smallest = min(population["by_arrondissement"].items(), key=lambda kv: kv[1])
    return [
        f"- `population`: {population['vintage']}, from {INSEE_POPULATION.repository} "
        f"({INSEE_POPULATION.commit}; `insee-population-2026/` in the raw folder), joined on the "
        f"INSEE code. The 16 arrondissements add up to {population['total']:,}, Marseille's own "
        f"figure (13055; the build checks it); largest {largest[0]} ({largest[1]:,}), smallest "
        f"{smallest[0]} ({smallest[1]:,}). {LICENCE_OUVERTE}; attribution "
        f"“{INSEE_POPULATION.attribution}”. The package names no census year: the figures are "
        "called by their edition. Mixing them with the 2018 network data mixes vintages; the app "
        "labels both wherever it combines them.",
    ]


def _basemap_sources(facts: Mapping[str, Any]) -> list[str]:
    """SOURCES.md on basemap_land.geojson and basemap_borders.geojson."""
    return [
        "## basemap_land.geojson and basemap_borders.geojson",
        "",
        f"- Origin: {NATURAL_EARTH.repository}, commit `{NATURAL_EARTH.commit}` (data files of "
        "2017-11-09, Natural Earth v4.0.0): `ne_50m_land.json`, "
        "`ne_50m_admin_0_boundary_lines_land.json`. Public domain; credit “Made with Natural "
        "Earth”.",
        f"- Changes: {facts['land_source_features']:,} land polygons and "
        f"{facts['border_source_features']} border lines, each merged into one feature "
        "(property `kind`: `land` / `border`); any segment crossing ±180° split there; "
        "simplified (land 0.02°, borders 0.01°, topology-preserving); segments longer than 90° "
        "densified (so no step jumps more than 180° in longitude); rounded to 0.001° (land "
        "snapped with shapely `set_precision`, which keeps polygons valid).",
        "- Caveats: Natural Earth draws de-facto borders; small islands below the grid vanish.",
        "",
        "## basemap_land_10m.geojson",
        "",
        f"- Origin: {NATURAL_EARTH_10M.repository}: `land-10m.json` (TopoJSON, quantised to "
        "0.0036° × 0.0017°), fetched by the build with `npm pack` and checked against the sha256 "
        f"above ({NATURAL_EARTH_10M.commit}). Natural Earth is public domain; the package is ISC "
        "(© 2013-2019 Michael Bostock). Credit “Made with Natural Earth”.",
        "- Changes: TopoJSON decoded to polygons, clipped to lon −10…52, lat 10…48 (the collection's "
        "`bbox`), simplified to 0.002° (topology-preserving) and snapped to 0.001°; one feature "
        "(`kind`: `land`).",
        "- Use: the map paints the sea over the 1:50m land inside the box and draws this land on "
        "top from zoom 5; outside the box the 1:50m land stays.",
        "",
        "## basemap_land_city.geojson",
        "",
        f"- Origin: {IGN_2018.repository}, commit `{IGN_2018.commit}`: "
        "`departement-13-bouches-du-rhone.geojson` (ADMIN EXPRESS COG 2018, with the Frioul, "
        "Riou and other islands) and `departements-version-simplifiee.geojson` (the neighbours). "
        f"{LICENCE_OUVERTE}; attribution “{IGN_2018.attribution}”.",
        "- Changes: the Bouches-du-Rhône outline as published (5 decimals, ~230 m between coastal "
        "vertices) united with the simplified outlines of the départements around it, grown "
        "0.005° into Bouches-du-Rhône (never into the sea) so that no sliver opens along the "
        "inland borders; clipped to lon 4…6.3, lat 42.9…44 (the collection's `bbox`).",
        "- Use: the map draws it, over the sea painted across its box, from zoom 8: the "
        "Marseille close-up follows the real coast (harbour, Calanques, islands).",
        "- Caveats: the neighbouring départements' coast (Var, Gard) is simplified; outside the "
        "box the map uses Natural Earth.",
        "",
    ]


def _label_sources(facts: Mapping[str, Any]) -> list[str]:
    """SOURCES.md on place_labels.geojson."""
    return [
        "## place_labels.geojson",
        "",
        f"- Origin: landing_points.geojson (TeleGeography, see above) and {IGN_2017.repository}, "
        f"commit `{IGN_2017.commit}`, "
        "`communes-13-bouches-du-rhone_v2.0.2_with-marseille-arrondissements.geojson`.",
        f"- Fields: `name`, `kind` (`town`: {facts['town_labels']:,} landing-point towns, "
        "with `cables`, the landing point's cable count, which decides which label wins where "
        f"labels collide; `arrondissement`: {facts['arrondissement_labels']} arrondissements of "
        "Marseille, with their INSEE `code`).",
        "- Changes: a town is the landing point's name up to its first comma (`Marseille, "
        "France` → `Marseille`), one label per landing-point name, none for positions still to "
        "be decided; an arrondissement's name loses its doubled spaces and the word "
        "`Arrondissement` (`Marseille 8e`) and sits at the polygon's pole of inaccessibility "
        "(shapely `polylabel`).",
        "- Drawn with the DejaVu Sans glyphs in `assets/glyphs/` (see the licence there).",
        "",
    ]


def sources_markdown(counts: Mapping[str, int], facts: Mapping[str, Any]) -> str:
    """data/SOURCES.md: origin, date, licence, attribution, changes and caveats per file."""
    sections = [
        *_sources_intro(),
        *_cables_sources(counts, facts),
        *_regions_sources(facts),
        *_facilities_sources(facts),
        *datacentre_sources(facts),
        *_mobile_sources(facts),
        *_ftth_sources(facts),
        *_basemap_sources(facts),
        *_label_sources(facts),
    ]
    return "\n".join(sections)


def licenses_markdown(facts: Mapping[str, Any]) -> str:
    """data/LICENSES.md: which licence governs which shipped file (plus, in a folder built with
    ``--peeringdb``, the terms of that import)."""
    cables_month = str(facts["cables_data_date"])[:7]
    sites = sites_upstream(facts)
    vintage = facts["site_table"].vintage
    return "\n".join(
        [
            "# Licences of the shipped data",
            "",
            "The project's code licence does not apply to these data files. Each file keeps the "
            "licence of the data it is derived from. Attribution strings are also in "
            "`metadata.json`, and the app shows them on the page and in every export.",
            "",
            "| file | licence | attribution |",
            "|---|---|---|",
            f"| cables.geojson, landing_points.geojson | {CC_BY_NC_SA} | "
            + TG_CABLES.attribution.format(month=cables_month)
            + " |",
            f"| facilities.geojson | {CC_BY_NC_SA} | {TG_IX.attribution} |",
            f"| datacentres.geojson | {ODBL} (records from OpenStreetMap) + {CC_BY_NC_SA} "
            f"(records from TeleGeography; merged records carry both) | "
            f"{OSM_DATACENTRES.attribution}; {TG_IX.attribution} |",
            f"| coverage.geojson, mobile_sites.geojson | {LICENCE_OUVERTE} | "
            f"{sites.attribution}; {IGN_2018.attribution} |",
            f"| ftth.geojson | {LICENCE_OUVERTE} | {ARCEP_FTTH.attribution}; "
            f"{IGN_2017.attribution}; {INSEE_POPULATION.attribution} |",
            f"| place_labels.geojson | {CC_BY_NC_SA} (town names, from landing_points.geojson) + "
            f"{LICENCE_OUVERTE} (arrondissement names) | "
            + TG_CABLES.attribution.format(month=cables_month)
            + f"; {IGN_2017.attribution} |",
            "| basemap_land.geojson, basemap_borders.geojson, basemap_land_10m.geojson, "
            "regions.geojson | Public domain (Natural Earth) | Made with Natural Earth (customary, "
            "not required) |",
            f"| basemap_land_city.geojson | {LICENCE_OUVERTE} | {IGN_2018.attribution} |",
            "| metadata.json, SOURCES.md, LICENSES.md | documentation; quotes the above | — |",
            "",
            "The map's labels are drawn with glyphs made from the DejaVu Sans font (Bitstream Vera "
            "licence, DejaVu changes public domain): `assets/glyphs/LICENSE.md` has the licence "
            "text; `scripts/build_glyphs.py` makes the glyph files.",
            "",
            "## TeleGeography data: CC BY-NC-SA 3.0 Unported",
            "",
            "cables.geojson, landing_points.geojson and facilities.geojson are derived from "
            f"TeleGeography's Submarine Cable Map ({cables_month} snapshot) and Internet Exchange "
            "Map (2020), published under the Creative Commons "
            "Attribution-NonCommercial-ShareAlike 3.0 Unported licence. "
            f"Legal code: {CC_BY_NC_SA_URL} (summary: "
            "https://creativecommons.org/licenses/by-nc-sa/3.0/).",
            "",
            "- **Attribution**: credit TeleGeography with the strings above and link to the licence.",
            "- **NonCommercial**: these files, and anything derived from them (filtered or merged "
            "data, exported tables and charts), may not be used for commercial purposes.",
            "- **ShareAlike**: if you redistribute them or data derived from them, you must do so "
            "under CC BY-NC-SA 3.0 (or a compatible licence), and say what you changed "
            "(SOURCES.md lists the changes made here).",
            "- Do not replace these files with TeleGeography's current live API: its data after "
            "late 2022 is published commercially, and its open licence for reuse is not established.",
            "",
            *_odbl_section(),
            "## ARCEP, IGN and INSEE data: Licence Ouverte / Open Licence (Etalab)",
            "",
            "coverage.geojson, mobile_sites.geojson and ftth.geojson are derived from ARCEP open data "
            f"(mobile sites, {vintage}; FTTH deployment, T1 2018) and IGN administrative boundaries "
            "(GEOFLA 2017, ADMIN EXPRESS COG 2018, via gregoiredavid/france-geojson), as is "
            "basemap_land_city.geojson (ADMIN EXPRESS COG 2018 outlines); the `population` of "
            "ftth.geojson is INSEE's legal population (COG 2026 edition, through Etalab's "
            "@etalab/decoupage-administratif 6.0.0). All are published under "
            f"the French Licence Ouverte / Open Licence (Etalab): {LICENCE_OUVERTE_URL}. The copied "
            "sources do not say whether version 1.0 (2011) or 2.0 (2017) applies; both allow reuse, "
            "including commercial reuse and modification, provided the source and the date of its "
            "last update are credited. For the ARCEP mobile sites the licence is inferred from "
            "ARCEP's open-data policy (the copy used states none).",
            "",
            "## Natural Earth: public domain",
            "",
            "basemap_land.geojson, basemap_borders.geojson and regions.geojson are derived from "
            "Natural Earth v4.0.0, basemap_land_10m.geojson from Natural Earth v4.1.0 (through "
            "the npm package world-atlas 2.0.2, ISC, © 2013-2019 Michael Bostock), all in the "
            f"public domain ({PUBLIC_DOMAIN_URL}). No attribution is required; “Made with Natural "
            "Earth” is customary.",
            "",
            *_peeringdb_licence(facts),
        ]
    )


def datacentre_entry(counts: Mapping[str, int], facts: Mapping[str, Any]) -> dict[str, Any]:
    """metadata.json entry of datacentres.geojson (OSM + TeleGeography IX buildings)."""
    imported = facts.get("datacentre_input")
    osm = OSM_DATACENTRES
    if imported:
        osm = Upstream(
            f"OpenStreetMap export imported from {imported}",
            "—",
            ODBL,
            ODBL_URL,
            OSM_DATACENTRES.attribution,
        )
    entry = _entry(
        "Data centres",
        (osm, TG_IX),
        IX_DATA_DATE,
        counts["datacentres.geojson"],
        "One record per building: OpenStreetMap data-centre features (extract of 2025 or later, "
        "undated) and the TeleGeography IX buildings in their extent (2020), merged where they "
        "are the same place. power_mw is data_center:power as tagged in OpenStreetMap "
        "(nameplate, not measured). Each record names its sources, licence and attribution.",
    )
    entry["data_date_note"] = "OSM extract undated (2025 or later); IX buildings 2020-08-31."
    return {"datacentres.geojson": entry}


def datacentre_sources(facts: Mapping[str, Any]) -> list[str]:
    """SOURCES.md on datacentres.geojson."""
    report = facts["datacentre_merge"]
    records = facts["datacentres"]
    imported = facts.get("datacentre_input")
    origin = (
        f"an OpenStreetMap export imported with `--osm-datacentres {imported}`"
        if imported
        else f"{OSM_DATACENTRES.repository}, commit `{OSM_DATACENTRES.commit}` (23 features of "
        "PACA, see the raw folder's SOURCE.md; extract undated, 2025 or later)"
    )
    merged = ", ".join(f"{fac} → {rec} ({d} m)" for fac, rec, d in report.merged) or "none"
    ambiguous = "; ".join(f"{fac} ({', '.join(names)})" for fac, names in report.ambiguous)
    powered = [r for r in records if r["properties"]["power_mw"] is not None]
    return [
        "## datacentres.geojson",
        "",
        f"- Origin: {origin}; and facilities.geojson (TeleGeography IX buildings, 2020).",
        f"- Licence: per record. OpenStreetMap records: {ODBL} ({ODBL_URL}), attribution "
        f"“{OSM_DATACENTRES.attribution}”, share-alike. TeleGeography records: {CC_BY_NC_SA}. "
        "Merged records carry both (`licence`, `attribution`, `sources` per record).",
        "- Changes: one Point per building (the outline's centroid, or a point inside it); "
        "`name` = OSM name, else ref, else “Unnamed data centre (operator)”; `operator` = OSM "
        "`operator`; `power_mw` = `data_center:power` parsed (“16 MW” → 16, kW → MW; null when "
        "absent or not one number with a unit, the tag kept as `power_tag`); `kind` by the tag "
        "rule in scripts/build/datacentres.py (telecom=exchange or a French network operator → "
        "telecom exchange; hosts an IX, building=data_center or a power tag → colocation; office "
        "and public buildings → enterprise; else unknown); `website` kept only when http(s).",
        f"- Merge: an IX building within {MERGE_DISTANCE_TEXT} of exactly one OSM building, or "
        "with a matching site code (MRS1) or street address within 1 km, is that building: the "
        f"record keeps both sources. Merged: {merged}. Not merged, ambiguous: "
        f"{ambiguous or 'none'}. IX buildings kept as records of their own: "
        f"{len(report.unmerged) + len(report.ambiguous)}; outside the OSM extent (facilities "
        f"layer only): {report.outside}.",
        f"- Counts: {len(records)} records, {len(powered)} with a tagged power.",
        "- Caveats: not every OSM data centre is a colocation site (corporate IT rooms, telephone "
        "exchanges); “Datacenter Martha” is a 1944 bunker on Digital Realty's port campus.",
        "",
    ]


MERGE_DISTANCE_TEXT = "50 m"


def _odbl_section() -> list[str]:
    """LICENSES.md on the OpenStreetMap-derived records (ODbL share-alike)."""
    return [
        "## OpenStreetMap data: ODbL 1.0",
        "",
        "The OpenStreetMap records of datacentres.geojson (`sources` includes OpenStreetMap) are "
        "derived from OpenStreetMap and are available under the Open Database License 1.0 "
        f"({ODBL_URL}).",
        "",
        "- **Attribution**: “© OpenStreetMap contributors” wherever the data or a map made from "
        "it is shown or exported.",
        "- **Share-alike**: a database derived from these records (this file, a filtered export) "
        "must be offered under the ODbL too. Records merged with TeleGeography data are also "
        "bound by CC BY-NC-SA 3.0 (non-commercial).",
        "",
    ]


# --- imports given on the command line --------------------------------------------------------

#: The command that rebuilds the shipped data (paths are the user's: the raw folder and data/).
BUILD_COMMAND = "python scripts/build_data.py --raw <raw folder> --out <data folder>"


def rebuild_command(file: str, facts: Mapping[str, Any]) -> str:
    """The command that rebuilds or imports ``file``: the build, plus the import flag (with the
    imported file's or folder's name) that fed it."""
    if file == peeringdb.OUTPUT:
        return f"{BUILD_COMMAND} --peeringdb {facts['peeringdb_folder_name']}"
    sites = facts.get("sites_import")
    if sites is not None and file in ("coverage.geojson", "mobile_sites.geojson"):
        return f"{BUILD_COMMAND} --arcep-sites {sites['name']}"
    return BUILD_COMMAND


def _peeringdb_entry(counts: Mapping[str, int], facts: Mapping[str, Any]) -> dict[str, Any]:
    """metadata.json entry of an imported PeeringDB folder (none without ``--peeringdb``)."""
    imported: peeringdb.PeeringDbImport | None = facts.get("peeringdb")
    if imported is None:
        return {}
    left_out = ", ".join(f"{k} {v}" for k, v in imported.not_ok.items())
    return {
        peeringdb.OUTPUT: {
            "title": "PeeringDB facilities (your import; not shipped, not exported)",
            "source": f"PeeringDB dump in {facts['peeringdb_folder_name']} "
            f"({', '.join(peeringdb.FILES)})",
            "source_commit": "",
            "data_date": imported.data_date,
            "licence": peeringdb.LICENCE,
            "licence_url": peeringdb.LICENCE_URL,
            "attribution": peeringdb.ATTRIBUTION,
            "feature_count": counts[peeringdb.OUTPUT],
            "notes": "Facilities whose status is ok, with org_name as operator, PeeringDB's "
            "net/IX/carrier counts and the IXs joined through ixfac. Left out (status not ok): "
            f"{left_out}. Without coordinates (not drawn): "
            f"{len(imported.without_coordinates)}. Every record carries sources ['PeeringDB'] "
            "and its licence; no export includes these records.",
            "without_coordinates": [
                {"id": ident, "name": name} for ident, name in imported.without_coordinates
            ],
        }
    }


def peeringdb_summary(facts: Mapping[str, Any]) -> list[str]:
    """The build summary's lines on a PeeringDB import: what was kept and what was not."""
    imported: peeringdb.PeeringDbImport | None = facts.get("peeringdb")
    if imported is None:
        return []
    lines = [
        f"peeringdb: {len(imported.features)} facilities with coordinates; left out (status "
        "not ok): " + ", ".join(f"{k} {v}" for k, v in imported.not_ok.items()),
        f"peeringdb: {len(imported.without_coordinates)} facilities without coordinates "
        "(not drawn): "
        + (", ".join(f"{i} {n!r}" for i, n in imported.without_coordinates) or "none"),
    ]
    if imported.dangling_links:
        lines.append(
            f"peeringdb: {imported.dangling_links} ixfac links to an IX or facility that is "
            "absent or not ok"
        )
    if imported.dropped_urls:
        lines.append(
            "peeringdb: websites that are not http(s) dropped for facilities "
            + ", ".join(str(i) for i in imported.dropped_urls)
        )
    return lines


def _peeringdb_licence(facts: Mapping[str, Any]) -> list[str]:
    """LICENSES.md's section on a PeeringDB import (none without ``--peeringdb``)."""
    if facts.get("peeringdb") is None:
        return []
    return [
        "## PeeringDB import: not openly licensed",
        "",
        f"{peeringdb.OUTPUT} was imported from a PeeringDB dump you supplied "
        "(`--peeringdb`). PeeringDB data is © PeeringDB, all rights reserved, and used under "
        f"its Acceptable Use Policy ({peeringdb.LICENCE_URL}): it may not be redistributed "
        "without PeeringDB's permission. Landfall never ships it and leaves it out of every "
        "export; do not publish this folder.",
        "",
    ]
