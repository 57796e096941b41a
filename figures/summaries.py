"""The tables behind every chart (also shown as the charts' accessible table views)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

OTHER = "Other"


def fold_top(frame: pd.DataFrame, key: str, top_n: int | None, sum_cols: list[str]) -> pd.DataFrame:
    """Keep the ``top_n`` rows and fold the rest into one ``Other`` row (``None``: keep all)."""
    if top_n is None or len(frame) <= top_n:
        return frame.reset_index(drop=True)
    head = frame.iloc[:top_n]
    rest = frame.iloc[top_n:]
    other = {key: f"{OTHER} ({len(rest)})", **{c: rest[c].sum() for c in sum_cols}}
    return pd.concat([head, pd.DataFrame([other])], ignore_index=True)


def owner_summary(cables: gpd.GeoDataFrame, top_n: int | None = None) -> pd.DataFrame:
    """Cables and published km per owner, most cables first (a cable counts for each owner)."""
    rows = cables[["owners", "length_km"]].explode("owners").dropna(subset=["owners"])
    if rows.empty:
        return pd.DataFrame({"owner": [], "cables": [], "km": []})
    table = (
        rows.groupby("owners")
        .agg(cables=("length_km", "size"), km=("length_km", "sum"))
        .reset_index()
        .rename(columns={"owners": "owner"})
    )
    table = table.sort_values(["cables", "km", "owner"], ascending=[False, False, True])
    return fold_top(table, "owner", top_n, ["cables", "km"])


def year_summary(cables: gpd.GeoDataFrame) -> pd.DataFrame:
    """Cables and km per RFS year, with the cumulative km (cables without a year left out)."""
    dated = cables.dropna(subset=["rfs_year"])
    if dated.empty:
        return pd.DataFrame({"year": [], "cables": [], "km": [], "cumulative_km": []})
    table = (
        dated.groupby(dated["rfs_year"].astype(int))
        .agg(cables=("name", "size"), km=("length_km", "sum"))
        .reset_index()
        .rename(columns={"rfs_year": "year"})
    )
    table["cumulative_km"] = table["km"].cumsum()
    return table


def country_summary(points: gpd.GeoDataFrame, top_n: int | None = None) -> pd.DataFrame:
    """Landing points per country, most first."""
    if points.empty:
        return pd.DataFrame({"country": [], "landing_points": []})
    table = (
        points.groupby("country")
        .size()
        .rename("landing_points")
        .reset_index()
        .sort_values(["landing_points", "country"], ascending=[False, True])
    )
    return fold_top(table, "country", top_n, ["landing_points"])


def facility_country_summary(
    facilities: gpd.GeoDataFrame, top_n: int | None = None
) -> pd.DataFrame:
    """IX facilities and exchanges hosted per country, most facilities first."""
    if facilities.empty:
        return pd.DataFrame({"country": [], "facilities": [], "exchanges": []})
    table = (
        facilities.groupby("country")
        .agg(facilities=("name", "size"), exchanges=("exchange_count", "sum"))
        .reset_index()
        .sort_values(["facilities", "country"], ascending=[False, True])
    )
    return fold_top(table, "country", top_n, ["facilities", "exchanges"])


#: The bar of the data centres whose operator is not tagged (not an operator: no filter).
UNTAGGED_OPERATOR = "(operator not tagged)"


def datacentre_operator_summary(datacentres: gpd.GeoDataFrame) -> pd.DataFrame:
    """Data centres and tagged MW per operator, most data centres first (the untagged ones in
    one row of their own)."""
    if datacentres.empty:
        return pd.DataFrame({"operator": [], "datacentres": [], "mw": [], "mw_tagged": []})
    frame = pd.DataFrame(
        {
            "operator": datacentres["operator"].fillna(UNTAGGED_OPERATOR).astype(str),
            "mw": pd.to_numeric(datacentres["power_mw"], errors="coerce"),
        }
    )
    table = (
        frame.groupby("operator")
        .agg(datacentres=("operator", "size"), mw=("mw", "sum"), mw_tagged=("mw", "count"))
        .reset_index()
        .sort_values(["datacentres", "mw", "operator"], ascending=[False, False, True])
    )
    return table.reset_index(drop=True)


def format_mw(mw: float) -> str:
    """``77.2 MW``, ``1,200 MW``: one decimal below 100 MW (dropped when it is zero)."""
    text = f"{mw:,.0f}" if mw >= 100 else f"{mw:,.1f}".removesuffix(".0")
    return f"{text} MW"


def datacentre_kpis(datacentres: gpd.GeoDataFrame) -> dict[str, float]:
    """How many data centres, how many of them tag their power, and the MW they tag."""
    power = pd.to_numeric(datacentres["power_mw"], errors="coerce")
    return {
        "datacentres": len(datacentres),
        "tagged": int(power.notna().sum()),
        "mw": float(power.sum(skipna=True)) if len(datacentres) else 0.0,
    }


def kpis(
    cables: gpd.GeoDataFrame, points: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame
) -> dict[str, int | float]:
    """The headline numbers of a selection (km: sum of published lengths)."""
    return {
        "cables": len(cables),
        "km": float(cables["length_km"].sum(skipna=True)) if len(cables) else 0.0,
        "km_missing": int(cables["length_km"].isna().sum()),
        "landing_points": len(points),
        "countries": int(points["country"].nunique()),
        "facilities": len(facilities),
    }
