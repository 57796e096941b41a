"""The one filter function: a :class:`Selection` applied to the datasets.

The page, the read-only API and the exports all call :func:`apply_selection`, so what a URL shows
is exactly what its API call and its export return. Frames are never modified in place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from datalayer.loader import Datasets
from datalayer.selection import (
    OPERATOR_ALL,
    REGION_WORLD,
    STATUS_IN_SERVICE,
    STATUS_PLANNED,
    Selection,
)


@dataclass(frozen=True)
class Filtered:
    """The part of every dataset that a selection keeps."""

    cables: gpd.GeoDataFrame
    landing_points: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    datacentres: gpd.GeoDataFrame
    coverage: gpd.GeoDataFrame
    ftth: gpd.GeoDataFrame


def _keep(frame: gpd.GeoDataFrame, mask: pd.Series | object) -> gpd.GeoDataFrame:
    """The rows of ``frame`` where ``mask`` holds, as a new frame.

    When every row is kept, the new frame shares the data (pandas copy-on-write copies it only
    if someone writes to it): unfiltered views of large data then cost no memory, where a
    boolean-indexed copy of 100× data is ~0.5 GB.
    """
    keep = np.asarray(mask, dtype=bool)
    return frame.copy(deep=False) if keep.all() else frame[keep]


def _any_of(column: pd.Series, wanted: Iterable[str]) -> pd.Series:
    """Rows whose list column shares at least one value with ``wanted``."""
    targets = set(wanted)
    return column.map(lambda values: not targets.isdisjoint(values)).astype(bool)


def filter_cables(data: Datasets, sel: Selection) -> gpd.GeoDataFrame:
    """The cables that pass every cable filter of ``sel``."""
    cables = data.cables
    mask = pd.Series(True, index=cables.index)
    if sel.cables:
        mask &= cables.index.isin(sel.cables)
    if sel.owners:
        mask &= _any_of(cables["owners"], sel.owners)
    if sel.suppliers:
        mask &= _any_of(cables["suppliers"], sel.suppliers)
    years = cables["rfs_year"]
    # A cable without a published year passes only when the year range is not restricted.
    if sel.year_min is not None:
        mask &= years.notna() & (years.fillna(0) >= sel.year_min)
    if sel.year_max is not None:
        mask &= years.notna() & (years.fillna(0) <= sel.year_max)
    if sel.status == STATUS_PLANNED:
        mask &= cables["is_planned"].astype(bool)
    elif sel.status == STATUS_IN_SERVICE:
        mask &= ~cables["is_planned"].astype(bool)
    if sel.region != REGION_WORLD:
        mask &= cables["regions"].map(lambda regions: sel.region in regions).astype(bool)
    if sel.countries:
        wanted = set(data.landing_points.index[data.landing_points["country"].isin(sel.countries)])
        mask &= _any_of(cables["landing_point_ids"], wanted)
    return _keep(cables, mask)


def region_countries(data: Datasets, region: str) -> set[str]:
    """Countries with a landing point on the region's shores (all countries for the world)."""
    points = data.landing_points
    if region == REGION_WORLD:
        return set(points["country"])
    if "regions" not in points.columns:
        return set(points["country"])
    on_shore = points["regions"].map(lambda regions: region in regions).astype(bool)
    return set(points.loc[on_shore, "country"])


def filter_facilities(data: Datasets, sel: Selection) -> gpd.GeoDataFrame:
    """Facilities in the region's shore countries, narrowed by country and exchange."""
    facilities = data.facilities
    mask = pd.Series(True, index=facilities.index)
    if sel.region != REGION_WORLD:
        mask &= facilities["country"].isin(region_countries(data, sel.region))
    if sel.facility_countries:
        mask &= facilities["country"].isin(sel.facility_countries)
    if sel.exchanges:
        mask &= _any_of(facilities["exchanges"], sel.exchanges)
    return _keep(facilities, mask)


def filter_datacentres(data: Datasets, sel: Selection) -> gpd.GeoDataFrame:
    """Data centres run by any of the chosen operators (every one when none is chosen)."""
    frame = data.datacentres
    if not sel.dc_operators:
        return _keep(frame, np.ones(len(frame), dtype=bool))
    return _keep(frame, frame["operator"].isin(sel.dc_operators))


def apply_selection(data: Datasets, sel: Selection) -> Filtered:
    """Apply every filter of ``sel``: cables, their landing points, facilities and coverage."""
    cables = filter_cables(data, sel)
    point_ids = {pid for ids in cables["landing_point_ids"] for pid in ids}
    landing_points = _keep(data.landing_points, data.landing_points.index.isin(point_ids))
    coverage = data.coverage
    if sel.operator != OPERATOR_ALL:
        coverage = coverage[coverage["operator"] == sel.operator]
    return Filtered(
        cables=cables,
        landing_points=landing_points,
        facilities=filter_facilities(data, sel),
        datacentres=filter_datacentres(data, sel),
        coverage=coverage,
        ftth=data.ftth,
    )
