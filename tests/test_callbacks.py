"""The sync and render callbacks (components.sync, components.callbacks), called without Dash."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import numpy as np
import plotly.graph_objects as go
import pytest
from dash import ALL, Dash, Input
from dash.development.base_component import Component

from components import ids
from components.callbacks import CHART_IDS, register_callbacks, render_outputs, sync_inputs
from components.details import HINT
from components.state import CONTROL_IDS, controls_from_selection
from components.sync import (
    EVENTS_BY_KEY,
    SYNC_EVENTS,
    SYNC_KEYS,
    decode_trigger,
    event_key,
    on_chart_click,
    on_clear_cut,
    on_detail_link,
    on_details_close,
    on_lasso,
    on_map_click,
    on_map_move,
    on_reset,
    store_key,
    sync_event,
    sync_state,
)
from datalayer.loader import Datasets
from datalayer.query import parse_query
from datalayer.selection import MapView, Selection
from figures.layers import DEFAULT_LAYERS
from figures.theme import DARK, LIGHT
from figures.view import fit_selection
from services.context import AppContext, build_context
from services.map_pack import drawn_figure

SEAMEWE4 = "seamewe-4"
#: The map's events besides its click, as the sync callback names them: (component id, property).
RELAYOUT = (ids.MAP_MOVE, "data")
LASSO = (ids.MAP, "selectedData")
FACILITY = "building-8399"  # 40 Avenue Roger Salengro, Marseille


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def default_controls(ctx: AppContext, **changes: Any) -> dict[str, Any]:
    values = controls_from_selection(Selection(), ctx.vocab)
    values.update(changes)
    return values


def params(search: str | None) -> dict[str, list[str]]:
    assert search is not None
    return parse_qs(search.lstrip("?"))


def walk(node: Any) -> Iterator[str]:
    """Every string in a Dash component tree."""
    if isinstance(node, Component):
        yield from walk(getattr(node, "children", None))
    elif isinstance(node, list | tuple):
        for child in node:
            yield from walk(child)
    elif isinstance(node, str):
        yield node


def text_of(tree: Any) -> str:
    return " ".join(walk(tree))


# --- first load and URL changes -----------------------------------------------------------------


def test_first_load_drops_unknown_params(ctx: AppContext) -> None:
    result = sync_state(ctx, None, "?owner=Orange&bogus=1", {})
    assert "bogus" in result.notice
    assert result.search is None  # left as typed; the next change writes a clean URL
    assert result.controls is not None
    assert result.controls[ids.F_OWNER_VALUE] == ["Orange"]
    assert result.controls[ids.F_REGION] == "mediterranean"
    assert set(result.controls) == set(CONTROL_IDS)
    assert result.store == store_key(Selection(owners=("Orange",))) == "?owner=Orange"


def test_first_load_of_a_clean_link_is_not_rewritten(ctx: AppContext) -> None:
    result = sync_state(ctx, None, "?owner=Orange&region=world", {})
    assert result.search is None
    assert result.notice == ""
    assert result.controls is not None
    assert result.controls[ids.F_REGION] == "world"
    assert result.store == "?owner=Orange&region=world"


def test_next_change_after_bad_params_writes_a_clean_url(ctx: AppContext) -> None:
    values = controls_from_selection(Selection(owners=("Orange",)), ctx.vocab)
    values[ids.F_STATUS] = "planned"
    result = sync_state(ctx, ids.F_STATUS, "?owner=Orange&bogus=1", values)
    assert result.search == "?owner=Orange&status=planned"


def test_first_load_of_only_bad_params_uses_defaults(ctx: AppContext) -> None:
    result = sync_state(ctx, ids.URL, "?owner=Nobody", {})
    assert result.search is None
    assert "Nobody" in result.notice
    assert result.store == "?"
    assert result.controls == controls_from_selection(Selection(), ctx.vocab)


def test_first_load_keeps_view_out_of_the_store(ctx: AppContext) -> None:
    result = sync_state(ctx, None, "?owner=Orange&view=5.4,43.3,7.5", {})
    assert result.store == "?owner=Orange"
    assert result.notice == ""


# --- controls -----------------------------------------------------------------------------------


def test_control_change_writes_the_url(ctx: AppContext) -> None:
    values = default_controls(ctx, **{ids.F_OWNER_VALUE: ["Orange"]})
    result = sync_state(ctx, ids.F_OWNER_VALUE, "", values)
    assert result.search is not None and "owner=Orange" in result.search
    assert params(result.search) == {"owner": ["Orange"]}
    assert result.controls is None
    assert result.store == "?owner=Orange"
    assert result.notice == ""


def test_control_change_keeps_selected_item_and_view(ctx: AppContext) -> None:
    values = default_controls(ctx, **{ids.F_REGION: "world", ids.F_YEARS: [2000, 2010]})
    result = sync_state(ctx, ids.F_REGION, "?sel=cable:seamewe-4&view=5,43,7", values)
    assert params(result.search) == {
        "year_min": ["2000"],
        "year_max": ["2010"],
        "region": ["world"],
        "sel": ["cable:seamewe-4"],
        "view": ["5,43,7"],
    }
    assert result.controls is None
    assert "view" not in result.store


def test_control_values_outside_the_vocabulary_are_dropped(ctx: AppContext) -> None:
    values = default_controls(ctx, **{ids.F_OWNER_VALUE: ["Orange", "Nobody"], ids.F_STATUS: "x"})
    result = sync_state(ctx, ids.F_OWNER_VALUE, "", values)
    assert params(result.search) == {"owner": ["Orange"]}


def test_unchanged_controls_leave_the_url_alone(ctx: AppContext) -> None:
    result = sync_state(
        ctx,
        ids.F_OWNER_VALUE,
        "?owner=Orange",
        default_controls(ctx, **{ids.F_OWNER_VALUE: ["Orange"]}),
    )
    assert result.search is None
    assert result.store == "?owner=Orange"


# --- chart clicks -------------------------------------------------------------------------------


def click(value: Any) -> dict[str, Any]:
    return {"points": [{"customdata": value}]}


def test_owner_bar_click_adds_the_owner(ctx: AppContext) -> None:
    result = sync_state(ctx, ids.CHART_OWNERS, "?owner=Telecom%20Egypt", {}, click("Orange"))
    sel, _ = parse_query(result.search or "", ctx.vocab)
    assert sel.owners == ("Telecom Egypt", "Orange")
    assert result.controls is not None
    assert result.controls[ids.F_OWNER_VALUE] == ["Telecom Egypt", "Orange"]
    assert result.store == store_key(sel)


def test_owner_bar_click_on_a_chosen_owner_changes_nothing(ctx: AppContext) -> None:
    result = sync_state(ctx, ids.CHART_OWNERS, "?owner=Orange", {}, click("Orange"))
    assert result.search is None
    assert result.controls is None


def test_year_bar_click_sets_one_year(ctx: AppContext) -> None:
    result = sync_state(ctx, ids.CHART_YEARS, "", {}, click(2010))
    sel, _ = parse_query(result.search or "", ctx.vocab)
    assert (sel.year_min, sel.year_max) == (2010, 2010)
    assert result.controls is not None
    assert result.controls[ids.F_YEARS] == [2010, 2010]


def test_country_bar_clicks(ctx: AppContext) -> None:
    result = sync_state(ctx, ids.CHART_COUNTRIES, "", {}, click("Egypt"))
    assert params(result.search) == {"country": ["Egypt"]}
    result = sync_state(ctx, ids.CHART_FACILITIES, "", {}, click("France"))
    assert params(result.search) == {"fac_country": ["France"]}


@pytest.mark.parametrize(
    ("chart", "event"),
    [
        (ids.CHART_OWNERS, click(None)),  # the folded "Other (n)" bar
        (ids.CHART_COUNTRIES, click(None)),
        (ids.CHART_YEARS, click(None)),
        (ids.CHART_OWNERS, click("Nobody")),
        (ids.CHART_YEARS, click(1900)),
        (ids.CHART_YEARS, click("soon")),
        (ids.CHART_OWNERS, None),
        (ids.CHART_OWNERS, {"points": [{}]}),
    ],
)
def test_chart_clicks_that_change_nothing(ctx: AppContext, chart: str, event: Any) -> None:
    result = sync_state(ctx, chart, "?owner=Orange", {}, event)
    assert result.search is None
    assert result.controls is None
    assert result.store == "?owner=Orange"


# --- map clicks ---------------------------------------------------------------------------------


def test_cable_click_selects_the_cable(ctx: AppContext) -> None:
    position = ctx.map.cable_order.index(SEAMEWE4)
    result = sync_state(ctx, ids.MAP_PICK, "?owner=Orange", {}, click(position))
    assert result.search is not None
    assert "sel=cable%3Aseamewe-4" in result.search
    assert "owner=Orange" in result.search
    assert result.controls is None
    # plotly sends float32 customdata as a float; a list form is accepted too
    for value in (float(position), [position]):
        other = sync_state(ctx, ids.MAP_PICK, "", {}, click(value))
        assert other.search == "?sel=cable%3Aseamewe-4"


def test_landing_point_and_facility_clicks(ctx: AppContext) -> None:
    result = sync_state(ctx, ids.MAP_PICK, "", {}, click("lp:marseille-france"))
    assert params(result.search) == {"sel": ["lp:marseille-france"]}
    result = sync_state(ctx, ids.MAP_PICK, "", {}, click(f"fac:{FACILITY}"))
    assert params(result.search) == {"sel": [f"fac:{FACILITY}"]}


@pytest.mark.parametrize(
    "value",
    [
        -1,
        526,
        10_000,
        True,
        "lp:nowhere",
        "fac:nowhere",
        "cable:seamewe-4",  # cables are clicked by position, never by key
        "marseille-france",
        None,
    ],
)
def test_unknown_map_click_changes_nothing(ctx: AppContext, value: Any) -> None:
    search = "?sel=lp%3Amarseille-france"
    result = sync_state(ctx, ids.MAP_PICK, search, {}, click(value))
    assert result.search is None
    assert result.store == "?sel=lp%3Amarseille-france"


# --- details panel links ------------------------------------------------------------------------


def test_detail_link_selects(ctx: AppContext) -> None:
    link = {"type": ids.DETAIL_LINK, "key": f"fac:{FACILITY}"}
    result = sync_state(ctx, (link, "n_clicks"), "?sel=cable:seamewe-4", {}, link)
    assert params(result.search) == {"sel": [f"fac:{FACILITY}"]}
    assert result.controls is None


@pytest.mark.parametrize(
    "key", ["fac:nope", "lp:seamewe-4", "cable:seamewe-4&owner=Orange", "", "seamewe-4"]
)
def test_unknown_detail_link_changes_nothing(ctx: AppContext, key: str) -> None:
    link = {"type": ids.DETAIL_LINK, "key": key}
    result = sync_state(ctx, (link, "n_clicks"), "?sel=cable%3Aseamewe-4", {}, link)
    assert result.search is None
    assert result.store == "?sel=cable%3Aseamewe-4"


def test_show_the_cables_of_a_landing_point(ctx: AppContext) -> None:
    link = {"type": ids.DETAIL_LINK, "key": "cables-at:marseille-france"}
    search = "?owner=Orange&status=planned&sel=lp%3Amarseille-france"
    result = sync_state(ctx, (link, "n_clicks"), search, {}, link)
    landed = list(ctx.data.landing_points.loc["marseille-france", "cable_ids"])
    sel, _ = parse_query(result.search or "", ctx.vocab)
    # Exactly those cables, every one of them shown: the other cable filters are lifted.
    assert sorted(sel.cables) == sorted(landed)
    assert sel.owners == () and sel.status == "all"
    assert sel.selected == "lp:marseille-france"
    assert result.controls is not None
    assert sorted(result.controls[ids.F_CABLE_VALUE]) == sorted(landed)
    assert len(ctx.select(sel).cables) == len(landed) == 13


def test_show_the_cables_of_a_landing_point_lifts_a_region_that_hides_some(
    ctx: AppContext,
) -> None:
    point = "marseille-france"
    link = {"type": ids.DETAIL_LINK, "key": f"cables-at:{point}"}
    result = sync_state(ctx, (link, "n_clicks"), "?region=black-sea", {}, link)
    sel, _ = parse_query(result.search or "", ctx.vocab)
    assert sel.region == "world"
    assert len(ctx.select(sel).cables) == 13


@pytest.mark.parametrize("key", ["cables-at:nowhere", "cables-at:"])
def test_show_the_cables_of_an_unknown_point_changes_nothing(ctx: AppContext, key: str) -> None:
    link = {"type": ids.DETAIL_LINK, "key": key}
    result = sync_state(ctx, (link, "n_clicks"), "?owner=Orange", {}, link)
    assert result.search is None


# --- close, reset, map moves --------------------------------------------------------------------


def test_close_clears_the_selected_item(ctx: AppContext) -> None:
    result = sync_state(ctx, ids.DETAILS_CLOSE, "?owner=Orange&sel=cable:seamewe-4", {})
    assert result.search == "?owner=Orange"
    assert result.store == "?owner=Orange"
    assert result.controls is None


def test_reset_returns_the_defaults(ctx: AppContext) -> None:
    search = "?owner=Orange&region=world&year_min=2000&sel=cable:seamewe-4&view=5,43,7"
    result = sync_state(ctx, ids.RESET, search, {})
    assert result.search == ""
    assert result.store == "?"
    assert result.controls == controls_from_selection(Selection(), ctx.vocab)
    assert result.controls[ids.F_REGION] == "mediterranean"


def test_relayout_puts_the_view_in_the_url_only(ctx: AppContext) -> None:
    event = {"map.center": {"lon": 5.4, "lat": 43.3}, "map.zoom": 7.5}
    result = sync_state(ctx, RELAYOUT, "?owner=Orange", {}, event)
    assert params(result.search) == {"owner": ["Orange"], "view": ["5.4,43.3,7.5"]}
    sel, notices = parse_query(result.search or "", ctx.vocab)
    assert sel.view == MapView(5.4, 43.3, 7.5)
    assert notices == []
    assert result.store == "?owner=Orange"
    assert "view" not in result.store
    assert result.controls is None


@pytest.mark.parametrize(
    "event",
    [
        None,
        {},
        {"map.zoom": 3},  # a partial event (e.g. only the zoom) is not a view
        {"map.center": {"lon": 5.4}, "map.zoom": 7.5},
        {"map.center": "x", "map.zoom": 7.5},
        {"map.center": {"lon": "east", "lat": 43.3}, "map.zoom": 7.5},
        {"map.center": {"lon": float("nan"), "lat": 43.3}, "map.zoom": 7.5},
        {"map.center": {"lon": 5.4, "lat": 43.3}, "map.zoom": float("inf")},
        {"autosize": True},
    ],
)
def test_relayout_without_a_usable_view_changes_nothing(ctx: AppContext, event: Any) -> None:
    result = sync_state(ctx, RELAYOUT, "?owner=Orange", {}, event)
    assert result.search is None
    assert result.store == "?owner=Orange"


def test_relayout_after_panning_around_the_world_stays_a_valid_link(ctx: AppContext) -> None:
    """MapLibre reports unwrapped longitudes (e.g. 190 after panning east past 180)."""
    event = {"map.center": {"lon": 190.0, "lat": 43.3}, "map.zoom": 2.0}
    result = sync_state(ctx, RELAYOUT, "", {}, event)
    sel, notices = parse_query(result.search or "", ctx.vocab)
    assert notices == []
    assert sel.view == MapView(-170.0, 43.3, 2.0)
    event = {"map.center": {"lon": -545.5, "lat": -85.05}, "map.zoom": 0.5}
    sel, notices = parse_query(sync_state(ctx, RELAYOUT, "", {}, event).search or "", ctx.vocab)
    assert notices == []
    assert sel.view == MapView(174.5, -85.0, 0.5)


@pytest.mark.parametrize("trigger", ["ignored", ("nowhere", "n_clicks"), (ids.MAP, "hoverData")])
def test_unknown_trigger_changes_nothing(ctx: AppContext, trigger: Any) -> None:
    result = sync_state(ctx, trigger, "?owner=Orange", {})
    assert result.search is None
    assert result.controls is None
    assert result.notice == ""


def test_a_link_rendered_with_no_clicks_changes_nothing(ctx: AppContext) -> None:
    """A details link re-rendered with n_clicks=0 fires the callback but is not a click."""
    link = {"type": ids.DETAIL_LINK, "key": "cut:seamewe-4"}
    result = sync_state(ctx, (link, "n_clicks"), "?sel=cable%3Aseamewe-4", {}, None)
    assert result.search is None
    assert result.controls is None
    assert result.store == "?sel=cable%3Aseamewe-4"


# --- the event table: the sync callback's inputs and the dispatch to its handlers ----------------


def test_event_table_keys_are_unique() -> None:
    assert len(SYNC_KEYS) == len(SYNC_EVENTS) == len(EVENTS_BY_KEY)
    assert all(EVENTS_BY_KEY[event.key] is event for event in SYNC_EVENTS)
    assert not {key for key, _ in SYNC_KEYS} & {ids.URL, *CONTROL_IDS}


def test_sync_callback_inputs_are_the_url_the_controls_then_the_table(ctx: AppContext) -> None:
    app = Dash(__name__)
    register_callbacks(app, ctx)
    (sync,) = [
        c
        for output, c in app.callback_map.items()
        if f"{ids.SELECTION_STORE}.data" in output
        and {"id": ids.URL, "property": "search"} in c["inputs"]
    ]
    table = [Input(event.component_id, event.prop).to_dict() for event in SYNC_EVENTS]
    expected = [
        Input(ids.URL, "search").to_dict(),
        *[Input(c, "value").to_dict() for c in CONTROL_IDS],
        *table,
    ]
    assert sync["inputs"] == expected == [i.to_dict() for i in sync_inputs()]
    for entry in table:
        assert sync["inputs"].count(entry) == 1
    events = [
        Input(ids.MAP_PICK, "data"),
        Input(ids.MAP_MOVE, "data"),
        Input(ids.MAP, "selectedData"),
        Input({"type": ids.DETAIL_LINK, "key": ALL}, "n_clicks"),
        Input(ids.DETAILS_CLOSE, "n_clicks"),
        Input(ids.RESET, "n_clicks"),
        Input(ids.CLEAR_CUT, "n_clicks"),
        Input(ids.MAP_FIT_BUTTON, "n_clicks"),
        *[Input(chart, "clickData") for chart in CHART_IDS],
    ]
    # the table holds these events, no more, no fewer
    assert sorted(map(str, (e.to_dict() for e in events))) == sorted(map(str, table))


@pytest.mark.parametrize("row", SYNC_EVENTS, ids=lambda row: ".".join(row.key))
def test_decode_trigger_finds_the_row_and_its_event_by_key(row: Any) -> None:
    """Each input that fires reaches its own row with its own value (not its neighbour's)."""
    values = {key: f"value of {key}" for key in SYNC_KEYS}
    fired = (
        {"type": ids.DETAIL_LINK, "key": "lp:marseille-france"} if row.pattern else row.component_id
    )
    prop_id = f"{fired}.{row.prop}"
    trigger, event = decode_trigger(fired, [{"prop_id": prop_id, "value": 1}], values)
    assert trigger == (fired, row.prop)
    assert sync_event(trigger) is row
    assert event == (fired if row.pattern else values[row.key])


def test_decode_trigger_of_the_url_the_controls_and_links_not_clicked() -> None:
    assert decode_trigger(None, [], {}) == (None, None)
    assert decode_trigger(ids.URL, [{"prop_id": "url.search", "value": "?"}], {}) == (ids.URL, None)
    control = CONTROL_IDS[0]
    assert decode_trigger(control, [{"prop_id": f"{control}.value", "value": 1}], {}) == (
        control,
        None,
    )
    link = {"type": ids.DETAIL_LINK, "key": "cut:seamewe-4"}
    prop_id = '{"key":"cut:seamewe-4","type":"detail-link"}.n_clicks'
    assert decode_trigger(link, [{"prop_id": prop_id, "value": 0}], {}) == (
        (link, "n_clicks"),
        None,
    )
    assert decode_trigger(link, [{"prop_id": prop_id, "value": 2}], {}) == (
        (link, "n_clicks"),
        link,
    )
    # a key with dots in it: the property is what follows the last dot
    dotted = {"type": ids.DETAIL_LINK, "key": "fac:a.b"}
    trigger, event = decode_trigger(
        dotted, [{"prop_id": '{"key":"fac:a.b"}.n_clicks', "value": 1}], {}
    )
    assert sync_event(trigger) is EVENTS_BY_KEY[(ids.DETAIL_LINK, "n_clicks")]
    assert event == dotted


def test_sync_event_of_a_component_alone_is_its_first_row() -> None:
    assert sync_event(ids.MAP_PICK) is EVENTS_BY_KEY[(ids.MAP_PICK, "data")]
    assert sync_event(RELAYOUT) is EVENTS_BY_KEY[RELAYOUT]
    link = {"type": ids.DETAIL_LINK, "key": "lp:x"}
    assert sync_event(link) is EVENTS_BY_KEY[event_key(link, "n_clicks")]
    assert sync_event(None) is None
    assert sync_event(ids.URL) is None
    assert sync_event("nowhere") is None


# --- each handler, called alone: (ctx, current, event) -> (selection, controls changed) ---------


def test_handler_chart_click(ctx: AppContext) -> None:
    current = Selection(owners=("Telecom Egypt",))
    handler = on_chart_click(ids.CHART_OWNERS)
    assert handler(ctx, current, click("Orange")) == (
        Selection(owners=("Telecom Egypt", "Orange")),
        True,
    )
    assert handler(ctx, current, click("Telecom Egypt")) == (current, False)
    assert handler(ctx, current, None) == (current, False)
    sel, changed = on_chart_click(ids.CHART_YEARS)(ctx, current, click(2010))
    assert (sel.year_min, sel.year_max, changed) == (2010, 2010, True)


def test_handler_map_click(ctx: AppContext) -> None:
    current = Selection(owners=("Orange",))
    position = ctx.map.cable_order.index(SEAMEWE4)
    assert on_map_click(ctx, current, click(position)) == (
        Selection(owners=("Orange",), selected=f"cable:{SEAMEWE4}"),
        False,
    )
    assert on_map_click(ctx, current, click("lp:nowhere")) == (current, False)
    at = Selection(view=MapView(0, 20, 1.5))
    sel, changed = on_map_click(ctx, at, click("zoom:5.37,43.3"))
    assert (sel.view, changed) == (MapView(5.37, 43.3, 3.5), False)


def test_handler_map_move(ctx: AppContext) -> None:
    current = Selection(owners=("Orange",))
    event = {"map.center": {"lon": 5.4, "lat": 43.3}, "map.zoom": 7.5}
    assert on_map_move(ctx, current, event) == (
        Selection(owners=("Orange",), view=MapView(5.4, 43.3, 7.5)),
        False,
    )
    assert on_map_move(ctx, current, {"autosize": True}) == (current, False)


def test_handler_lasso(ctx: AppContext) -> None:
    red_sea = {"lassoPoints": {"map": [[32.0, 30.0], [44.0, 30.0], [44.0, 12.0], [32.0, 12.0]]}}
    sel, changed = on_lasso(ctx, Selection(), red_sea)
    assert sel.corridor and not changed
    assert on_lasso(ctx, Selection(), {"lassoPoints": {"map": [[1, 2]]}}) == (Selection(), False)


def test_handler_detail_link(ctx: AppContext) -> None:
    current = Selection(selected=f"cable:{SEAMEWE4}")
    link = {"type": ids.DETAIL_LINK, "key": f"fac:{FACILITY}"}
    assert on_detail_link(ctx, current, link) == (Selection(selected=f"fac:{FACILITY}"), False)
    cut = {"type": ids.DETAIL_LINK, "key": f"cut:{SEAMEWE4}"}
    sel, changed = on_detail_link(ctx, current, cut)
    assert (sel.cut, changed) == ((SEAMEWE4,), True)
    assert on_detail_link(ctx, sel, cut) == (sel, False)  # already cut
    assert on_detail_link(ctx, current, None) == (current, False)  # rendered, not clicked
    assert on_detail_link(ctx, current, {**link, "key": "fac:nope"}) == (current, False)


def test_handler_details_close_reset_and_clear_cut(ctx: AppContext) -> None:
    current = Selection(
        owners=("Orange",), selected=f"cable:{SEAMEWE4}", cut=(SEAMEWE4,), corridor="1 2, 3 4, 5 6"
    )
    assert on_details_close(ctx, current, 1) == (
        Selection(owners=("Orange",), cut=(SEAMEWE4,), corridor="1 2, 3 4, 5 6"),
        False,
    )
    assert on_reset(ctx, current, 1) == (Selection(), True)
    assert on_clear_cut(ctx, current, 1) == (
        Selection(owners=("Orange",), selected=f"cable:{SEAMEWE4}"),
        True,
    )


# --- render -------------------------------------------------------------------------------------


def expected_kpis(ctx: AppContext, sel: Selection) -> list[str]:
    f = ctx.select(sel)
    return [
        f"{len(f.cables):,}",
        f"{f.cables['length_km'].sum():,.0f}",
        f"{len(f.landing_points):,}",
        f"{f.landing_points['country'].nunique():,}",
        f"{len(f.facilities):,}",
    ]


def cable_positions(fig: go.Figure) -> set[int]:
    return {
        int(v) for t in fig.data if t.meta["layer"] == "cables" for v in np.asarray(t.customdata)
    }


def drawn(ctx: AppContext, message: Any, layers: tuple[str, ...] = DEFAULT_LAYERS) -> go.Figure:
    """The map the page draws from the render callback's message, with ``layers`` on."""
    figure: go.Figure = drawn_figure(message, ctx.map_pack(), layers)
    return figure


def test_render_default(ctx: AppContext) -> None:
    store = sync_state(ctx, None, "", {}).store
    out = render_outputs(ctx, store, "light", "")
    assert isinstance(out, tuple) and len(out) == 21
    fig = drawn(ctx, out[0])
    assert isinstance(fig, go.Figure)
    layers = {t.meta["layer"] for t in fig.data}
    assert {"cables", "landing_points", "facilities", "coverage"} <= layers
    assert "ftth" not in layers  # not a default layer
    filtered = ctx.select(Selection())
    assert cable_positions(fig) == {ctx.map.cable_position[c] for c in filtered.cables.index}
    assert list(out[1:6]) == expected_kpis(ctx, Selection())
    assert out[1] == f"{len(filtered.cables):,}"
    for chart in out[6:10]:
        assert isinstance(chart, go.Figure)
    assert out[6].layout.title.text.startswith("Cables and km by owner")
    assert HINT in text_of(out[14])
    assert "SeaMeWe-4" not in text_of(out[14])
    assert fig.layout.uirevision == store == "?"
    # The data centres: their KPI (count and MW tagged), chart and table come last.
    assert out[18] == "25 · 77.2 MW"
    assert out[19].layout.title.text.startswith("Data centres and tagged MW by operator")
    assert "Digital Realty" in text_of(out[20])
    points = [t for t in fig.data if t.meta["layer"] == "datacentres"]
    assert "dc:osm-68940404" in set(np.asarray(points[0].customdata).tolist())
    centre, zoom = fit_selection(filtered.landing_points, "mediterranean")
    assert fig.layout.map.center.lon == centre["lon"]
    assert fig.layout.map.center.lat == centre["lat"]
    assert fig.layout.map.zoom == zoom


def test_render_orange_with_a_selected_cable(ctx: AppContext) -> None:
    search = "?owner=Orange&sel=cable:seamewe-4"
    result = sync_state(ctx, None, search, {})
    sel, _ = parse_query(search, ctx.vocab)
    out = render_outputs(ctx, result.store, "light", search)
    fig = drawn(ctx, out[0])
    assert isinstance(fig, go.Figure)
    filtered = ctx.select(sel)
    assert len(filtered.cables) == 11
    assert cable_positions(fig) == {ctx.map.cable_position[c] for c in filtered.cables.index}
    highlighted = [t for t in fig.data if t.meta.get("selected")]
    assert len(highlighted) == 1
    assert set(np.asarray(highlighted[0].customdata).astype(int)) == {
        ctx.map.cable_position[SEAMEWE4]
    }
    assert list(out[1:6]) == expected_kpis(ctx, sel)
    assert out[1] == "11"
    assert out[1:6] != render_outputs(ctx, "?", "light", "")[1:6]
    for chart in out[6:10]:
        assert isinstance(chart, go.Figure)
    assert "Orange" in list(out[6].data[0].customdata)
    assert "SeaMeWe-4" in text_of(out[14])
    assert fig.layout.uirevision == result.store


def test_render_with_a_view_in_the_url(ctx: AppContext) -> None:
    store = "?owner=Orange"
    out = render_outputs(ctx, store, "light", "?owner=Orange&view=5.4,43.3,7.5")
    fig = drawn(ctx, out[0])
    assert fig.layout.map.center.lon == 5.4
    assert fig.layout.map.center.lat == 43.3
    assert fig.layout.map.zoom == 7.5
    assert fig.layout.uirevision == "user-view"
    without = drawn(ctx, render_outputs(ctx, store, "light", "?owner=Orange")[0])
    assert without.layout.uirevision == store
    assert without.layout.map.zoom != 7.5


def test_render_uses_the_store_not_the_url_for_filters(ctx: AppContext) -> None:
    """The URL only supplies the view; the filters come from the store."""
    out = render_outputs(ctx, "?owner=Orange", "light", "?region=world&view=5,43,7")
    assert out[1] == "11"


def test_render_theme(ctx: AppContext) -> None:
    light = render_outputs(ctx, "?", "light", "")
    dark = render_outputs(ctx, "?", "dark", "")
    assert drawn(ctx, light[0]).layout.paper_bgcolor == LIGHT.paper
    assert drawn(ctx, dark[0]).layout.paper_bgcolor == DARK.paper
    assert dark[6].layout.paper_bgcolor == DARK.paper
    assert LIGHT.paper != DARK.paper


def test_render_of_an_empty_selection(ctx: AppContext) -> None:
    out = render_outputs(ctx, "?owner=Orange&country=Greenland", "light", "")
    assert list(out[1:6]) == ["0", "0", "0", "0", out[5]]
    assert not any(t.meta["layer"] == "cables" for t in drawn(ctx, out[0]).data)
    annotations = [a.text for a in out[6].layout.annotations]
    assert annotations == ["Nothing matches the filters"]


def test_render_time_for_the_whole_world(ctx: AppContext) -> None:
    store = "?region=world"
    start = time.perf_counter()
    out = render_outputs(ctx, store, "light", "")
    cold = time.perf_counter() - start
    start = time.perf_counter()
    render_outputs(ctx, store, "light", "")
    warm = time.perf_counter() - start
    assert out[1] == "526"
    print(
        f"\nrender_outputs(region=world): first {cold * 1000:.0f} ms, cached {warm * 1000:.0f} ms"
    )


def _text_of(component: object) -> str:
    """All text inside a Dash component tree."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_text_of(c) for c in component)
    children = getattr(component, "children", None)
    return _text_of(children) if children is not None else ""


def test_render_route_and_cut_scenario(ctx: AppContext) -> None:
    search = "?from=marseille-france&to=tuas-singapore&scenario=2024-red-sea"
    sel, notices = parse_query(search, ctx.vocab)
    assert not notices
    out = render_outputs(ctx, store_key(sel), "light", search)
    layers = [t.meta["layer"] for t in drawn(ctx, out[0]).data]
    assert "route" in layers and "cut-cables" in layers and "cut-impact" in layers
    route_text = _text_of(out[15])
    assert "Marseille" in route_text and "RTT" in route_text
    cut_text = _text_of(out[16])
    assert "Red Sea" in cut_text and "lose every path" in cut_text
    assert isinstance(out[17], go.Figure)


def test_cut_this_cable_button_adds_to_the_cut(ctx: AppContext) -> None:
    link = {"type": ids.DETAIL_LINK, "key": "cut:seamewe-4"}
    result = sync_state(ctx, (link, "n_clicks"), "?sel=cable:seamewe-4", {}, link)
    assert result.search is not None and "cut=seamewe-4" in result.search
    assert result.controls is not None and result.controls[ids.A_CUT_VALUE] == ["seamewe-4"]
    again = sync_state(ctx, (link, "n_clicks"), result.search, {}, link)
    assert again.search is None  # already cut: nothing changes


def test_route_controls_write_the_url(ctx: AppContext) -> None:
    values = controls_from_selection(Selection(), ctx.vocab)
    values[ids.A_FROM_VALUE] = "marseille-france"
    values[ids.A_TO_VALUE] = "alexandria-egypt"
    result = sync_state(ctx, ids.A_TO_VALUE, "", values)
    assert result.search == "?from=marseille-france&to=alexandria-egypt"


def test_lasso_on_the_map_cuts_every_cable_crossing_the_corridor(ctx: AppContext) -> None:
    red_sea = {"lassoPoints": {"map": [[32.0, 30.0], [44.0, 30.0], [44.0, 12.0], [32.0, 12.0]]}}
    result = sync_state(ctx, LASSO, "", {}, red_sea)
    assert result.search is not None and "corridor=" in result.search
    sel, notices = parse_query(result.search, ctx.vocab)
    assert not notices and sel.corridor
    out = render_outputs(ctx, result.store, "light", result.search)
    cut_text = _text_of(out[16])
    assert "Corridor drawn on the map" in cut_text
    layers = [t.meta["layer"] for t in drawn(ctx, out[0]).data]
    assert "cut-cables" in layers
    cleared = sync_state(ctx, ids.CLEAR_CUT, result.search, {})
    assert cleared.search == ""


def test_bad_lasso_is_ignored(ctx: AppContext) -> None:
    assert sync_state(ctx, LASSO, "", {}, {"lassoPoints": {"map": [[1, 2]]}}).search is None
    assert sync_state(ctx, LASSO, "", {}, {"points": []}).search is None


def test_grid_rows_are_capped_and_the_count_says_so(ctx: AppContext) -> None:
    from components.tables import grid_count, grid_rows, grid_total

    world = ctx.select(Selection(region="world"))
    rows, columns = grid_rows(world, "facilities", ctx.map.cable_names, limit=100)
    assert len(rows) == 100 and rows[0]["id"] == world.facilities.index[0]
    assert {c["field"] for c in columns} <= set(rows[0])
    total = grid_total(world, "facilities")
    assert total == len(world.facilities)
    assert (
        grid_count(len(rows), total)
        == f"first 100 of {total:,} rows: narrow the filters, or export them all"
    )
    full, _ = grid_rows(world, "cables", ctx.map.cable_names)
    assert len(full) == len(world.cables)
    assert grid_count(len(full), grid_total(world, "cables")) == f"{len(world.cables):,} rows"
    points, _ = grid_rows(world, "landing_points", ctx.map.cable_names)
    marseille = next(r for r in points if r["id"] == "marseille-france")
    assert marseille["cables"] == len(world.landing_points.loc["marseille-france", "cable_ids"])


def test_fit_to_selection_drops_the_users_view(ctx: AppContext) -> None:
    search = "?owner=Orange&view=5.4,43.3,9"
    result = sync_state(ctx, ids.MAP_FIT_BUTTON, search, {})
    assert result.search == "?owner=Orange"
    out = render_outputs(ctx, result.store, "light", search)
    fit = drawn(ctx, out[0]).layout.meta["fit"]
    # Under the user's view the question's box is sent, but not applied until asked.
    assert fit["auto"] is False and len(fit["box"]) == 4


def test_the_sync_writes_only_the_controls_whose_value_changes(ctx: AppContext) -> None:
    """A link to ``?owner=Orange`` from the default view rewrites the owner picker only: each
    written control fires its own callbacks (options, profiles), a request and a redraw each."""
    from dash import no_update

    from components.callbacks import sync_outputs

    shown = controls_from_selection(parse_query("", ctx.vocab)[0], ctx.vocab)
    result = sync_state(ctx, ids.URL, "?owner=Orange", shown)
    assert result.controls is not None
    out = sync_outputs(result, "?", ids.URL, shown)
    written = {
        control
        for control, value in zip(CONTROL_IDS, out[1 : 1 + len(CONTROL_IDS)], strict=True)
        if value is not no_update
    }
    assert written == {c for c in CONTROL_IDS if result.controls[c] != shown[c]}
    assert len(written) == 1, written
    assert out[1 + len(CONTROL_IDS)] == "?owner=Orange"  # the store
    # Without the shown values (a caller that cannot know them) every control is written.
    every = sync_outputs(result, "?", ids.URL)
    assert all(v is not no_update for v in every[1 : 1 + len(CONTROL_IDS)])
    # A control showing the wanted value, as a tuple where the result has a list: not written.
    as_tuples = {c: tuple(v) if isinstance(v, list) else v for c, v in result.controls.items()}
    again = sync_outputs(result, "?", ids.URL, as_tuples)
    assert all(v is no_update for v in again[1 : 1 + len(CONTROL_IDS)])
