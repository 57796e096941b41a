"""Hostile text end to end: markup, script links, RTL, control characters and very long strings
in names, owners, addresses and URLs stay inert and readable on the page and in the exports.

The data dir is the shipped data with hostile records written over a few real ones. Every
payload tries to set ``window.__pwned`` or open a dialog; neither may happen.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from playwright.sync_api import Page

from components import ids
from components.data_notice import DATA_WARNINGS
from tests.browser import wait_for_map
from tests.conftest import DATA_DIR, LiveServer

pytestmark = pytest.mark.browser

CABLE_NAME = (
    '<script>window.__pwned="cable"</script>SeaMeWe-4 '
    "<img src=x onerror=\"window.__pwned='img'\"> \u0627\u062a\u0635\u0627\u0644\u0627\u062a"
)
OWNER = "<img src=x onerror=alert(1)>Orange"
RTL_OWNER = "\u0627\u062a\u0635\u0627\u0644\u0627\u062a \u0645\u0635\u0631 Telecom Egypt"
FORMULA = '=HYPERLINK("http://evil.example","click")'
LP_NAME = '"><svg/onload=window.__pwned="lp">Marseille'
FAC_ADDRESS = "<iframe src=\"javascript:window.__pwned='fac'\"></iframe>71 Avenue Andre Roussin"
LONG_NOTE = "very long note " * 400
CONTROL_NAME = "Alexandria\x00\x1b[2J\u202eevil"


def rename_owner(owners: list[str]) -> list[str]:
    renamed = {"Orange": OWNER, "Telecom Egypt": RTL_OWNER, "Algerie Telecom": "@SUM(A1:A9)"}
    return [renamed.get(o, o) for o in owners]


def build_hostile_data(target: Path) -> Path:
    target.mkdir()
    for item in DATA_DIR.iterdir():
        (target / item.name).symlink_to(item)

    def rewrite(name: str, change: Any) -> None:
        parsed = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
        for feature in parsed["features"]:
            change(feature["properties"])
        (target / name).unlink()
        (target / name).write_text(json.dumps(parsed), encoding="utf-8")

    def cables(p: dict[str, Any]) -> None:
        p["owners"] = rename_owner(p["owners"])
        if p["id"] == "seamewe-4":
            p["name"] = CABLE_NAME
            p["url"] = "javascript:window.__pwned='url'"
            p["notes"] = LONG_NOTE
            p["rfs"] = FORMULA

    def points(p: dict[str, Any]) -> None:
        if p["id"] == "marseille-france":
            p["name"] = LP_NAME
        if p["id"] == "alexandria-egypt":
            p["name"] = CONTROL_NAME

    def facilities(p: dict[str, Any]) -> None:
        if p["id"] == "building-20135":
            p["name"] = "<b>JN MRS-01</b><script>alert('fac')</script>"
            p["address"] = FAC_ADDRESS
            p["exchange_urls"] = ["javascript:alert(1)", "https://www.franceix.net"]

    rewrite("cables.geojson", cables)
    rewrite("landing_points.geojson", points)
    rewrite("facilities.geojson", facilities)
    return target


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    directory = build_hostile_data(tmp_path_factory.mktemp("hostile") / "data")
    server = LiveServer(directory)
    yield server
    server.stop()
    shutil.rmtree(directory, ignore_errors=True)


class Watch:
    """Dialogs, page errors, CSP violations and off-origin requests seen by a page."""

    def __init__(self, page: Page, origin: str) -> None:
        self.dialogs: list[str] = []
        self.csp: list[str] = []
        self.foreign: list[str] = []
        self.origin = origin

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on(
            "console",
            lambda m: self.csp.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.on(
            "request",
            lambda r: (
                None if r.url.startswith((origin, "data:", "blob:")) else self.foreign.append(r.url)
            ),
        )


def no_script_ran(page: Page, watch: Watch) -> None:
    assert page.evaluate("() => window.__pwned") is None
    assert watch.dialogs == []
    handlers = page.evaluate(
        """() => [...document.querySelectorAll('*')].flatMap(e =>
            [...e.attributes].filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))"""
    )
    assert handlers == []
    assert (
        page.evaluate(
            "() => document.querySelectorAll('iframe, img[src=\"x\"], svg[onload]').length"
        )
        == 0
    )


def open_page(page: Page, server: LiveServer, search: str) -> Watch:
    watch = Watch(page, server.url)
    page.goto(server.url + "/" + search)
    wait_for_map(page)
    page.wait_for_function(f"() => document.querySelector('#{ids.KPI_CABLES}').textContent !== '–'")
    return watch


def test_hostile_names_are_inert_and_readable_on_the_page(
    hostile_server: LiveServer, page: Page
) -> None:
    watch = open_page(page, hostile_server, "?region=world&sel=cable:seamewe-4")
    details = page.locator(f"#{ids.DETAILS}")
    details.get_by_text("SeaMeWe-4", exact=False).first.wait_for()
    text = details.inner_text()
    assert '<script>window.__pwned="cable"</script>SeaMeWe-4' in text
    assert "\u0627\u062a\u0635\u0627\u0644\u0627\u062a" in text
    assert "Marseille" in text  # the hostile landing point, listed by name
    assert details.locator("a[href^='javascript']").count() == 0
    assert all(
        href.startswith(("http://", "https://", "/", "#"))
        for href in page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.getAttribute('href'))"
        )
    )

    # The owners chart: the hostile owner is a bar label, shown as text, and its hover label too.
    chart = f"#{ids.CHART_OWNERS} .js-plotly-plot"
    page.wait_for_function(
        "s => { const g = document.querySelector(s); return g && g.data && g.data.length; }",
        arg=chart,
    )
    ticks = page.eval_on_selector_all(
        f"#{ids.CHART_OWNERS} .ytick text", "els => els.map(e => e.textContent)"
    )
    assert any("<img src=x onerror=alert(1)>" in t for t in ticks), ticks
    page.evaluate(
        """s => { const g = document.querySelector(s);
            const i = g.data[0].y.findIndex(v => String(v).includes('onerror'));
            Plotly.Fx.hover(g, [{curveNumber: 0, pointNumber: i}]); }""",
        chart,
    )
    hover = page.locator(f"#{ids.CHART_OWNERS} .hoverlayer").text_content() or ""
    assert "<img src=x onerror=alert(1)>Orange" in hover

    # Its table view (Markdown, escaped): the owner's name as written, no image made of it.
    view = page.locator(f"#{ids.TABLE_OWNERS}")
    view.locator("xpath=..").locator("summary").click()
    view.locator("td", has_text="Orange").first.wait_for()
    assert "<img src=x onerror=alert(1)>Orange" in view.locator("td").all_inner_texts()
    assert view.locator("img").count() == 0

    # The table: search the hostile cable and read its row.
    page.fill(f"#{ids.GRID_SEARCH}", "SeaMeWe-4")
    # (The cable's name cell: its landing points' names, a column too, hold hostile text of
    # their own.)
    cell = page.locator(f"#{ids.GRID} .ag-cell[col-id='name']", has_text="window.__pwned").first
    cell.wait_for()
    assert "<script>" in cell.inner_text()

    # The repairs the loader made are on the page.
    notice = page.locator(f"#{DATA_WARNINGS}")
    assert notice.is_visible()
    notice.locator("summary").click()
    notice_text = notice.inner_text()
    assert "links that are not http(s) URLs removed" in notice_text
    assert "control or bidi-override characters removed" in notice_text
    assert "text longer than 500 characters cut" in notice_text

    no_script_ran(page, watch)
    assert watch.csp == []
    assert watch.foreign == []


def test_hostile_owner_in_the_url_filters_and_stays_text(
    hostile_server: LiveServer, page: Page
) -> None:
    search = "?" + urlencode([("owner", OWNER), ("owner", RTL_OWNER), ("region", "world")])
    watch = open_page(page, hostile_server, search)
    page.wait_for_function(
        f"() => Number(document.querySelector('#{ids.KPI_CABLES}').textContent) > 0"
    )
    assert page.locator(f"#{ids.NOTICE}").inner_text().strip() == ""
    owners = page.locator(f"#{ids.F_OWNER}").inner_text()
    assert "<img src=x onerror=alert(1)>Orange" in owners
    assert "Telecom Egypt" in owners
    assert "onerror" in page.evaluate("() => decodeURIComponent(location.search)")
    # Select the hostile landing point through its details link and back.
    page.goto(hostile_server.url + "/?region=world&sel=lp:marseille-france")
    wait_for_map(page)
    page.locator(f"#{ids.DETAILS}", has_text="svg/onload").wait_for()
    no_script_ran(page, watch)
    assert watch.foreign == []


def fetch(server: LiveServer, path: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(server.url + path, timeout=180) as response:
        return response.read(), response.headers.get("Content-Type", "")


def test_exports_keep_hostile_text_inert(hostile_server: LiveServer, page: Page) -> None:
    query = "?" + urlencode([("region", "world"), ("cable", "seamewe-4")])
    report, kind = fetch(hostile_server, "/export/report.html" + query)
    assert kind.startswith("text/html")
    html_text = report.decode("utf-8")
    assert '<script>window.__pwned="cable"' not in html_text
    assert "<img src=x onerror" not in html_text
    assert "&lt;script&gt;window.__pwned" in html_text
    watch = Watch(page, "about:")
    page.set_content(html_text)
    page.wait_for_timeout(500)
    no_script_ran(page, watch)

    raw, _ = fetch(hostile_server, "/export/cables.csv" + query)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        csv_name = next(n for n in archive.namelist() if n.endswith(".csv"))
        csv_text = archive.read(csv_name).decode("utf-8-sig")
    assert '<script>window.__pwned=""cable""</script>SeaMeWe-4' in csv_text  # CSV-quoted, as text
    assert "'=HYPERLINK" in csv_text  # a cell that starts a formula stays text in a spreadsheet
    assert not re.search(r'(^|,)"?=HYPERLINK', csv_text, re.M)
    assert "javascript:" not in csv_text

    svg, kind = fetch(hostile_server, "/export/figure/owners.svg?region=world")
    assert kind.startswith("image/svg")
    root = ElementTree.fromstring(svg)
    elements = list(root.iter())
    assert not [e.tag for e in elements if e.tag.rpartition("}")[2] in ("script", "foreignObject")]
    assert not [a for e in elements for a in e.attrib if a.lower().startswith("on")]
    assert not [
        v for e in elements for k, v in e.attrib.items() if "javascript:" in v.replace(" ", "")
    ]
    texts = ["".join(e.itertext()) for e in elements if e.tag.endswith("}text")]
    assert any("<img src=x onerror=alert(1)>Orange" in t for t in texts)
