"""The hubs of the loaded data, computed once per data version and kept (issue 16).

:func:`hubs_of` profiles and ranks every hub (Mediterranean and Black Sea) (:mod:`analysis.hubs`) the first
time it is asked for a given :class:`~datalayer.loader.Datasets`, then answers from memory:
the result is deterministic, so it only changes when the data do. The view, the API and the
CSV export all read it here.
"""

from __future__ import annotations

import io
import math
import os
import threading
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context, parent_process
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
#: The worker process ranking each data version's hubs (:func:`start_hubs`).
_JOBS: dict[int, tuple[Any, Future[HubsResult]]] = {}
#: Data versions whose worker failed: their ranking is computed in the web process.
_BROKEN: set[int] = set()


def _years(ctx: AppContext, data_date: str) -> tuple[int, ...]:
    low, high = ctx.vocab.year_range
    last = int(data_date[:4]) if data_date[:4].isdigit() else high
    return tuple(range(low, min(high, last) + 1))


def _compute(ctx: AppContext) -> HubsResult:
    """Profile and rank every hub of ``ctx``'s data (seconds to minutes of a core)."""
    data_date = ctx.data_date(CABLES_FILE)
    years = _years(ctx, data_date)
    profiles = hub_profiles(ctx.graph, ctx.data, years)
    return HubsResult(
        profiles={p.hub.id: p for p in profiles},
        table=ranking(profiles),
        years=years,
        data_date=data_date,
    )


def _compute_from(data: Any) -> HubsResult:
    """:func:`_compute` in a worker process, from the datasets alone."""
    from services.context import build_context

    _exit_with_parent()
    return _compute(build_context(data))


def _exit_with_parent() -> None:
    """End this worker process when the web process that started it is gone (killed, not shut
    down): minutes of CPU at 10× for an answer nobody can receive."""
    parent = parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(0)

    threading.Thread(target=watch, name="hubs-parent-watch", daemon=True).start()


def _cached(ctx: AppContext) -> HubsResult | None:
    found = _CACHE.get(id(ctx.data))
    return found[1] if found is not None and found[0] is ctx.data else None


def _keep(ctx: AppContext, result: HubsResult) -> HubsResult:
    _CACHE[id(ctx.data)] = (ctx.data, result)
    return result


def _job_result(ctx: AppContext, wait: bool) -> HubsResult | None:
    """The worker process's result for ``ctx``'s data, once it is done (``wait``: until then);
    ``None`` while it runs, or when there is no job or it failed (then the caller computes)."""
    job = _JOBS.get(id(ctx.data))
    if job is None or job[0] is not ctx.data or (not wait and not job[1].done()):
        return None
    try:
        return _keep(ctx, job[1].result())
    except Exception:  # a broken worker: the ranking is then computed in this process
        _JOBS.pop(id(ctx.data), None)
        _BROKEN.add(id(ctx.data))
        return None


def start_hubs(ctx: AppContext) -> None:
    """Start ranking the hubs of ``ctx``'s data in a worker process of its own (once per data
    version): the web process's requests neither wait for it nor share a core with it."""
    with _LOCK:
        if _cached(ctx) is not None or id(ctx.data) in _JOBS or id(ctx.data) in _BROKEN:
            return
        try:
            pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
            future = pool.submit(_compute_from, ctx.data)
        except (OSError, RuntimeError):
            return  # no worker process here: hubs_of computes in this one
        future.add_done_callback(lambda _done: pool.shutdown(wait=False))
        _JOBS[id(ctx.data)] = (ctx.data, future)


def hubs_ready(ctx: AppContext) -> HubsResult | None:
    """The hubs if they are computed, else ``None`` with the computation started in a worker
    process (:func:`start_hubs`): for the page, which shows that it is under way meanwhile."""
    found = _cached(ctx) or _job_result(ctx, wait=False)
    if found is not None:
        return found
    start_hubs(ctx)
    if id(ctx.data) not in _JOBS:
        return hubs_of(ctx)  # no worker process could start
    return None


def hubs_of(ctx: AppContext) -> HubsResult:
    """The hubs of ``ctx``'s data, computed on first call and then served from memory (waiting
    for the worker process when :func:`start_hubs` started one)."""
    found = _cached(ctx) or _job_result(ctx, wait=True)
    if found is not None:
        return found
    with _LOCK:
        return _cached(ctx) or _keep(ctx, _compute(ctx))


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
