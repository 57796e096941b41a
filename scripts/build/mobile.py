"""ARCEP mobile sites (January 2018) → deduplicated site points and modelled coverage zones for
the Bouches-du-Rhône département."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from .common import Feature, feature, geometry_to_geojson, round_coord

#: Operator MCC+MNC code → commercial name.
OPERATORS: dict[str, str] = {
    "20801": "Orange",
    "20810": "SFR",
    "20815": "Free Mobile",
    "20820": "Bouygues Telecom",
}
#: The technologies of ARCEP's 2018 site list (current editions add 5G).
TECHNOLOGIES: tuple[str, ...] = ("2G", "3G", "4G")

#: MODELLING ASSUMPTION. One circular radius per technology, typical of urban/suburban macro cells
#: (shorter for the higher bands that carry 3G and 4G). Real cells vary from a few hundred
#: metres in central Marseille to 10 km or more in the Camargue; these zones are indicative only.
#: 5G: 1,000 m, because most 5G capacity rides on 3.5 GHz cells, shorter-reaching than 4G's
#: bands (its 700 MHz layer reaches further: the zone understates that layer).
COVERAGE_RADII_M: dict[str, int] = {"2G": 2500, "3G": 2000, "4G": 1500, "5G": 1000}

#: Douglas–Peucker tolerance (metres, EPSG:2154) for the coverage outlines.
SIMPLIFY_TOLERANCE_M = 20.0
#: Segments per quarter circle for the site buffers (32-gon circles).
BUFFER_QUAD_SEGS = 8

L93 = "EPSG:2154"
WGS84 = "EPSG:4326"


def coverage_radius_m(technology: str) -> int:
    """The modelled coverage radius in metres for "2G", "3G", "4G" or "5G"."""
    try:
        return COVERAGE_RADII_M[technology]
    except KeyError:
        raise ValueError(f"unknown technology {technology!r}") from None


def method_sentence(radius_m: int, vintage: str = "Jan 2018") -> str:
    """The ``method`` text of a coverage feature (``vintage``: the site list's edition)."""
    return (
        f"Modelled: union of {radius_m:,} m buffers around ARCEP site locations ({vintage}), "
        "clipped to land; not measured coverage"
    )


@dataclass(frozen=True)
class SiteTable:
    """Deduplicated sites in Lambert-93, what cleaning removed, and the list's edition."""

    sites: pd.DataFrame  # columns: operator, x, y and one 0/1 column per technology
    rows_read: int
    rows_without_coordinates: int
    duplicate_rows: int
    duplicated_triples: int
    #: The technologies the file has columns for, e.g. ("2G", "3G", "4G") or with "5G".
    technologies: tuple[str, ...] = TECHNOLOGIES
    #: The edition as a label ("Jan 2018", "2024 Q1") and as the data date ("2018-01", "2024-Q1").
    vintage: str = "Jan 2018"
    data_date: str = "2018-01"
    #: "2018" or "current" (see scripts/build/arcep_sites.py).
    layout: str = "2018"


def merge_sites(
    frame: pd.DataFrame, technologies: tuple[str, ...], vintage: str, data_date: str, layout: str
) -> SiteTable:
    """Drop rows without coordinates and merge repeated (operator, X, Y) triples, OR-ing their
    technology flags (``frame``: operator, x, y in Lambert-93 and a 0/1 column per technology)."""
    has_xy = frame["x"].notna() & frame["y"].notna()
    located = frame[has_xy].astype({"x": "int64", "y": "int64"})
    keys = ["operator", "x", "y"]
    dup_mask = located.duplicated(keys, keep=False)
    merged = (
        located.groupby(keys, sort=True, as_index=False)[list(technologies)]
        .max()
        .reset_index(drop=True)
    )
    return SiteTable(
        sites=merged,
        rows_read=len(frame),
        rows_without_coordinates=int((~has_xy).sum()),
        duplicate_rows=len(located) - len(merged),
        duplicated_triples=int(located[dup_mask].drop_duplicates(keys).shape[0]),
        technologies=technologies,
        vintage=vintage,
        data_date=data_date,
        layout=layout,
    )


def to_lambert93(geom: BaseGeometry) -> BaseGeometry:
    """Reproject a lon/lat geometry to Lambert-93 metres."""
    transformer = Transformer.from_crs(WGS84, L93, always_xy=True)
    return shapely.transform(
        geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )


def to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """Reproject a Lambert-93 geometry to lon/lat."""
    transformer = Transformer.from_crs(L93, WGS84, always_xy=True)
    return shapely.transform(
        geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )


def inside(area: BaseGeometry, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Boolean mask of the points (x, y) that lie in ``area`` (same CRS)."""
    shapely.prepare(area)
    return np.asarray(shapely.intersects_xy(area, x, y), dtype=bool)


def coverage_zone(
    x: NDArray[np.float64], y: NDArray[np.float64], radius_m: float, land: BaseGeometry
) -> BaseGeometry:
    """Union of circular buffers around the sites, clipped to ``land`` and simplified
    (all in metres)."""
    if len(x) == 0:
        return shapely.Polygon()
    circles = shapely.buffer(shapely.points(x, y), radius_m, quad_segs=BUFFER_QUAD_SEGS)
    zone = shapely.intersection(shapely.union_all(circles), land)
    return shapely.make_valid(zone.simplify(SIMPLIFY_TOLERANCE_M, preserve_topology=True))


@dataclass(frozen=True)
class MobileOutputs:
    """The built mobile layers and figures for the documentation."""

    sites: list[Feature]
    coverage: list[Feature]
    sites_in_department: int
    sites_in_marseille: int
    skipped_zones: list[str]


def build_mobile(
    table: SiteTable, department_wgs84: BaseGeometry, marseille_wgs84: BaseGeometry
) -> MobileOutputs:
    """Site points inside the département and the 12 operator × technology coverage zones.

    Buffers also use sites up to one radius outside the département, because their coverage
    reaches across the boundary; ``site_count`` only counts sites inside it.
    """
    # Why: other PLMN codes (none in the 2018 file) are not one of the four networks.
    sites = table.sites[table.sites["operator"].isin(list(OPERATORS))]
    department = to_lambert93(department_wgs84)
    marseille = to_lambert93(marseille_wgs84)
    x = sites["x"].to_numpy(dtype=float)
    y = sites["y"].to_numpy(dtype=float)
    in_dept = inside(department, x, y)
    in_city = inside(marseille, x, y) & in_dept
    max_radius = max(coverage_radius_m(t) for t in table.technologies)
    near_dept = inside(department.buffer(max_radius), x, y)

    coverage: list[Feature] = []
    skipped: list[str] = []
    for code, name in sorted(OPERATORS.items()):
        is_op = (sites["operator"] == code).to_numpy()
        for tech in table.technologies:
            has_tech = is_op & (sites[tech] == 1).to_numpy()
            radius = coverage_radius_m(tech)
            grow = has_tech & near_dept
            zone = coverage_zone(x[grow], y[grow], radius, department)
            if zone.is_empty:
                # Why: an operator without that technology (Free Mobile had no 2G network of
                # its own in 2018) gets no feature rather than an empty geometry.
                skipped.append(f"{name} {tech}")
                continue
            properties = {
                "operator": name,
                "operator_code": code,
                "technology": tech,
                "method": method_sentence(radius, table.vintage),
                "radius_m": radius,
                "site_count": int((has_tech & in_dept).sum()),
                "area_km2": round(zone.area / 1e6, 2),
                "sites_in_marseille": int((has_tech & in_city).sum()),
                "vintage": table.vintage,
            }
            coverage.append(feature(properties, geometry_to_geojson(to_wgs84(zone))))

    dept_sites = sites[in_dept].sort_values(["operator", "x", "y"]).reset_index(drop=True)
    lonlat = Transformer.from_crs(L93, WGS84, always_xy=True).transform(
        dept_sites["x"].to_numpy(dtype=float), dept_sites["y"].to_numpy(dtype=float)
    )
    width = len(str(len(dept_sites)))
    codes = dept_sites["operator"].astype(str).tolist()
    flags = {t: dept_sites[t].to_numpy(dtype=int) for t in table.technologies}
    site_features: list[Feature] = []
    for index, (code, lon, lat) in enumerate(zip(codes, *lonlat, strict=True)):
        properties = {
            "id": f"site-{index + 1:0{width}d}",
            "operator": OPERATORS[code],
            "operator_code": code,
            **{f"has_{t.lower()}": bool(flags[t][index]) for t in table.technologies},
        }
        site_features.append(
            feature(
                properties,
                {
                    "type": "Point",
                    "coordinates": [round_coord(float(lon)), round_coord(float(lat))],
                },
            )
        )
    return MobileOutputs(site_features, coverage, int(in_dept.sum()), int(in_city.sum()), skipped)


def count_by_operator(features: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Number of site features per operator name (for the summary and SOURCES.md)."""
    counts: dict[str, int] = {}
    for item in features:
        name = str(item["properties"]["operator"])
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))
