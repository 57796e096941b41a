"""End to end in headless Chromium: what a person reads on the charts and the data table."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from components import ids
from components.tables import grid_rows
from datalayer.loader import Datasets
from datalayer.selection import Selection
from figures.charts import OWNER_AXIS_TITLE
from figures.layers import DEFAULT_LAYERS
from services.context import AppContext, build_context
from tests.browser import layer_keys, wait_for_map, wait_for_text
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

#: Plotly's drawn figure inside a chart's ``dcc.Graph``.
PLOT = "#{} .js-plotly-plot"


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def open_page(page: Page, server: LiveServer, search: str = "") -> None:
    page.goto(server.url + "/" + search)
    wait_for_map(page)
    page.wait_for_function(f"() => document.querySelector('#{ids.KPI_CABLES}').textContent !== '–'")


def wait_for_chart(page: Page, chart_id: str) -> None:
    page.wait_for_function(
        "s => { const g = document.querySelector(s);"
        " return g && g._fullLayout && g.data && g.data.length > 0; }",
        arg=PLOT.format(chart_id),
        timeout=60_000,
    )


def texts_outside(page: Page, chart_id: str, selector: str) -> list[dict[str, Any]]:
    """The rendered texts of ``selector`` in the chart that stick out of the chart's own box."""
    result: list[dict[str, Any]] = page.evaluate(
        """([plot, sel]) => {
            const g = document.querySelector(plot);
            const box = g.querySelector('.main-svg').getBoundingClientRect();
            return [...g.querySelectorAll(sel)].map(e => {
                const r = e.getBoundingClientRect();
                return {text: e.textContent, left: r.left - box.left, right: r.right - box.left,
                        top: r.top - box.top, bottom: r.bottom - box.top, width: box.width,
                        height: box.height};
            }).filter(r => r.left < -0.5 || r.top < -0.5 || r.right > r.width + 0.5
                           || r.bottom > r.height + 0.5);
        }""",
        [PLOT.format(chart_id), selector],
    )
    return result


@pytest.mark.parametrize("viewport", [(1440, 900), (1280, 800), (390, 844)])
def test_owner_chart_axis_title_and_labels_are_whole(
    live_server: LiveServer, page: Page, viewport: tuple[int, int]
) -> None:
    """The axis title read "…km of published leng": every text of the chart is inside it."""
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    open_page(page, live_server)
    wait_for_chart(page, ids.CHART_OWNERS)
    page.locator(f"#{ids.CHART_OWNERS}").scroll_into_view_if_needed()
    title = page.locator(f"{PLOT.format(ids.CHART_OWNERS)} .g-xtitle text")
    assert title.text_content() == OWNER_AXIS_TITLE
    for selector in (".g-xtitle text", ".ytick text", ".xtick text", ".bartext", ".gtitle"):
        assert texts_outside(page, ids.CHART_OWNERS, selector) == [], selector
    # The other bar charts too.
    charts = (ids.CHART_YEARS, ids.CHART_COUNTRIES, ids.CHART_FACILITIES, ids.CHART_DATACENTRES)
    for chart in charts:
        wait_for_chart(page, chart)
        texts = (".ytick text", ".xtick text", ".bartext", ".g-ytitle text", ".g-xtitle text")
        for selector in texts:
            assert texts_outside(page, chart, selector) == [], (chart, selector)
    # The proximity chart names its facilities, each name inside the chart.
    page.locator(".tab", has_text="Proximity").click()
    wait_for_chart(page, ids.PROXIMITY_CHART)
    names = page.eval_on_selector_all(
        f"{PLOT.format(ids.PROXIMITY_CHART)} .ytick text", "els => els.map(e => e.textContent)"
    )
    # Names ("University of Malta" over "Msida"), not ranks 1, 2, 3…
    assert len(names) == 15 and not any(n.strip().isdigit() for n in names), names
    assert names[0] == "University of MaltaMsida"  # its lines' text, run together
    for selector in (".ytick text", ".xtick text", ".bartext", ".g-xtitle text", ".gtitle"):
        assert texts_outside(page, ids.PROXIMITY_CHART, selector) == [], selector


def test_year_chart_of_two_years_ticks_whole_years(live_server: LiveServer, page: Page) -> None:
    """``?year_min=2022&year_max=2023`` read "2,022.6 … 2,023.4"; counts read 0.2, 0.4…"""
    open_page(page, live_server, "?year_min=2022&year_max=2023")
    wait_for_chart(page, ids.CHART_YEARS)
    plot = PLOT.format(ids.CHART_YEARS)
    years = page.eval_on_selector_all(f"{plot} .xtick text", "els => els.map(e => e.textContent)")
    assert years == ["2022", "2023"]
    counts = page.eval_on_selector_all(f"{plot} .ytick text", "els => els.map(e => e.textContent)")
    assert counts and all(c.isdigit() for c in counts), counts
    for chart in (ids.CHART_OWNERS, ids.CHART_COUNTRIES, ids.CHART_FACILITIES):
        ticks = page.eval_on_selector_all(
            f"{PLOT.format(chart)} .xtick text", "els => els.map(e => e.textContent)"
        )
        assert ticks and all(t.replace(",", "").isdigit() for t in ticks), (chart, ticks)


def test_grid_count_follows_the_table_search(
    live_server: LiveServer, page: Page, ctx: AppContext
) -> None:
    """The count said "68 rows" while the table's search showed "No Matching Rows"."""
    open_page(page, live_server)
    total = len(ctx.select(Selection()).cables)
    count = f"#{ids.GRID_COUNT}"
    wait_for_text(page, count, f"{total} rows")

    page.fill(f"#{ids.GRID_SEARCH}", "zzzz no such cable")
    page.locator(f"#{ids.GRID} .ag-overlay", has_text="No Matching Rows").wait_for()
    wait_for_text(page, count, f"0 of {total} rows match the search")

    page.fill(f"#{ids.GRID_SEARCH}", "Orange")
    # The grid's own pager says how many rows it shows: "1 to 12 of 12".
    page.wait_for_function(
        "([s, n]) => { const e = document.querySelector(s);"
        " return e && e.textContent.trim() !== n; }",
        arg=[count, f"0 of {total} rows match the search"],
        timeout=30_000,
    )
    summary = page.locator(f"#{ids.GRID} .ag-paging-row-summary-panel")
    page.wait_for_function(
        "s => { const e = document.querySelector(s); return e && !/ of 0$/.test(e.textContent); }",
        arg=f"#{ids.GRID} .ag-paging-row-summary-panel",
    )
    shown = int(summary.inner_text().split(" of ")[-1].replace(",", ""))
    assert 0 < shown < total
    wait_for_text(page, count, f"{shown} of {total} rows match the search")

    page.fill(f"#{ids.GRID_SEARCH}", "")
    wait_for_text(page, count, f"{total} rows")

    # Another tab keeps the search: its count says so too.
    page.fill(f"#{ids.GRID_SEARCH}", "zzzz no such cable")
    wait_for_text(page, count, f"0 of {total} rows match the search")
    page.locator(f"#{ids.GRID_TAB} label", has_text="Facilities").click()
    facilities = len(ctx.select(Selection()).facilities)
    wait_for_text(page, count, f"0 of {facilities} rows match the search")


def test_unknown_layer_falls_back_to_the_default_layers(
    live_server: LiveServer, page: Page
) -> None:
    open_page(page, live_server, "?layers=bogus")
    notice = page.locator(f"#{ids.NOTICE}")
    notice.wait_for(state="visible")
    assert "Unknown layer 'bogus' was ignored; showing the default layers." in notice.inner_text()
    assert layer_keys(page) >= set(DEFAULT_LAYERS)
    # The map is a map, not empty x/y axes.
    assert page.locator("#map .xaxislayer-above .xtick").count() == 0


def test_the_cables_table_search_finds_a_landing_town(
    live_server: LiveServer, page: Page, ctx: AppContext
) -> None:
    """Searching 'Marseille' in the cables table lists the cables that land there."""
    open_page(page, live_server)
    filtered = ctx.select(Selection())
    rows, _ = grid_rows(filtered, "cables", ctx.map.cable_names)
    expected = [r for r in rows if any("marseille" in str(v).lower() for v in r.values())]
    landing = set(ctx.data.landing_points.loc["marseille-france", "cable_ids"])
    assert {r["id"] for r in expected} >= landing
    total = len(filtered.cables)
    page.fill(f"#{ids.GRID_SEARCH}", "Marseille")
    wait_for_text(page, f"#{ids.GRID_COUNT}", f"{len(expected)} of {total} rows match the search")


def chart_bars(page: Page, chart_id: str) -> dict[str, int]:
    """Each bar of a ranked chart: its label (long ones are wrapped with <br>) and its length."""
    bars: list[list[Any]] = page.evaluate(
        "s => { const t = document.querySelector(s)._fullData[0];"
        " return Array.from(t.y, (y, i) => [String(y), Number(t.x[i])]); }",
        PLOT.format(chart_id),
    )
    return {" ".join(name.replace("<br>", " ").split()): int(value) for name, value in bars}


def table_view(page: Page, table_id: str) -> tuple[list[str], list[list[str]]]:
    """Open a chart's table view (if closed) and read its header and rows."""
    view = page.locator(f"#{table_id}")
    if not view.is_visible():
        view.locator("xpath=..").locator("summary").click()
    view.locator("tbody tr").first.wait_for()
    header = view.locator("th").all_inner_texts()
    rows: list[list[str]] = page.eval_on_selector_all(
        f"#{table_id} tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )
    return header, rows


def test_a_chart_table_view_lists_the_bars_of_its_chart(
    live_server: LiveServer, page: Page
) -> None:
    """The owners chart's "Table view" holds a row per bar with the bar's number, and follows
    a filter change; the rest of the owners are folded into one row, as the chart says."""
    for search in ("", "?country=Egypt"):
        open_page(page, live_server, search)
        wait_for_chart(page, ids.CHART_OWNERS)
        bars = chart_bars(page, ids.CHART_OWNERS)
        header, rows = table_view(page, ids.TABLE_OWNERS)
        assert header == ["Owner", "Cables", "km"]
        listed = {row[0]: int(row[1].replace(",", "")) for row in rows}
        assert {name: listed.get(name) for name in bars} == bars
        extra = [name for name in listed if name not in bars]
        assert extra == [] or (len(extra) == 1 and extra[0].startswith("Other"))
    # The Egypt page is not the default one: its table changed with the filter.
    assert "Telecom Egypt" in listed
