"""The report's hubs section (issue 16): the ranking of every hub, with each of
its numbers, and the profile of the hub the view shows (``?metro=<hub>``).

Every number comes from :func:`services.hubs.hubs_of`, as in the hubs view, the API and the
CSV. The year the timeline shows is the selection's ``year_max`` (the hubs view's year control
sets it), clamped to the years of the timeline; without one, the last year of the data.
Every string from the data is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from analysis.hubs import (
    DESTINATIONS,
    METHODOLOGY,
    HubProfile,
    datacentres_line,
    point_names,
    rtt_column,
)
from datalayer.selection import Selection
from figures.hubs import cables_over_time
from services.context import AppContext
from services.hubs import ESTIMATE_NOTE, HubsResult, hubs_of, measure_text, rank_text

_esc = html.escape

#: Count columns of the ranking table: column → header (``{year}``: the timeline's year).
COUNT_COLUMNS: Mapping[str, str] = {
    "landing_points": "Landing points",
    "cables_in_year": "Cables end of {year}",
    "cables_in_service": "Cables in service",
    "cables_planned": "Planned",
    "countries": "Countries reached",
    "owners": "Owners",
    "suppliers": "Suppliers",
    "datacentres": "Data centres ≤ 50 km",
    "datacentre_mw": "Tagged MW",
    "exchanges": "IXs ≤ 50 km",
    "asia_min_cut": "Asia min-cut (cables)",
}
#: RTT columns of the ranking table: column → destination (estimates, ms).
RTT_COLUMNS: Mapping[str, str] = {rtt_column(label): label for label in DESTINATIONS}


def report_year(result: HubsResult, sel: Selection) -> int:
    """The year of the timeline the report shows: ``sel.year_max`` within the timeline."""
    first, last = result.years[0], result.years[-1]
    if sel.year_max is None:
        return last
    return max(first, min(last, int(sel.year_max)))


def _table(caption: str, heads: Sequence[str], rows: Sequence[Sequence[tuple[str, bool]]]) -> str:
    """An HTML table; each cell is ``(text, is_number)``, already escaped."""
    head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in heads)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="num">{t}</td>' if num else f"<td>{t}</td>" for t, num in row)
        + "</tr>"
        for row in rows
    )
    return (
        f'<table class="data hubs"><caption>{_esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _hub_label(row: Mapping[str, Any]) -> str:
    return _esc(f"{row['name']} ({row['country']})")


def ranking_html(result: HubsResult, year: int) -> str:
    """The ranking (by cables in service, most first): counts, then the RTT estimates."""
    table = result.at_year(year)
    records: list[dict[Any, Any]] = table.to_dict("records")
    total = len(records)
    counts = [
        [(str(int(r["rank_cables_in_service"])), True), (_hub_label(r), False)]
        + [(_esc(measure_text(r[c])), True) for c in COUNT_COLUMNS]
        for r in records
    ]
    rtt_columns = [c for c in RTT_COLUMNS if c in table]
    rtts = [
        [(_hub_label(r), False)] + [(_esc(measure_text(r[c])), True) for c in rtt_columns]
        for r in records
    ]
    return _table(
        f"Hubs ranked by cables in service ({total} hubs; counts as of {result.data_date}, "
        f"the year column at the end of {year})",
        ["#", "Hub", *(h.format(year=year) for h in COUNT_COLUMNS.values())],
        counts,
    ) + _table(
        "Estimated round-trip times from each hub (ms; – where no path exists)",
        ["Hub", *(RTT_COLUMNS[c] for c in rtt_columns)],
        rtts,
    )


def _names_line(label: str, values: Sequence[str]) -> str:
    shown = ", ".join(values) or "none"
    return f"<p><strong>{_esc(label)} ({len(values)}):</strong> {_esc(shown)}</p>"


def _measure_label(column: str) -> str:
    if column in RTT_COLUMNS:
        return f"RTT {RTT_COLUMNS[column]} (est. ms)"
    return COUNT_COLUMNS.get(column, column.replace("_", " ")).format(year="").strip()


def profile_html(ctx: AppContext, result: HubsResult, hub_id: str, year: int) -> str:
    """The profile of ``hub_id`` (empty for an unknown hub): lists, RTTs, resilience, the
    cables in service by year and its rank on each measure."""
    profile: HubProfile | None = result.profiles.get(hub_id)
    if profile is None:
        return ""
    names: Mapping[str, str] = ctx.map.cable_names
    points = point_names(ctx.data.landing_points)
    table = result.at_year(year)
    row: dict[Any, Any] = table[table["id"] == hub_id].iloc[0].to_dict()
    total = len(table)
    hub = profile.hub
    rtt_rows = [
        [
            (_esc(r.destination), False),
            (_esc(measure_text(r.rtt_ms)), True),
            (_esc(measure_text(r.floor_ms)), True),
        ]
        for r in profile.rtts
    ]
    critical = [
        f"{names.get(c, c)} (+{v:.1f} ms)" if v is not None else f"{names.get(c, c)} (no path left)"
        for c, v in profile.critical.items()
    ]
    by_year = [
        [(str(y), True), (_esc(measure_text(n)), True)]
        for y, n in sorted(profile.cables_by_year.items())
    ]
    ranks = [
        [
            (_esc(_measure_label(c)), False),
            (_esc(measure_text(row[c])), True),
            (rank_text(row, c, total), True),
        ]
        for c in [*COUNT_COLUMNS, *RTT_COLUMNS]
        if f"rank_{c}" in row
    ]
    return (
        f'<section class="hub-profile"><h3>Hub profile: {_esc(hub.name)}, {_esc(hub.country)}</h3>'
        + _names_line("Landing points", [points.get(p, p) for p in hub.point_ids])
        + _names_line(
            f"Cables in service ({result.data_date})",
            [names.get(c, c) for c in profile.cables_in_service],
        )
        + _names_line("Cables planned", [names.get(c, c) for c in profile.cables_planned])
        + _names_line("Owners", profile.owners)
        + _names_line("Suppliers", profile.suppliers)
        + _names_line("Countries reached directly", profile.countries)
        + _table(
            "Round-trip time — estimate, ms (great-circle floor beside it)",
            ["To", "Estimate (ms)", "Floor (ms)"],
            rtt_rows,
        )
        + (
            _names_line(datacentres_line(profile), profile.datacentres)
            if profile.datacentres_mapped
            else f"<p><strong>{_esc(datacentres_line(profile))}</strong></p>"
        )
        + _names_line("IX buildings within 50 km", profile.ix_buildings)
        + _names_line("Internet exchanges within 50 km", profile.exchanges)
        + _names_line("Critical cables (cut alone, the path to Singapore slows)", critical)
        + _names_line(
            "Smallest cut separating it from Asia (cables)",
            [names.get(c, c) for c in profile.asia_min_cut],
        )
        + _table(
            "Rank on each measure (1 = best; ties share a rank)",
            ["Measure", "Value", "Rank"],
            ranks,
        )
        + _table("Cables in service at the end of each RFS year", ["Year", "Cables"], by_year)
        + "</section>"
    )


def multiples_figure(ctx: AppContext, sel: Selection, dark: bool = False) -> go.Figure | None:
    """The hubs view's small multiples (cables in service over time, the best connected hubs),
    marked at the report's year; ``None`` when there are no hubs."""
    result = hubs_of(ctx)
    if result.table.empty or not result.years:
        return None
    series = [
        (str(r["name"]), result.profiles[str(r["id"])].cables_by_year)
        for r in result.table.to_dict("records")
    ]
    return cables_over_time(series, report_year(result, sel), dark=dark)


def hubs_html(ctx: AppContext, sel: Selection, figure_html: str = "") -> str:
    """The report's hubs section: the ranking, ``figure_html`` (the small multiples, drawn by
    the caller), then the profile of ``sel.metro`` if any."""
    result = hubs_of(ctx)
    if result.table.empty or not result.years:
        return ""
    year = report_year(result, sel)
    profile = profile_html(ctx, result, sel.metro, year) if sel.metro else ""
    return (
        '<section class="hubs"><h2>Hubs</h2>'
        f'<p class="note">{_esc(METHODOLOGY)} {_esc(ESTIMATE_NOTE)}</p>'
        f"{ranking_html(result, year)}{figure_html}{profile}"
        '<p class="note">Every number of every hub, with its rank on each measure and its '
        "cables in service in each year, is also in the CSV <code>/api/v1/hubs.csv</code>.</p>"
        "</section>"
    )
