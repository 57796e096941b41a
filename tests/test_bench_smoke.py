"""Smoke test of the benchmark: ``python -m bench --quick`` runs and reports every metric.

No timing is asserted (the machine decides those); only that each number exists, is sane and
that every budget was evaluated. The browser metric needs /usr/bin/chromium (scripts/test.sh
installs it) and is checked in its own test, marked ``browser``. The production render cache
(web/render_cache.py) is checked for what it answers, not for how fast.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app import create_app
from bench.measure import CallbackSpec, find_render_callback, render_body
from bench.report import evaluate_budgets, to_markdown
from bench.synth import make_synthetic
from datalayer.loader import Datasets, load_datasets
from tests.conftest import DATA_DIR, REPO
from web.render_cache import CACHE_HEADER, cache_key, install_render_cache


def positive(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench")
    subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=REPO,
        check=True,
        timeout=420,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
    )
    assert (out / "bench.md").read_text().startswith("# Landfall benchmark")
    result: dict[str, Any] = json.loads((out / "bench.json").read_text())
    return result


def test_quick_run_reports_every_metric(quick_run: dict[str, Any]) -> None:
    assert positive(quick_run["bare_import_s"]["best"])
    one = quick_run["scales"]["1"]
    # "partial" only means a busy machine hit the time cap before the last round: still measured.
    assert one["status"] in ("ok", "partial"), one["notes"]
    assert one["features"] == {"cables": 526, "landing_points": 1436, "facilities": 1515}
    assert positive(one["inprocess"]["load_s"])
    assert positive(one["cold_start"]["best"])
    # The budget's cold start reads the data cache that the first start (cache empty) wrote.
    assert one["first_start"]["cache"] == "empty" and one["cold_start"]["cache"] == "warm"
    assert positive(one["first_start"]["best"])
    assert not any("wrote no data cache" in note for note in one["notes"])
    assert one["callback"]["all"]["n"] >= 7
    assert positive(one["callback"]["all"]["p50"])
    assert one["callback"]["all"]["p95"] >= one["callback"]["all"]["p50"]
    assert positive(one["inprocess"]["render"]["serialise_all"]["p95"])
    for key in ("raw", "gzip", "brotli"):
        assert positive(one["payload"][key])
    assert one["payload"]["raw"] > one["payload"]["gzip"]
    assert positive(one["upstream"]["full"]["gzip"])
    # The comparison covers the same features the map draws, layer by layer.
    drawn = {row["layer"] for row in one["payload"]["layers"]}
    # Every dataset drawn, and only those (the layout and the page's interaction traces aside).
    data_layers = drawn - {"layout", "interaction"}
    assert {f"{layer}.geojson" for layer in data_layers} == set(one["upstream"]["files"])
    assert one["upstream"]["files"]["cables.geojson"]["features"] > 0
    assert positive(one["memory"]["server_vmhwm_mb"])
    assert positive(one["memory"]["inprocess_load_mb"])
    assert positive(one["wire"]["bytes"])
    # The browser's budgets are checked with the browser test (they need Chromium).
    budgets = [b for b in quick_run["budgets"] if not b["budget"].startswith("browser:")]
    assert {b["result"] for b in budgets} <= {"PASS", "FAIL"}
    assert len(budgets) == 4  # payload, callback, cold start, memory (no growth at one scale)
    assert all(positive(b["ratio"]) for b in budgets)
    cold = next(b for b in budgets if b["budget"].startswith("cold start"))
    assert cold["measured"] == one["cold_start"]["best"]
    assert "first start (data cache empty)" in cold["note"]


@pytest.mark.browser
def test_quick_run_times_a_filter_change_in_the_browser(quick_run: dict[str, Any]) -> None:
    browser = quick_run["scales"]["1"]["browser"]
    assert browser["status"] == "ok", browser
    assert len(browser["samples_ms"]) == 2  # default → target → default
    assert positive(browser["median_ms"])
    assert positive(browser["page_load_to_map_s"])
    # The floor: the same changes drawn by bare plotly.js on an empty page of the same origin.
    floor = browser["floor"]
    assert floor["status"] == "ok", floor
    assert positive(floor["first_newplot_ms"])
    target = browser["states"]["owner=Orange"]
    assert len(target["floor_ms"]) == len(target["page_ms"]) == 2
    assert all(positive(t) for t in target["floor_ms"])
    assert all(positive(b) for b in target["bytes_per_change"])
    assert positive(browser["ratio_to_floor"])
    toggle = browser["toggle"]
    assert toggle["status"] == "ok", toggle
    assert positive(toggle["off"]["median"]) and len(toggle["off_geometry_bytes"]) == 1
    # Five budgets at 1×, each measured (PASS or FAIL: the limits are targets, not asserted).
    budgets = [b for b in quick_run["budgets"] if b["budget"].startswith("browser:")]
    assert len(budgets) == 5
    assert {b["result"] for b in budgets} <= {"PASS", "FAIL"}, budgets
    assert all(b["measured"] is not None for b in budgets)


def test_synthetic_copy_keeps_references_valid(tmp_path: Path) -> None:
    counts = make_synthetic(DATA_DIR, tmp_path, 2)
    assert counts == {
        "cables.geojson": 1052,
        "landing_points.geojson": 2872,
        "facilities.geojson": 3030,
    }
    data = load_datasets(tmp_path)  # validates geometry, ids and cross-references
    copy = data.cables.loc["2africa-x1"]
    assert all(p.endswith("-x1") for p in copy["landing_point_ids"])
    assert data.metadata["datasets"]["cables.geojson"]["feature_count"] == 1052
    shift = data.cables.geometry["2africa-x1"].centroid.distance(
        data.cables.geometry["2africa"].centroid
    )
    assert 0 < shift <= 0.5 * math.sqrt(2) + 1e-6


def test_render_request_is_built_from_the_dependencies() -> None:
    deps = [
        {"output": "grid.rowData", "inputs": [{"id": "render-key", "property": "data"}]},
        {
            "output": "..map-message.data...kpi.children..",
            "inputs": [
                {"id": "render-key", "property": "data"},
                {"id": "theme-store", "property": "data"},
            ],
            "state": [{"id": "url", "property": "search"}],
            "clientside_function": None,
        },
        {
            "output": "details-panel.className",
            "inputs": [{"id": "render-key", "property": "data"}],
            "clientside_function": {"namespace": "x", "function_name": "y"},
        },
    ]
    spec = find_render_callback(deps)
    assert isinstance(spec, CallbackSpec)
    assert spec.outputs == [("map-message", "data"), ("kpi", "children")]
    body = json.loads(render_body(spec, "?owner=Orange", "?owner=Orange"))
    assert body["changedPropIds"] == ["render-key.data"]
    assert body["inputs"][0]["value"] == "?owner=Orange"
    assert body["inputs"][1]["value"] is None
    assert body["state"] == [{"id": "url", "property": "search", "value": "?owner=Orange"}]


def test_budgets_explain_a_scale_that_did_not_start() -> None:
    results: dict[str, Any] = {
        "bare_import_s": {"best": 1.0},
        "scales": {
            "1": {
                "status": "ok",
                "notes": [],
                "payload": {"gzip": 60},
                "upstream": {"full": {"gzip": 100}},
                "callback": {"all": {"p50": 0.2, "p95": 0.3}},
                "inprocess": {"render": {"serialise_all": {"p95": 0.2}}},
                "first_start": {"best": 2.5},
                "cold_start": {"best": 2.0},
                "memory": {"server_vmhwm_mb": 300.0, "inprocess_peak_mb": 250.0},
            },
            "100": {
                "status": "did not finish",
                "stopped_in": "build_context",
                "notes": ["in-process measurements stopped at the 60 s cap during build_context"],
                "cold_start": {"did_not_start_within_s": 150.0},
                "first_start": {"did_not_start_within_s": 150.0},
                "memory": {"inprocess_peak_mb": 900.0},
            },
        },
    }
    budgets = {(b["budget"].split(" ")[0], b["scale"]): b for b in evaluate_budgets(results)}
    assert budgets[("map", "1×")]["result"] == "PASS"  # 0.6 ≤ 0.7
    assert budgets[("render", "1×")]["result"] == "PASS"  # 1.5 ≤ 3
    assert budgets[("cold", "1×")]["result"] == "FAIL"  # 2.0 > 1.5 (the warm start counts)
    assert (
        budgets[("cold", "1×")]["note"]
        == "first start (data cache empty): 2.50 s, 2.50× bare import"
    )
    growth = budgets[("callback", "1×→100×")]
    assert growth["result"] == "N/A"
    assert "build_context" in growth["note"]
    assert budgets[("peak", "100×")]["note"] == "lower bound: stopped during build_context"
    results["budgets"] = evaluate_budgets(results)
    markdown = to_markdown(results)
    assert "> 150 (did not start)" in markdown
    assert (
        "| first start, data cache empty: process → first /_dash-layout 200 (s) | 2.50 | > 150 (did not start) |"
        in markdown
    )
    assert "| callback p50 from 1× to 100× grows ≤ data (≤ 100×) | 1×→100× | – |" in markdown


def test_browser_budgets_compare_the_page_with_the_floor() -> None:
    browser = {
        "status": "ok",
        "page_load_to_map_s": 3.0,
        "page_paired": {"n": 4, "median": 900.0, "p95": 1200.0},
        "floor": {"status": "ok", "first_newplot_ms": 400.0, "changes": {"median": 400.0}},
        "bytes_per_change": {"n": 4, "median": 120_000, "p95": 125_000},
        "toggle": {
            "status": "ok",
            "layer": "facilities",
            "off": {"median": 100.0},
            "off_bytes": [95_000],
            "off_geometry_bytes": [90_000],
        },
        "states": {"owner=Orange": {"ratio": 2.5}},
    }
    results: dict[str, Any] = {"scales": {"1": {"notes": [], "browser": browser}}}
    budgets = {b["budget"]: b for b in evaluate_budgets(results) if "browser:" in b["budget"]}
    results["budgets"] = list(budgets.values())
    by_start = {name.split(" ")[1]: b for name, b in budgets.items()}
    assert by_start["filter"]["result"] == "FAIL" and by_start["filter"]["ratio"] == 2.25
    assert by_start["bytes"]["result"] == "FAIL"  # 120 KB > 40 KB
    toggle, geometry = (b for name, b in budgets.items() if "toggle" in name)
    assert toggle["result"] == "PASS"  # 100 ms ≤ 150 ms
    assert geometry["result"] == "FAIL" and geometry["limit"] == 0
    assert by_start["page"]["ratio"] == 7.5 and by_start["page"]["result"] == "FAIL"
    markdown = to_markdown(results)
    assert "| 90.0 KB | = 0 B | **FAIL** |" in markdown
    assert "| 120.0 KB (3.00× the limit) | ≤ 40.0 KB | **FAIL** |" in markdown
    # Without Chromium the stage is skipped: the budgets say so and count as neither.
    skipped = {"notes": [], "browser": {"status": "skipped: no Chromium at /usr/bin/chromium"}}
    for budget in evaluate_budgets({"scales": {"1": skipped}}):
        if budget["budget"].startswith("browser:"):
            assert budget["result"] == "N/A"
            assert "no Chromium" in budget["note"]


@pytest.fixture(scope="module")
def cached_app(real_data: Datasets) -> Any:
    dash_app = create_app(real_data)
    assert install_render_cache(dash_app.server) is not None
    return dash_app


def test_render_cache_answers_a_repeat_from_the_cache(cached_app: Any) -> None:
    client = cached_app.server.test_client()
    spec = find_render_callback(client.get("/_dash-dependencies").get_json())
    body = render_body(spec, "?owner=Orange", "?owner=Orange")
    first = client.post("/_dash-update-component", data=body, content_type="application/json")
    again = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert first.status_code == again.status_code == 200
    assert first.headers[CACHE_HEADER] == "miss"
    assert again.headers[CACHE_HEADER] == "hit"
    assert again.get_data() == first.get_data()
    assert "map-message" in again.get_json()["response"]
    # Another selection is computed, not served from the first one's entry.
    other = render_body(spec, "?country=Egypt", "?country=Egypt")
    third = client.post("/_dash-update-component", data=other, content_type="application/json")
    assert third.headers[CACHE_HEADER] == "miss"
    assert third.get_data() != first.get_data()


def test_render_cache_leaves_other_callbacks_alone(cached_app: Any) -> None:
    client = cached_app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    grid = next(d for d in deps if str(d["output"]).startswith("..grid.rowData"))
    body = {"output": grid["output"], "inputs": grid["inputs"], "state": []}
    assert cache_key(json.dumps(body).encode()) is None
    assert cache_key(b"not json") is None
    spec = find_render_callback(deps)
    key = cache_key(render_body(spec, "?", ""))
    assert key is not None and key.startswith("render:")
    # The trigger does not change the answer, so it is not part of the key.
    fired_by_theme = json.loads(render_body(spec, "?", ""))
    fired_by_theme["changedPropIds"] = ["theme-store.data"]
    assert cache_key(json.dumps(fired_by_theme).encode()) == key
