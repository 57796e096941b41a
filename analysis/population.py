"""Population-weighted shares of Marseille's networks: FTTH classes and modelled mobile coverage.

Pure functions over the loaded frames (no I/O, no Dash). The areas are the arrondissements of
``ftth.geojson`` (``population``, ``ftth_class``, ``ftth_class_label``, polygons in EPSG:4326);
the coverage is ``coverage.geojson`` (``operator``, ``technology``, polygons in EPSG:4326).

Coverage is weighted by area: a resident counts as covered in the proportion of their
arrondissement's area that lies inside the modelled zone, i.e. residents are assumed to be spread
evenly over each arrondissement. Areas are measured in Lambert-93 (EPSG:2154), an equal-area-
enough conformal projection for metropolitan France, never in degrees.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

#: The metric CRS areas are measured in (Lambert-93, metres).
METRIC_CRS = "EPSG:2154"
#: The mobile technology whose coverage is weighted by default.
DEFAULT_TECHNOLOGY = "4G"


@dataclass(frozen=True)
class ClassShare:
    """The residents of the arrondissements that ARCEP puts in one FTTH class."""

    ftth_class: int
    label: str
    arrondissements: int
    population: int
    #: ``population`` ÷ the total of every arrondissement (0…1).
    share: float


@dataclass(frozen=True)
class CoveredShare:
    """One operator's residents inside its modelled coverage (area-weighted)."""

    operator: str
    #: Residents inside the zone, area-weighted (not a whole number).
    population: float
    #: ``population`` ÷ the total (0…1).
    share: float


@dataclass(frozen=True)
class PopulationShares:
    """Both population-weighted views of one city's arrondissements."""

    total: int
    #: One entry per FTTH class present, highest class first; the shares add up to 1.
    ftth_classes: tuple[ClassShare, ...]
    technology: str
    #: One entry per operator with coverage of :attr:`technology`, by operator name.
    coverage: tuple[CoveredShare, ...]


def populations(areas: pd.DataFrame) -> pd.Series | None:
    """Each area's population as integers, or ``None`` when any is missing or the total is 0."""
    if "population" not in areas.columns or areas.empty:
        return None
    values = pd.to_numeric(areas["population"], errors="coerce")
    if values.isna().any() or (values < 0).any() or values.sum() <= 0:
        return None
    return values.astype("int64")


def ftth_class_shares(areas: pd.DataFrame, population: pd.Series) -> tuple[ClassShare, ...]:
    """Residents per FTTH class (whole arrondissements: ARCEP classes a whole area), highest
    class first."""
    total = int(population.sum())
    frame = pd.DataFrame(
        {
            "ftth_class": areas["ftth_class"].astype("int64"),
            "label": areas["ftth_class_label"].astype(str),
            "population": population,
        }
    )
    out = []
    for ftth_class, group in frame.groupby("ftth_class", sort=True):
        people = int(group["population"].sum())
        out.append(
            ClassShare(
                ftth_class=int(str(ftth_class)),
                label=str(group["label"].iloc[0]),
                arrondissements=len(group),
                population=people,
                share=people / total,
            )
        )
    return tuple(reversed(out))


def covered_fractions(areas: gpd.GeoDataFrame, zone: shapely.Geometry) -> pd.Series:
    """The share (0…1) of each area's surface inside ``zone``, measured in :data:`METRIC_CRS`.

    ``areas`` and ``zone`` are in EPSG:4326; an area of no surface counts as uncovered.
    """
    metric = areas.geometry.to_crs(METRIC_CRS)
    zone_metric = gpd.GeoSeries([zone], crs=areas.crs).to_crs(METRIC_CRS).iloc[0]
    shapes = np.asarray(metric.array, dtype=object)
    whole = shapely.area(shapes)
    inside = shapely.area(shapely.intersection(shapes, zone_metric))
    fractions = np.divide(inside, whole, out=np.zeros_like(whole), where=whole > 0)
    return pd.Series(np.clip(fractions, 0.0, 1.0), index=areas.index)


def coverage_shares(
    areas: gpd.GeoDataFrame,
    population: pd.Series,
    coverage: gpd.GeoDataFrame,
    technology: str = DEFAULT_TECHNOLOGY,
) -> tuple[CoveredShare, ...]:
    """Per operator, the residents inside its modelled ``technology`` coverage, area-weighted
    inside each area (see the module's docstring), by operator name."""
    total = float(population.sum())
    zones = coverage[coverage["technology"] == technology]
    out = []
    for operator, rows in sorted(zones.groupby("operator"), key=lambda item: str(item[0])):
        # Why a union: a dataset may give an operator's zone in several features.
        zone = shapely.union_all(np.asarray(rows.geometry.array, dtype=object))
        people = float((covered_fractions(areas, zone) * population).sum())
        out.append(CoveredShare(str(operator), people, min(people / total, 1.0)))
    return tuple(out)


def population_shares(
    areas: gpd.GeoDataFrame, coverage: gpd.GeoDataFrame, technology: str = DEFAULT_TECHNOLOGY
) -> PopulationShares | None:
    """The FTTH-class and modelled-coverage shares of the areas' residents, or ``None`` when the
    areas carry no (complete) population."""
    population = populations(areas)
    if population is None:
        return None
    return PopulationShares(
        total=int(population.sum()),
        ftth_classes=ftth_class_shares(areas, population),
        technology=technology,
        coverage=coverage_shares(areas, population, coverage, technology),
    )
