"""Tables: the rows of the data grid and the accessible table views of the charts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from dash import dcc

from components import ids
from datalayer.filters import Filtered
from figures.map import records

GRID_TABS = ("cables", "landing_points", "facilities")
#: Rows the data grid receives at most (today's largest tab has 1,515); above this the grid
#: shows the first rows and says how many there are (the exports carry them all).
GRID_ROW_LIMIT = 10_000


def grid_total(filtered: Filtered, tab: str) -> int:
    """How many rows the tab has before :data:`GRID_ROW_LIMIT` (unknown tab: cables)."""
    frames = {"landing_points": filtered.landing_points, "facilities": filtered.facilities}
    return len(frames.get(tab, filtered.cables))


def grid_count(shown: int, total: int) -> str:
    """The grid's row count line, as the server writes it with the rows (before any search)."""
    if shown < total:
        return f"first {shown:,} of {total:,} rows: narrow the filters, or export them all"
    return f"{total:,} rows"


#: The count follows the grid's own search and column filters, which run in the browser: a
#: clientside callback reads how many rows the grid displays (AG Grid's
#: ``getDisplayedRowCount``) whenever new rows arrive (``rowData``, written with the server's
#: count line), the search text reaches the grid (``dashGridOptions``) or the grid reports its
#: filtered rows (``virtualRowData``). It first lets the grid take in the change: the grid's
#: ``virtualRowData`` alone can lag (it is not always reported after a search typed just as the
#: page settles). The server's line is kept in the count's ``data-rows`` attribute, so clearing
#: the search brings it back; while rows are hidden the line says how many are shown:
#: "3 of 68 rows match the search".
GRID_COUNT_JS = (
    """
async function (shownRows, rows, options, filterModel, line, serverLine) {
    const dc = window.dash_clientside;
    // The server's line never says "match": a line that does is this callback's own.
    const base = (typeof line === 'string' && !line.includes(' match ')) ? line : serverLine;
    if (typeof base !== 'string') { return [dc.no_update, dc.no_update]; }
    const loaded = (rows || []).length;
    const typed = (options && options.quickFilterText) || '';
    let shown = Array.isArray(shownRows) ? shownRows.length : loaded;
    let search = typed;
    let columns = !!filterModel && Object.keys(filterModel).length > 0;
    let api = null;
    try { api = await window.dash_ag_grid.getApiAsync('GRID_ID'); } catch (e) { api = null; }
    if (api && !api.isDestroyed()) {
        // Wait (up to a second) until the grid holds these rows and this search text.
        for (let i = 0; i < 40; i++) {
            let nodes = 0;
            api.forEachNode(() => { nodes += 1; });
            if (nodes === loaded && (api.getGridOption('quickFilterText') || '') === typed) break;
            await new Promise(r => setTimeout(r, 25));
        }
        shown = api.getDisplayedRowCount();
        search = api.getGridOption('quickFilterText') || '';
        columns = api.isColumnFilterPresent();
    }
    if (shown >= loaded) { return [base, base]; }
    const by = search.trim() !== ''
        ? (columns ? 'the search and column filters' : 'the search')
        : 'the column filters';
    const n = v => v.toLocaleString('en-US');
    const text = /^[0-9,]+ rows$/.test(base)
        ? n(shown) + ' of ' + base + ' match ' + by
        : n(shown) + ' match ' + by + ' · ' + base;
    return [text, base];
}
"""
).replace("GRID_ID", ids.GRID)


def _join(values: Sequence[str]) -> str:
    return "; ".join(values)


def _num(value: Any) -> Any:
    return None if value is None or pd.isna(value) else value


Grid = tuple[list[dict[str, Any]], list[dict[str, Any]]]


def _landing_point_grid(points: pd.DataFrame, cable_names: Mapping[str, str]) -> Grid:
    """Rows and columns of the landing-points tab (cable ids shown by name)."""
    rows = [
        {
            "name": r["name"],
            "country": r["country"],
            "cables": len(r["cable_ids"]),
            "cable_names": _join(sorted(cable_names.get(c, c) for c in r["cable_ids"])),
            "id": pid,
        }
        for pid, r in records(points)
    ]
    columns: list[dict[str, Any]] = [
        {"field": "name", "headerName": "Landing point", "pinned": "left", "minWidth": 180},
        {"field": "country", "headerName": "Country"},
        {
            "field": "cables",
            "headerName": "Cables",
            "filter": "agNumberColumnFilter",
            "maxWidth": 110,
        },
        {"field": "cable_names", "headerName": "Cables landing", "minWidth": 300},
    ]
    return rows, columns


def _facility_grid(facilities: pd.DataFrame) -> Grid:
    """Rows and columns of the facilities tab."""
    rows = [
        {
            "name": r["name"],
            "city": r["city"],
            "country": r["country"],
            "exchange_count": int(r["exchange_count"]),
            "exchanges": _join(r["exchanges"]),
            "address": r["address"],
            "id": fid,
        }
        for fid, r in records(facilities)
    ]
    columns: list[dict[str, Any]] = [
        {"field": "name", "headerName": "Facility", "pinned": "left", "minWidth": 180},
        {"field": "city", "headerName": "City"},
        {"field": "country", "headerName": "Country"},
        {
            "field": "exchange_count",
            "headerName": "IXs",
            "filter": "agNumberColumnFilter",
            "maxWidth": 100,
        },
        {"field": "exchanges", "headerName": "Internet exchanges", "minWidth": 260},
        {"field": "address", "headerName": "Address", "minWidth": 260},
    ]
    return rows, columns


def _cable_rows(cables: pd.DataFrame, point_names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Rows of the cables tab (lists joined, missing numbers as None); the landing points'
    names are a column too, so the table's search finds the cables landing in a town."""
    return [
        {
            "name": r["name"],
            "owners": _join(r["owners"]),
            "suppliers": _join(r["suppliers"]),
            "rfs": r["rfs"],
            "rfs_year": _num(r["rfs_year"]),
            "status": "planned" if r["is_planned"] else "in service",
            "length_km": _num(r["length_km"]),
            "landing_points": len(r["landing_point_ids"]),
            "landing_names": _join([point_names.get(p, p) for p in r["landing_point_ids"]]),
            "regions": _join(r["regions"]),
            "url": r["url"],
            "id": cid,
        }
        for cid, r in records(cables)
    ]


def _cable_columns() -> list[dict[str, Any]]:
    """Column definitions of the cables tab."""
    return [
        {"field": "name", "headerName": "Cable", "pinned": "left", "minWidth": 180},
        {"field": "owners", "headerName": "Owners", "minWidth": 240},
        {
            "field": "rfs_year",
            "headerName": "RFS",
            "filter": "agNumberColumnFilter",
            "maxWidth": 100,
        },
        {"field": "status", "headerName": "Status", "maxWidth": 120},
        {
            "field": "length_km",
            "headerName": "Length (km)",
            "filter": "agNumberColumnFilter",
            "valueFormatter": {
                "function": "params.value == null ? '—' : d3.format(',')(params.value)"
            },
        },
        {
            "field": "landing_points",
            "headerName": "Landings",
            "filter": "agNumberColumnFilter",
            "maxWidth": 120,
        },
        {"field": "landing_names", "headerName": "Landing points", "minWidth": 240},
        {"field": "suppliers", "headerName": "Suppliers"},
        {"field": "regions", "headerName": "Regions"},
        {"field": "url", "headerName": "Website"},
    ]


def grid_rows(
    filtered: Filtered, tab: str, cable_names: Mapping[str, str], limit: int = GRID_ROW_LIMIT
) -> Grid:
    """Row data (the first ``limit`` rows) and column definitions of the data grid for one tab
    (unknown tab: cables)."""
    if tab == "landing_points":
        return _landing_point_grid(filtered.landing_points.iloc[:limit], cable_names)
    if tab == "facilities":
        return _facility_grid(filtered.facilities.iloc[:limit])
    points = filtered.landing_points
    names = dict(zip(points.index, points["name"].astype(str), strict=True))
    return _cable_rows(filtered.cables.iloc[:limit], names), _cable_columns()


def frame_table(
    frame: pd.DataFrame, columns: Sequence[tuple[str, str]], caption: str
) -> dcc.Markdown:
    """An accessible table of a chart's data, numbers formatted with separators and aligned
    right: one Markdown component, not one component per cell (each cell a component made the
    Dash renderer mount hundreds on every filter change, each mount a store update that every
    component on the page re-checks). Cell text is escaped: it shows as written, never as
    Markdown or HTML."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            # Small numbers keep their tenths (1.2 MW is not 1 MW); kilometres are whole.
            small = abs(value) < 100 and not value.is_integer()
            return f"{value:,.1f}" if small else f"{value:,.0f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    header = "| " + " | ".join(markdown_text(label) for _, label in columns) + " |"
    rule = "| " + " | ".join("---" if i == 0 else "---:" for i in range(len(columns))) + " |"
    rows = [
        "| " + " | ".join(markdown_text(cell(row[col])) for col, _ in columns) + " |"
        for row in frame.to_dict("records")
    ]
    return dcc.Markdown(
        "\n".join([markdown_text(caption), "", header, rule, *rows]), className="data-table"
    )


def markdown_text(text: str) -> str:
    """``text`` as Markdown that shows exactly that text on one line.

    Every ASCII character that is not a letter, digit or space is written as a numeric
    character reference: the Markdown parser reads no emphasis, link, autolink, HTML or cell
    break in it, and shows the character itself (backslash escapes would not do: the parser of
    ``dcc.Markdown`` shows most of them as written)."""
    flat = " ".join(str(text).split())
    return "".join(
        f"&#{ord(ch)};" if ch.isascii() and not (ch.isalnum() or ch == " ") else ch for ch in flat
    )
