"""The searched dropdowns' callback: holder ⇄ dropdown, typed text → options, over HTTP too."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest
from dash import Dash, no_update

from app import create_app
from components import ids
from components.search_callbacks import SEARCHED, settle, triggers_of
from components.state import CONTROL_IDS
from components.tables import GRID_COUNT_JS, grid_count
from datalayer.loader import Datasets
from services.context import AppContext, build_context
from services.option_search import LIMIT

N = len(SEARCHED)
POS = {s.control: i for i, s in enumerate(SEARCHED)}


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def values_of(options: Any) -> list[str]:
    return [o["value"] for o in options]


def test_every_holder_is_a_sync_control_and_no_dropdown_is() -> None:
    for spec in SEARCHED:
        assert spec.holder in CONTROL_IDS
        assert spec.control not in CONTROL_IDS


def test_holder_from_the_url_sets_value_with_options_that_hold_it(ctx: AppContext) -> None:
    points = ctx.option_indexes.landing_points
    # A shared URL names a place far down the list: its option comes with the value.
    options, shown, held = settle(points, {"holder"}, "aasiaat-greenland", None, None)
    assert shown == "aasiaat-greenland" and held is no_update
    assert values_of(options)[0] == "aasiaat-greenland"
    assert len(options) == LIMIT + 1
    # Already shown: the value is left alone.
    _, shown, _ = settle(points, {"holder"}, "aasiaat-greenland", "aasiaat-greenland", None)
    assert shown is no_update


def test_user_pick_goes_to_the_holder(ctx: AppContext) -> None:
    cables = ctx.option_indexes.cables
    options, shown, held = settle(cables, {"control"}, [], ["seamewe-4"], "seamewe")
    assert options is no_update and shown is no_update
    assert held == ["seamewe-4"]
    assert settle(cables, {"control"}, ["seamewe-4"], ["seamewe-4"], None) == (
        no_update,
        no_update,
        no_update,
    )


def test_typing_searches_and_keeps_what_is_selected(ctx: AppContext) -> None:
    cables = ctx.option_indexes.cables
    options, shown, held = settle(
        cables, {"search"}, ["2africa"], ["2africa", "peace-cable"], "sea"
    )
    assert shown is no_update and held is no_update
    found = values_of(options)
    assert "seamewe-4" in found and len(found) <= LIMIT + 2
    assert {"2africa", "peace-cable"} <= set(found)
    # Cleared text: back to the short list, still with the selection.
    options, _, _ = settle(cables, {"search"}, [], ["peace-cable"], None)
    assert values_of(options)[0] == "peace-cable"
    # Non-text search values (a crafted request) are treated as nothing typed.
    options, _, _ = settle(cables, {"search"}, [], [], {"$ne": 1})
    assert values_of(options) == values_of(cables.initial())


def test_each_dropdown_reads_only_its_own_triggers() -> None:
    spec = next(s for s in SEARCHED if s.control == ids.A_FROM)
    assert triggers_of(spec, [f"{ids.A_FROM}.search_value"]) == {"search"}
    assert triggers_of(spec, [f"{ids.A_FROM}.value", f"{ids.A_FROM}.search_value"]) == {
        "control",
        "search",
    }
    assert triggers_of(spec, [f"{ids.A_FROM_VALUE}.value"]) == {"holder"}
    assert triggers_of(spec, [f"{ids.A_TO}.search_value"]) == {"holder"}  # not its own: first call
    assert triggers_of(spec, []) == {"holder"}


def test_one_callback_per_dropdown(real_data: Datasets) -> None:
    """A keystroke in one dropdown never shares a callback with another dropdown (Dash drops
    the answer of an overtaken call, which would swallow the other dropdown's results)."""
    deps = create_app(real_data).server.test_client().get("/_dash-dependencies").get_json()
    for spec in SEARCHED:
        (dep,) = [d for d in deps if f"{spec.control}.options" in d["output"]]
        assert {i["id"] for i in dep["inputs"]} == {spec.control, spec.holder}


def test_callback_over_http(real_data: Datasets) -> None:
    app: Dash = create_app(real_data)
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if f"{ids.A_FROM}.options" in d["output"])
    inputs = []
    for item in dep["inputs"]:
        key = f"{item['id']}.{item['property']}"
        value: Any = None
        if key == f"{ids.A_FROM}.search_value":
            value = "ALEXAND"
        elif item["property"] == "value" and any(
            s.multi and item["id"] in (s.holder, s.control) for s in SEARCHED
        ):
            value = []
        inputs.append({**item, "value": value})
    outputs = [
        {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
        for part in dep["output"].strip(".").split("...")
    ]
    body = {
        "output": dep["output"],
        "outputs": outputs,
        "inputs": inputs,
        "changedPropIds": [f"{ids.A_FROM}.search_value"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    answer = response.get_json()["response"]
    assert set(answer) == {ids.A_FROM}  # nothing else changes on a keystroke
    found = values_of(answer[ids.A_FROM]["options"])
    assert found[0] == "alexandria-egypt"
    # The layout carries short lists only.
    layout = client.get("/_dash-layout").get_data()
    assert b"aasiaat-greenland" not in layout


def test_no_output_is_claimed_twice_without_allow_duplicate(real_data: Datasets) -> None:
    # The holders are written by the sync callback and by the search callback: Dash's debug
    # mode refuses the page ("Duplicate callback outputs") unless the second says so.
    deps = create_app(real_data).server.test_client().get("/_dash-dependencies").get_json()
    plain: dict[str, int] = {}
    for dep in deps:
        for part in dep["output"].strip(".").split("..."):
            if "@" not in part:
                plain[part] = plain.get(part, 0) + 1
    assert {k: n for k, n in plain.items() if n > 1} == {}
    assert all(f"{s.holder}.value" in plain for s in SEARCHED)  # the sync callback's own


def test_a_pick_overtaken_by_the_cleared_search_still_reaches_the_holder(
    ctx: AppContext,
) -> None:
    """Picking an option clears the typed text; that call can overtake the pick's own (whose
    answer Dash drops), so the cleared-search call carries the pick to the holder."""
    owners = ctx.option_indexes.owners
    _, shown, held = settle(owners, {"search"}, [], ["Orange"], None)
    assert shown is no_update and held == ["Orange"]
    # While text is typed, the dropdown does not overrule the holder (it may lag a URL change).
    _, _, held = settle(owners, {"search"}, ["Orange"], [], "ora")
    assert held is no_update
    # Nothing picked: nothing to carry.
    _, _, held = settle(owners, {"search"}, ["Orange"], ["Orange"], None)
    assert held is no_update


# --- the data grid's count follows its search (a clientside callback) ---------------------------

NODE = shutil.which("node")


def run_grid_count(
    shown: int | None,
    loaded: int,
    search: str,
    line: Any,
    server_line: Any,
    *,
    columns: bool = False,
    api: bool = True,
) -> Any:
    """Run :data:`GRID_COUNT_JS` in Node against a stand-in for AG Grid's API."""
    script = f"""
    const window = globalThis;
    window.dash_clientside = {{no_update: 'NO_UPDATE', callback_context: {{triggered: []}}}};
    const grid = {{
        isDestroyed: () => false,
        forEachNode: f => {{ for (let i = 0; i < {loaded}; i++) f({{}}); }},
        getGridOption: k => (k === 'quickFilterText' ? {json.dumps(search)} : undefined),
        getDisplayedRowCount: () => {json.dumps(shown)},
        isColumnFilterPresent: () => {json.dumps(columns)},
    }};
    window.dash_ag_grid = {{getApiAsync: async id => {{
        if (!{json.dumps(api)} || id !== {json.dumps(ids.GRID)}) throw new Error('no grid');
        return grid;
    }}}};
    const f = ({GRID_COUNT_JS});
    const rows = Array.from({{length: {loaded}}}, () => ({{}}));
    const shownRows = {json.dumps(shown)} === null ? null : rows.slice(0, {json.dumps(shown)});
    f(shownRows, rows, {{quickFilterText: {json.dumps(search)}}}, {{}},
      {json.dumps(line)}, {json.dumps(server_line)})
        .then(out => console.log(JSON.stringify(out)));
    """
    assert NODE is not None
    done = subprocess.run([NODE, "-e", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.skipif(NODE is None, reason="needs Node.js to run the clientside function")
def test_grid_count_says_what_the_search_shows() -> None:
    # No search: the server's line as it is ("68 rows"), kept for later.
    assert run_grid_count(68, 68, "", "68 rows", None) == ["68 rows", "68 rows"]
    # "No Matching Rows" in the grid: the count says so.
    assert run_grid_count(0, 68, "zzz", "68 rows", "68 rows") == [
        "0 of 68 rows match the search",
        "68 rows",
    ]
    # The line is already the callback's own: the server's line comes from data-rows.
    assert run_grid_count(12, 68, "orange", "0 of 68 rows match the search", "68 rows") == [
        "12 of 68 rows match the search",
        "68 rows",
    ]
    # Search cleared: back to the server's line.
    assert run_grid_count(68, 68, "", "12 of 68 rows match the search", "68 rows") == [
        "68 rows",
        "68 rows",
    ]
    # New rows from the server while a search is on (their count line comes with them).
    assert run_grid_count(3, 1515, "x", "1,515 rows", "68 rows") == [
        "3 of 1,515 rows match the search",
        "1,515 rows",
    ]
    assert run_grid_count(5, 68, "", "68 rows", "68 rows", columns=True) == [
        "5 of 68 rows match the column filters",
        "68 rows",
    ]
    assert run_grid_count(5, 68, "a", "68 rows", "68 rows", columns=True)[0] == (
        "5 of 68 rows match the search and column filters"
    )


@pytest.mark.skipif(NODE is None, reason="needs Node.js to run the clientside function")
def test_grid_count_of_a_capped_grid_keeps_the_server_line() -> None:
    capped = grid_count(10_000, 12_345)
    assert " match " not in capped  # how the function tells the server's line from its own
    assert run_grid_count(3, 10_000, "x", capped, None) == [
        f"3 match the search · {capped}",
        capped,
    ]
    # Without the grid's API (not drawn yet) the grid's reported rows decide.
    assert run_grid_count(7, 68, "x", "68 rows", None, api=False) == [
        "7 of 68 rows match the search",
        "68 rows",
    ]


def test_grid_count_callback_follows_the_grid(real_data: Datasets) -> None:
    deps = create_app(real_data).server.test_client().get("/_dash-dependencies").get_json()
    (dep,) = [d for d in deps if f"{ids.GRID_COUNT}.data-rows" in d["output"]]
    assert {f"{i['id']}.{i['property']}" for i in dep["inputs"]} == {
        f"{ids.GRID}.virtualRowData",
        f"{ids.GRID}.rowData",
        f"{ids.GRID}.dashGridOptions",
    }
    assert dep["clientside_function"] is not None
