"""Exports: images (kaleido), data files, the report, the /export routes, and hostile data.

One kaleido server serves the whole module (it is per process), so the image tests cost a
fraction of a second each after the first; the map and the PDF report are exported once.
"""

from __future__ import annotations

import dataclasses
import io
import re
import struct
import tempfile
import threading
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

import flask
import geopandas as gpd
import orjson
import pandas as pd
import plotly.graph_objects as go
import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from config import RenderLimits
from datalayer.filters import Filtered
from datalayer.loader import Datasets
from datalayer.query import parse_params, to_query
from datalayer.selection import Selection
from export import images, meta, renderer, report, tables
from export.routes import register_export
from services.context import AppContext, build_context

QUERIES = ["", "owner=Orange", "region=world&country=Egypt"]
DATASET_FRAMES = {
    "cables": "cables",
    "landing-points": "landing_points",
    "facilities": "facilities",
}
HOSTILE_ID = "alpal-2"
HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_OWNERS = ['=HYPERLINK("http://x")', "<img src=x onerror=alert(1)>"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def _client(ctx: AppContext) -> FlaskClient:
    server = flask.Flask(__name__)
    register_export(server, ctx)
    return server.test_client()


@pytest.fixture(scope="module")
def client(ctx: AppContext) -> FlaskClient:
    return _client(ctx)


@pytest.fixture(scope="module")
def hostile_ctx(real_data: Datasets) -> AppContext:
    """The shipped data with one cable named like a script and two owners built to hurt."""
    cables = real_data.cables.copy()
    assert HOSTILE_ID in cables.index
    cables["name"] = cables["name"].where(cables.index != HOSTILE_ID, HOSTILE_NAME)
    cables["owners"] = [
        # The formula first, so the CSV cell starts with "=".
        [HOSTILE_OWNERS[0], *owners, HOSTILE_OWNERS[1]] if cable_id == HOSTILE_ID else owners
        for cable_id, owners in cables["owners"].items()
    ]
    return build_context(dataclasses.replace(real_data, cables=cables))


@pytest.fixture(scope="module", autouse=True)
def _stop_kaleido() -> Iterator[None]:
    yield
    images.stop_server()


def _selection(ctx: AppContext, query: str) -> Selection:
    sel, notices = parse_params(parse_qs(query, keep_blank_values=True), ctx.vocab)
    assert not notices
    return sel


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _get(client: FlaskClient, path: str, query: str = "") -> TestResponse:
    return client.get(f"{path}?{query}" if query else path)


def _today() -> str:
    return datetime.now(UTC).strftime("%Y%m%d")


def _filename(response: TestResponse) -> str:
    disposition = response.headers["Content-Disposition"]
    match = re.fullmatch(r'attachment; filename="([^"]+)"', disposition)
    assert match, disposition
    return match.group(1)


def _read_gpkg(content: bytes, layer: str) -> gpd.GeoDataFrame:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "export.gpkg"
        path.write_bytes(content)
        return gpd.read_file(path, layer=layer)


# --- images ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1, 2, 4])
def test_png_pixels_are_size_times_scale(ctx: AppContext, scale: int) -> None:
    png = images.export_named_figure(
        ctx, Selection(), "years", "png", scale=scale, width=400, height=420
    )
    assert _png_size(png) == (400 * scale, 420 * scale)


def test_png_route_defaults_to_scale_2(client: FlaskClient) -> None:
    response = _get(client, "/export/figure/countries.png", "width=500&height=450")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "image/png"
    assert _png_size(response.data) == (1000, 900)
    assert re.fullmatch(rf"landfall-countries-mediterranean-{_today()}\.png", _filename(response))


def test_svg_parses_and_carries_credits_and_filters(client: FlaskClient, ctx: AppContext) -> None:
    response = _get(client, "/export/figure/owners.svg", "owner=Orange&status=in-service")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    text = " ".join(root.itertext())
    assert "TeleGeography" in text
    assert "CC BY-NC-SA 3.0" in text
    assert ctx.data_date("cables.geojson") in text
    assert "Mediterranean Sea · owner: Orange · in service" in text
    assert "Cables and km by owner" in text


def test_figure_pdf(client: FlaskClient) -> None:
    response = _get(client, "/export/figure/facilities.pdf", "theme=dark")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert _filename(response).endswith(".pdf")


def test_map_png_with_inline_basemap(client: FlaskClient, ctx: AppContext) -> None:
    fig = images.build_figure(ctx, Selection(region="world"), "map", "light")
    sources = [layer.source for layer in fig.layout.map.layers]
    # kaleido's Chromium cannot fetch the app's /basemap URLs: the GeoJSON must be inline.
    assert all(isinstance(source, dict) for source in sources)
    assert any(source.get("features") for source in sources if isinstance(source, dict))
    response = _get(client, "/export/figure/map.png", "region=world&scale=1&width=800&height=500")
    assert response.status_code == 200
    assert _png_size(response.data) == (800, 500)
    # A map with land, cables and points compresses far worse than an empty frame.
    assert len(response.data) > 100_000


def test_concurrent_exports_share_one_server(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One renders while two queue (the default queue holds one; beyond it, a fast refusal is
    # tested in test_render_limits.py).
    monkeypatch.setattr(renderer, "GATE", renderer.RenderGate(RenderLimits(1, 2, 120)))
    results: list[bytes] = []

    def work() -> None:
        results.append(
            images.export_named_figure(ctx, Selection(), "owners", "png", width=400, height=400)
        )

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 3
    assert all(_png_size(r) == (400, 400) for r in results)


def test_decorate_returns_a_copy_with_title_and_footer() -> None:
    original = go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h"))
    original.update_layout(title={"text": "Original"}, margin={"t": 5, "b": 5})
    decorated = images.decorate(
        original,
        "Cables & <b>owners</b>",
        ["Submarine cable data © TeleGeography, CC BY-NC-SA 3.0", 'Quote "me"'],
        "2022-11-10",
        subtitle="Mediterranean Sea · owner: <img src=x>",
        width=600,
        height=400,
    )
    assert original.layout.title.text == "Original"
    assert not original.layout.annotations
    assert decorated.layout.title.text == "<b>Cables &amp; &lt;b&gt;owners&lt;/b&gt;</b>"
    assert decorated.layout.title.subtitle.text == "Mediterranean Sea · owner: &lt;img src=x&gt;"
    footer = decorated.layout.annotations[-1].text
    assert "TeleGeography" in footer and "Data date: 2022-11-10" in footer
    assert "&#34;me&#34;" in footer  # Plotly shows "&quot;" literally, "&#34;" as a quote
    assert decorated.layout.margin.t > 40 and decorated.layout.margin.b > 40
    assert (decorated.layout.width, decorated.layout.height) == (600, 400)


def test_long_texts_wrap_to_the_width() -> None:
    decorated = images.decorate(
        go.Figure(),
        "A title " * 20,
        ["attribution " * 30],
        "2022-11-10",
        width=400,
        height=400,
    )
    assert decorated.layout.title.text.count("<br>") >= 2
    assert decorated.layout.annotations[-1].text.count("<br>") >= 3


def test_describe_selection(ctx: AppContext) -> None:
    sel = Selection(
        owners=("Orange",), year_min=2010, year_max=2020, status="in-service", countries=("Egypt",)
    )
    assert (
        meta.describe_selection(sel, ctx)
        == "Mediterranean Sea · owner: Orange · RFS 2010–2020 · in service · landing in: Egypt"
    )
    assert meta.describe_selection(Selection(region="world"), ctx) == "World"
    many = Selection(owners=("Orange", "Telecom Egypt", "Telxius", "Vodafone"), year_min=2015)
    assert meta.describe_selection(many, ctx) == (
        "Mediterranean Sea · owners: Orange, Telecom Egypt, Telxius +1 more · RFS from 2015"
    )


# --- data files ----------------------------------------------------------------------------


def _expected_ids(ctx: AppContext, query: str, dataset: str) -> list[str]:
    filtered: Filtered = ctx.select(_selection(ctx, query))
    return [str(i) for i in getattr(filtered, DATASET_FRAMES[dataset]).index]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("dataset", list(DATASET_FRAMES))
def test_csv_rows_match_the_selection(
    client: FlaskClient, ctx: AppContext, query: str, dataset: str
) -> None:
    response = _get(client, f"/export/{dataset}.csv", query)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    name = _filename(response)
    region = "world" if "region=world" in query else "mediterranean"
    assert name == f"landfall-{dataset}-{region}-{_today()}.csv.zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert sorted(archive.namelist()) == sorted([name.removesuffix(".zip"), "README.txt"])
        table = pd.read_csv(archive.open(name.removesuffix(".zip")), encoding="utf-8-sig")
        readme = archive.read("README.txt").decode()
    assert list(table["id"].astype(str)) == _expected_ids(ctx, query, dataset)
    assert "TeleGeography" in readme and "CC BY-NC-SA 3.0" in readme
    assert "creativecommons.org/licenses/by-nc-sa/3.0" in readme
    assert "NonCommercial" in readme  # the licence terms, not just its name
    assert f"Rows:        {len(table)}" in readme
    expected_query = to_query(_selection(ctx, query)) or "(none: the default view)"
    assert f"Query:       {expected_query}" in readme
    assert "Exported:" in readme and "Data date:" in readme


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("dataset", list(DATASET_FRAMES))
def test_geojson_features_match_the_selection(
    client: FlaskClient, ctx: AppContext, query: str, dataset: str
) -> None:
    response = _get(client, f"/export/{dataset}.geojson", query)
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    payload = orjson.loads(response.data)
    assert payload["type"] == "FeatureCollection"
    for member in ("attribution", "licence", "licence_url", "data_date"):
        assert payload[member], member
    assert payload["query"] == to_query(_selection(ctx, query))
    assert [f["id"] for f in payload["features"]] == _expected_ids(ctx, query, dataset)
    # And it reads back as geodata.
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "export.geojson"
        path.write_bytes(response.data)
        frame = gpd.read_file(path)
    assert len(frame) == len(payload["features"])


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("dataset", list(DATASET_FRAMES))
def test_geopackage_features_match_the_selection(
    client: FlaskClient, ctx: AppContext, query: str, dataset: str
) -> None:
    response = _get(client, f"/export/{dataset}.gpkg", query)
    assert response.status_code == 200
    assert _filename(response).endswith(".gpkg")
    layer = _read_gpkg(response.data, dataset.replace("-", "_"))
    assert list(layer["id"]) == _expected_ids(ctx, query, dataset)
    assert layer.crs is not None and layer.crs.to_epsg() == 4326
    about = _read_gpkg(response.data, "about")
    assert len(about) == 1
    assert "TeleGeography" in about.loc[0, "attribution"]
    assert about.loc[0, "licence"] == "CC BY-NC-SA 3.0 Unported"
    assert (about.loc[0, "query"] or "") == to_query(_selection(ctx, query))


def test_csv_lists_are_readable(client: FlaskClient) -> None:
    response = _get(client, "/export/cables.csv", "cable=seamewe-4")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        csv_name = next(n for n in archive.namelist() if n.endswith(".csv"))
        table = pd.read_csv(archive.open(csv_name), encoding="utf-8-sig")
    row = table.iloc[0]
    assert row["name"] == "SeaMeWe-4"
    assert "; " in row["owners"] and "; " in row["landing_points"]
    assert "Marseille, France" in row["landing_points"].split("; ")
    assert "geometry" not in table.columns


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_guard(start: str) -> None:
    assert tables.guard_formula(f"{start}1+1") == f"'{start}1+1"
    assert tables.guard_formula("Orange") == "Orange"
    assert tables.guard_formula(-5.5) == -5.5


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query", "fragment"),
    [
        ("/export/cables.csv", "owner=Nobody%20Inc", "Unknown owner"),
        ("/export/cables.geojson", "colour=red", "Unknown parameter"),
        ("/export/cables.csv", "theme=dark", "Unknown parameter"),
        ("/export/figure/owners.png", "scale=3", "'scale'"),
        ("/export/figure/owners.png", "scale=1&scale=2", "only once"),
        ("/export/figure/owners.png", "width=10", "between 400 and 3000"),
        ("/export/figure/owners.png", "height=abc", "whole number"),
        ("/export/figure/map.svg", "theme=pink", "'theme'"),
        ("/export/report.html", "year_min=1066", "Year"),
    ],
)
def test_bad_parameters_are_json_400(
    client: FlaskClient, path: str, query: str, fragment: str
) -> None:
    response = _get(client, path, query)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    body = orjson.loads(response.data)
    assert body["error"] == "invalid parameters"
    assert any(fragment in detail for detail in body["details"]), body


@pytest.mark.parametrize(
    "path",
    [
        "/export/ships.csv",
        "/export/cables.xlsx",
        "/export/cables",
        "/export/figure/pie.png",
        "/export/figure/map.gif",
        "/export/report.docx",
        "/export/",
        "/export/../app.py",
    ],
)
def test_unknown_exports_are_json_404(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert orjson.loads(response.data)["error"] == "not found"


def test_other_methods_are_json_405(client: FlaskClient) -> None:
    response = client.post("/export/cables.csv")
    assert response.status_code == 405
    assert orjson.loads(response.data)["error"] == "method not allowed"


def test_failures_are_json_not_tracebacks(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("secret /path/to/code")

    def busy(*args: object, **kwargs: object) -> bytes:
        raise images.ExportError("the image renderer is busy; try again shortly")

    client = _client(ctx)
    monkeypatch.setattr(tables, "export_table", broken)
    response = client.get("/export/cables.csv")
    assert response.status_code == 500
    assert orjson.loads(response.data) == {"error": "internal error"}
    monkeypatch.setattr(images, "export_named_figure", busy)
    response = client.get("/export/figure/map.png")
    assert response.status_code == 503
    assert "busy" in orjson.loads(response.data)["details"][0]


# --- report -------------------------------------------------------------------------------


def _without_script_bodies(document: str) -> str:
    """The markup with inline script bodies emptied (plotly.js mentions URLs in its code)."""
    return re.sub(r"(<script\b[^>]*>).*?(</script>)", r"\1\2", document, flags=re.S)


def test_report_html_is_self_contained(client: FlaskClient, ctx: AppContext) -> None:
    response = _get(client, "/export/report.html", "owner=Orange&theme=dark")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert re.fullmatch(rf"landfall-report-mediterranean-{_today()}\.html", _filename(response))
    document = response.data.decode()
    markup = _without_script_bodies(document)
    assert not re.findall(r"\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", markup, re.I)
    assert not re.findall(r"<link\b", markup, re.I)
    assert not re.findall(r"<script\b[^>]*\bsrc\s*=", markup, re.I)
    assert not re.findall(r"@import|url\(\s*[\"']?(?:https?:)?//", markup, re.I)
    assert "Content-Security-Policy" in markup and "default-src &#x27;none&#x27;" in markup
    # plotly.js inline exactly once, seven figures (the map, five charts, the hubs' small
    # multiples), credits and filters.
    assert document.count("Plotly.newPlot(") == 7
    assert len(re.findall(r"<script type=\"text/javascript\">", document)) == 2
    assert "Mediterranean Sea · owner: Orange" in markup
    assert "TeleGeography" in markup and "CC BY-NC-SA 3.0" in markup
    assert "© OpenStreetMap contributors" in markup and "ODbL" in markup
    assert ctx.data_date("cables.geojson") in markup
    assert "<table" in markup and "2Africa" in markup


def test_report_pdf(client: FlaskClient) -> None:
    response = _get(client, "/export/report.pdf", "owner=Orange")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert re.fullmatch(rf"landfall-report-mediterranean-{_today()}\.pdf", _filename(response))


# --- hostile data -------------------------------------------------------------------------


def test_hostile_names_are_text_in_svg(hostile_ctx: AppContext) -> None:
    sel = Selection(cables=(HOSTILE_ID,))
    svg = images.export_named_figure(hostile_ctx, sel, "owners", "svg").decode()
    root = ET.fromstring(svg)  # parses as XML: no tag soup
    tags = {element.tag.rpartition("}")[2].lower() for element in root.iter()}
    assert "script" not in tags and "img" not in tags
    assert "<script" not in svg and "<img" not in svg
    text = " ".join(root.itertext())
    assert HOSTILE_NAME in text  # shown, as text, in the title
    assert HOSTILE_OWNERS[1] in text  # and as an owner label


def test_hostile_names_are_escaped_in_the_report(hostile_ctx: AppContext) -> None:
    sel = Selection(cables=(HOSTILE_ID,))
    document = report.build_report_html(hostile_ctx, sel)
    assert HOSTILE_NAME not in document
    assert HOSTILE_OWNERS[1] not in document
    assert "<img" not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document  # the table and the header


def test_hostile_names_in_csv(hostile_ctx: AppContext) -> None:
    sel = Selection(cables=(HOSTILE_ID,))
    file = tables.export_table(hostile_ctx, sel, "cables", "csv")
    with zipfile.ZipFile(io.BytesIO(file.content)) as archive:
        csv_name = next(n for n in archive.namelist() if n.endswith(".csv"))
        table = pd.read_csv(archive.open(csv_name), encoding="utf-8-sig")
    row = table.iloc[0]
    assert row["name"] == HOSTILE_NAME  # plain text: CSV has no markup to escape
    assert str(row["owners"]).startswith("'" + HOSTILE_OWNERS[0] + "; ")
    assert HOSTILE_OWNERS[1] in str(row["owners"])
