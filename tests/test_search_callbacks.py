"""The searched dropdowns' callback: holder ⇄ dropdown, typed text → options, over HTTP too."""

from __future__ import annotations

from typing import Any

import pytest
from dash import Dash, no_update

from app import create_app
from components import ids
from components.search_callbacks import SEARCHED, settle, triggers_of
from components.state import CONTROL_IDS
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
