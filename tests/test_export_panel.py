"""The export card's pure functions, and the analysis (route, cut) carried into exports."""

from __future__ import annotations

import io
import zipfile

import pytest

from components.export_panel import (
    KIND_DATA,
    KIND_IMAGE,
    KIND_REPORT_HTML,
    ExportChoice,
    build_export,
    choice_from,
    export_url,
    run_export,
    size_note,
)
from datalayer.fields import filters_only as data_selection
from datalayer.loader import Datasets
from datalayer.query import parse_query
from datalayer.selection import Selection
from export import meta, report
from export.images import build_figure
from services.analysis_run import run_analysis
from services.context import AppContext, build_context

ROUTE_AND_CUT = "region=world&from=marseille-france&to=tuas-singapore&scenario=2024-red-sea"


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def test_choice_from_keeps_known_values_and_falls_back_on_unknown() -> None:
    good = choice_from(KIND_IMAGE, "years", "svg", 4, "facilities", "gpkg", "dark")
    assert good == ExportChoice(KIND_IMAGE, "years", "svg", 4, "facilities", "gpkg", "dark")
    bad = choice_from(KIND_DATA, "<script>", "gif", 3, "users", "xlsx", "neon")
    assert bad == ExportChoice(KIND_DATA)


def test_size_note_states_the_png_pixels_of_each_scale() -> None:
    assert size_note("map", "png", 1).startswith("PNG 1,400 × 900 px")
    assert size_note("map", "png", 4).startswith("PNG 5,600 × 3,600 px")
    assert size_note("owners", "png", 2).startswith("PNG 2,000 × 1,300 px")
    assert "vector" in size_note("map", "svg", 4)


def test_export_url_carries_the_page_query_and_the_choice() -> None:
    image = ExportChoice(KIND_IMAGE, figure="owners", image_format="png", scale=4)
    assert export_url(image, "?owner=Orange") == (
        "/export/figure/owners.png?owner=Orange&theme=light&scale=4"
    )
    svg = ExportChoice(KIND_IMAGE, figure="map", image_format="svg")
    assert export_url(svg, "") == "/export/figure/map.svg?theme=light"
    data = ExportChoice(KIND_DATA, dataset="landing-points", data_format="gpkg")
    assert export_url(data, "?country=Egypt") == "/export/landing-points.gpkg?country=Egypt"
    assert export_url(ExportChoice(KIND_REPORT_HTML), None) == "/export/report.html?theme=light"


def test_build_export_data_matches_the_filter(ctx: AppContext) -> None:
    sel = Selection(owners=("Orange",))
    file = build_export(ctx, sel, ExportChoice(KIND_DATA, dataset="cables", data_format="csv"))
    assert file.filename.endswith(".csv.zip")
    with zipfile.ZipFile(io.BytesIO(file.content)) as archive:
        names = archive.namelist()
        csv_name = next(n for n in names if n.endswith(".csv"))
        lines = archive.read(csv_name).decode("utf-8-sig").strip().splitlines()
    assert len(lines) - 1 == len(ctx.select(sel).cables)


def test_run_export_reports_what_it_saved(ctx: AppContext) -> None:
    file, status = run_export(ctx, "?country=Egypt", ExportChoice(KIND_DATA, data_format="geojson"))
    assert file is not None and status.startswith(f"Saved {file.filename} (")


def test_data_selection_drops_page_and_analysis_state(ctx: AppContext) -> None:
    sel, _ = parse_query(ROUTE_AND_CUT + "&owner=Orange&sel=lp:marseille-france", ctx.vocab)
    stripped = data_selection(sel)
    assert stripped == Selection(region="world", owners=("Orange",))


def test_exports_carry_the_route_and_the_cut_scenario(ctx: AppContext) -> None:
    sel, notices = parse_query(ROUTE_AND_CUT, ctx.vocab)
    assert notices == []
    text = meta.describe_selection(sel, ctx)
    assert "route Marseille, France → Tuas, Singapore" in text
    assert "cut scenario: February 2024 Red Sea cuts" in text
    layers = {(t.meta or {}).get("layer") for t in build_figure(ctx, sel, "map", "light").data}
    assert {"route", "cut-cables", "cut-impact"} <= layers
    html = report.analysis_html(ctx, sel)
    assert "<h2>Analysis</h2>" in html and "Best route" in html and "Cut impact" in html
    assert report.analysis_html(ctx, Selection()) == ""
    assert "<h2>Analysis</h2>" not in meta.describe_selection(Selection(), ctx)


def test_the_report_counts_the_cut_and_states_the_method(ctx: AppContext) -> None:
    # Every Red Sea cable: the report counts cut and ignored cables as the page and the API do,
    # and carries the same methodology paragraph.
    sel, _ = parse_query("region=world&scenario=red-sea-all", ctx.vocab)
    impact = run_analysis(ctx, sel).impact
    assert impact is not None
    n_cut, n_ignored = len(impact.cut_cable_ids), len(impact.ignored_cable_ids)
    html = report.analysis_html(ctx, sel)
    assert f"Cut ({n_cut} cables; {n_ignored} ignored, not in service)" in html
    assert impact.methodology and impact.methodology.split(".")[0] in html
    assert "Countries cut off: none" in html
