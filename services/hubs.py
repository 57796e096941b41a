"""The hubs of the loaded data, computed once per data version and kept (issue 16).

:func:`hubs_of` profiles and ranks every hub (Mediterranean and Black Sea) (:mod:`analysis.hubs`) the first
time it is asked for a given :class:`~datalayer.loader.Datasets`, then answers from memory:
the result is deterministic, so it only changes when the data do. The view, the API and the
CSV export all read it here.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.hubs import (
    DESTINATIONS,
    METHODOLOGY,
    UNRANKED_WHEN_MISSING,
    HubProfile,
    hub_profiles,
    ranking,
)
from services.context import AppContext

CABLES_FILE = "cables.geojson"
#: The datasets every hub's numbers come from: cables and landing points (counts, RTTs), IX
#: buildings and data centres (within 50 km).
SOURCE_FILES = (CABLES_FILE, "landing_points.geojson", "facilities.geojson", "datacentres.geojson")
ESTIMATE_NOTE = "RTTs are estimates over stylised routes (ms), not measurements."


@dataclass(frozen=True)
class HubsResult:
    """Every hub's profile, the ranking table and the years of the timeline."""

    profiles: Mapping[str, HubProfile]
    table: pd.DataFrame
    years: tuple[int, ...]
    data_date: str

    def at_year(self, year: int | None) -> pd.DataFrame:
        """The ranking with ``cables_in_year``: cables in service at the end of ``year``."""
        table = self.table.copy()
        last = self.years[-1] if year is None else year
        table.insert(
            4,
            "cables_in_year",
            [self.profiles[h].cables_by_year.get(last, 0) for h in table["id"]],
        )
        return table


def is_missing(value: Any) -> bool:
    """Whether a ranking value is missing: ``None``, NaN (an unreachable RTT, unmapped data
    centres) or ``<NA>`` (an unranked count)."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def measure_text(value: Any) -> str:
    """A ranking value as the view, the report and the CSV's readers see it: ``–`` when
    missing, whole numbers with separators, others to one decimal."""
    if is_missing(value):
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def rank_text(row: Mapping[str, Any], column: str, total: int) -> str:
    """``3 of 84``, or why a hub has no rank on ``column`` (no data, or no path for an RTT)."""
    if is_missing(row[column]):
        return "unranked (no data)" if column in UNRANKED_WHEN_MISSING else "unranked (no path)"
    return f"{int(row['rank_' + column])} of {total}"


_LOCK = threading.Lock()
_CACHE: dict[int, tuple[Any, HubsResult]] = {}


def _years(ctx: AppContext, data_date: str) -> tuple[int, ...]:
    low, high = ctx.vocab.year_range
    last = int(data_date[:4]) if data_date[:4].isdigit() else high
    return tuple(range(low, min(high, last) + 1))


def hubs_of(ctx: AppContext) -> HubsResult:
    """The hubs of ``ctx``'s data, computed on first call and then served from memory."""
    key = id(ctx.data)
    found = _CACHE.get(key)
    if found is not None and found[0] is ctx.data:
        return found[1]
    with _LOCK:
        found = _CACHE.get(key)
        if found is None or found[0] is not ctx.data:
            data_date = ctx.data_date(CABLES_FILE)
            years = _years(ctx, data_date)
            profiles = hub_profiles(ctx.graph, ctx.data, years)
            result = HubsResult(
                profiles={p.hub.id: p for p in profiles},
                table=ranking(profiles),
                years=years,
                data_date=data_date,
            )
            _CACHE[key] = (ctx.data, result)
            found = _CACHE[key]
    return found[1]


def credit(ctx: AppContext) -> dict[str, Any]:
    """Data date, attribution, licence and methodology, as every hubs answer carries them.

    The top-level fields are the cable data's (as the other API endpoints give theirs);
    ``sources`` credits every dataset the numbers come from (:data:`SOURCE_FILES`).
    """
    datasets: Mapping[str, Any] = ctx.data.metadata["datasets"]
    entry: Mapping[str, Any] = datasets.get(CABLES_FILE, {})
    sources = [
        {
            "file": name,
            "data_date": datasets[name].get("data_date"),
            "attribution": datasets[name].get("attribution"),
            "licence": datasets[name].get("licence"),
            "licence_url": datasets[name].get("licence_url"),
        }
        for name in SOURCE_FILES
        if name in datasets
    ]
    return {
        "data_date": entry.get("data_date"),
        "attribution": entry.get("attribution"),
        "licence": entry.get("licence"),
        "licence_url": entry.get("licence_url"),
        "methodology": METHODOLOGY,
        "estimate": ESTIMATE_NOTE,
        "destinations": dict(DESTINATIONS),
        "sources": sources,
    }


def hubs_csv(ctx: AppContext) -> str:
    """Every number of every hub as CSV: the ranking, then the cables in service by year.

    The first lines (``#``) say what the numbers are, with attribution and licence.
    """
    result = hubs_of(ctx)
    info = credit(ctx)
    years = pd.DataFrame(
        [
            {"id": h, **{str(y): n for y, n in p.cables_by_year.items()}}
            for h, p in result.profiles.items()
        ]
    )
    table = result.table.merge(years, on="id", how="left")
    out = io.StringIO()
    for key in ("data_date", "attribution", "licence", "licence_url", "methodology", "estimate"):
        out.write(f"# {key}: {info[key]}\n")
    for source in info["sources"]:
        out.write(
            f"# source {source['file']} ({source['data_date']}): {source['attribution']}; "
            f"licence {source['licence']} {source['licence_url']}\n"
        )
    out.write("# rank_<measure>: the hub's rank on that measure (1 = best; ties share a rank)\n")
    out.write("# year columns: cables in service at the end of that RFS year\n")
    table.to_csv(out, index=False, float_format="%.1f", lineterminator="\n")
    return out.getvalue()
