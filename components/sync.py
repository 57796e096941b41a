"""The sync callback's logic, without Dash: which event fired, and the selection it leads to.

Every event that edits the selection is one row of :data:`SYNC_EVENTS`: the component id and
property Dash listens to, and a pure *handler* ``(ctx, current, event) -> (selection,
controls_changed)``. The sync callback (components/callbacks.py) takes its inputs from that
table (after the URL search and the control values) and :func:`decode_trigger` sends the input
that fired to its handler, so adding an event is one row here and nothing else.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from dash import ALL

from components import ids
from components.details import CABLES_AT, ROUTE_FROM
from components.state import (
    CONTROL_IDS,
    apply_chart_click,
    controls_from_selection,
    selected_from_map_click,
    selection_from_controls,
)
from datalayer.query import normalise_corridor, parse_query, to_query
from datalayer.selection import REGION_WORLD, MapView, Selection
from figures.view import fit_selection
from services.context import AppContext

# Re-exported: the store's rules live with the page's map (services/page_map.py).
from services.page_map import DETAIL_MARK as DETAIL_MARK
from services.page_map import selection_of_store as selection_of_store
from services.page_map import store_key as store_key
from services.page_map import store_value

CHART_IDS = (
    ids.CHART_OWNERS,
    ids.CHART_YEARS,
    ids.CHART_COUNTRIES,
    ids.CHART_FACILITIES,
    ids.CHART_DATACENTRES,
)

#: A component id: a string, or a pattern-matching dict such as ``{"type": ..., "key": ...}``.
ComponentId = str | Mapping[str, Any]
#: What :func:`sync_state` is told fired: ``None`` (first load), the URL, a control, a
#: ``(component id, property)`` pair of :data:`SYNC_EVENTS`, or a component id alone (its
#: first event in the table: for the map, its click).
Trigger = ComponentId | tuple[ComponentId, str] | None
#: The key of an event in the table: ``(component id, property)``; a pattern-matching id is
#: named by its ``type`` (every pattern-matching id of this page has one).
EventKey = tuple[str, str]
#: A pure event handler: the new selection, and whether the controls must be rewritten to show it.
Handler = Callable[[AppContext, Selection, Any], tuple[Selection, bool]]


@dataclass(frozen=True)
class SyncResult:
    """What the sync callback writes: ``None`` fields are left as they are."""

    search: str | None
    controls: dict[str, Any] | None
    store: str
    notice: str


# --- reading events -----------------------------------------------------------------------------


def cluster_centre(point: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """The lon/lat of the group of markers a map click hit (its ``zoom:lon,lat`` customdata)."""
    data = point.get("customdata") if isinstance(point, Mapping) else None
    if isinstance(data, list) and data:
        data = data[0]
    if not isinstance(data, str) or not data.startswith("zoom:"):
        return None
    try:
        lon, lat = (float(v) for v in data[len("zoom:") :].split(","))
    except ValueError:
        return None
    return (lon, lat) if math.isfinite(lon) and math.isfinite(lat) else None


def zoom_from_map_click(point: Mapping[str, Any] | None, zoom: float) -> MapView | None:
    """The view a click on a group of markers asks for: centred on it, two levels closer."""
    centre = cluster_centre(point)
    if centre is None:
        return None
    lon, lat = centre
    return MapView(
        round((lon + 180) % 360 - 180, 4),
        round(min(max(lat, -85.0), 85.0), 4),
        round(min(max(zoom + 2.0, 0.0), 22.0), 2),
    )


def view_from_relayout(relayout: Mapping[str, Any] | None) -> MapView | None:
    """The map view a ``relayoutData`` event reports, if it reports a whole one."""
    if not relayout or "map.center" not in relayout or "map.zoom" not in relayout:
        return None
    centre = relayout["map.center"]
    try:
        lon, lat, zoom = float(centre["lon"]), float(centre["lat"]), float(relayout["map.zoom"])
    except (KeyError, TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (lon, lat, zoom)):
        return None
    # MapLibre reports unwrapped longitudes after panning across ±180°; the URL codec only
    # accepts -180..180, -85..85 and zoom 0..22, so keep the written view within those.
    return MapView(
        round((lon + 180) % 360 - 180, 4),
        round(min(max(lat, -85.0), 85.0), 4),
        round(min(max(zoom, 0.0), 22.0), 2),
    )


def corridor_from_selection(selected: Mapping[str, Any] | None) -> str | None:
    """The ``lon lat, …`` corridor text of a lasso drawn on the map, if any."""
    if not isinstance(selected, Mapping):
        return None
    lasso = selected.get("lassoPoints")
    points = lasso.get("map") if isinstance(lasso, Mapping) else None
    if not isinstance(points, list) or len(points) < 3:
        return None
    text = ", ".join(
        f"{float(p[0]):.4f} {float(p[1]):.4f}"
        for p in points[:200]
        if isinstance(p, list | tuple) and len(p) == 2
    )
    return normalise_corridor(text)


def _first_point(event: Any) -> Any:
    """The first clicked point of a ``clickData`` event (``{}`` if there is none)."""
    return (event or {}).get("points", [{}])[0] if isinstance(event, Mapping) else {}


# --- the handlers: (ctx, current selection, event) -> (new selection, controls changed) ---------


def on_chart_click(chart: str) -> Handler:
    """The handler of a click on a bar of ``chart``: cross-filter on the bar's value."""

    def handle(ctx: AppContext, current: Selection, event: Any) -> tuple[Selection, bool]:
        point = _first_point(event)
        value = point.get("customdata") if isinstance(point, Mapping) else None
        sel = apply_chart_click(current, chart, value, ctx.vocab)
        return sel, sel != current

    return handle


def on_map_click(ctx: AppContext, current: Selection, event: Any) -> tuple[Selection, bool]:
    """A click on the map: select the cable, landing point or facility, or zoom into a group."""
    point = _first_point(event)
    key = selected_from_map_click(point, ctx.map.cable_order, ctx.vocab)
    if key:
        return replace(current, selected=key), False
    if cluster_centre(point) is None:
        return current, False
    # The fitted view's zoom is worked out only for a click on a group.
    zoom = (
        current.view.zoom
        if current.view
        else fit_selection(ctx.select(current).landing_points, current.region)[1]
    )
    closer = zoom_from_map_click(point, zoom)
    return (replace(current, view=closer) if closer else current), False


def on_map_move(_ctx: AppContext, current: Selection, event: Any) -> tuple[Selection, bool]:
    """The map was panned or zoomed (its ``relayoutData``, passed on by the browser only when it
    reports a whole view): the view goes in the URL."""
    view = view_from_relayout(event)
    return (replace(current, view=view) if view else current), False


def on_lasso(_ctx: AppContext, current: Selection, event: Any) -> tuple[Selection, bool]:
    """A lasso drawn on the map (``selectedData``): the corridor it encloses is cut."""
    corridor = corridor_from_selection(event)
    return (replace(current, corridor=corridor) if corridor else current), False


def on_detail_link(ctx: AppContext, current: Selection, event: Any) -> tuple[Selection, bool]:
    """A link of the details panel; ``event`` is the id of the link clicked, ``None`` if none
    was (a link re-rendered with ``n_clicks=0``). ``cut:<cable>`` adds the cable to the cut;
    any other key selects that item."""
    if not isinstance(event, Mapping):
        return current, False
    key = str(event.get("key", ""))
    if key.startswith(CABLES_AT):
        return show_cables_at(ctx, current, key[len(CABLES_AT) :])
    if key.startswith(ROUTE_FROM):
        point = key[len(ROUTE_FROM) :]
        sel = replace(current, route_from=point) if point in ctx.vocab.landing_points else current
        return sel, sel != current
    if key.startswith("cut:"):
        cable = key[len("cut:") :]
        known = cable in ctx.vocab.cables and cable not in current.cut
        sel = replace(current, cut=(*current.cut, cable)) if known else current
        return sel, sel != current
    probe, problems = parse_query(to_query(replace(Selection(), selected=key)), ctx.vocab)
    if probe.selected and not problems:
        return replace(current, selected=probe.selected), False
    return current, False


def show_cables_at(ctx: AppContext, current: Selection, point_id: str) -> tuple[Selection, bool]:
    """The page filtered to exactly the cables landing at ``point_id``: the other cable filters
    are lifted (and the region, if it would hide one of them), so every one of them shows."""
    if point_id not in ctx.vocab.landing_points:
        return current, False
    cables = tuple(
        c for c in ctx.data.landing_points.loc[point_id, "cable_ids"] if c in ctx.vocab.cables
    )
    if not cables:
        return current, False
    region = current.region
    if region != REGION_WORLD:
        crossing = ctx.data.cables.loc[list(cables), "regions"]
        if not all(region in regions for regions in crossing):
            region = REGION_WORLD
    default = Selection()
    sel = replace(
        current,
        cables=cables,
        owners=(),
        suppliers=(),
        year_min=None,
        year_max=None,
        status=default.status,
        countries=(),
        region=region,
    )
    return sel, sel != current


def on_details_close(_ctx: AppContext, current: Selection, _event: Any) -> tuple[Selection, bool]:
    """The details panel's close button: nothing is selected any more."""
    return replace(current, selected=None), False


def on_reset(_ctx: AppContext, _current: Selection, _event: Any) -> tuple[Selection, bool]:
    """The reset button: the default selection, shown on the controls."""
    return Selection(), True


def on_fit(_ctx: AppContext, current: Selection, _event: Any) -> tuple[Selection, bool]:
    """ "Fit to selection": the user's view is dropped (the page refits to the question)."""
    return replace(current, view=None), False


def on_clear_cut(_ctx: AppContext, current: Selection, _event: Any) -> tuple[Selection, bool]:
    """The simulator's clear button: no cut cables, scenario or corridor."""
    return replace(current, cut=(), scenario=None, corridor=None), True


# --- the table ----------------------------------------------------------------------------------


def event_key(component_id: Any, prop: str) -> EventKey:
    """The table key of ``prop`` of ``component_id`` (a pattern-matching id: its ``type``)."""
    if isinstance(component_id, Mapping):
        return str(component_id.get("type")), prop
    return str(component_id), prop


@dataclass(frozen=True)
class SyncEvent:
    """One input of the sync callback and the handler of its events."""

    component_id: str | dict[str, Any]
    prop: str
    handler: Handler

    @property
    def key(self) -> EventKey:
        return event_key(self.component_id, self.prop)

    @property
    def pattern(self) -> bool:
        """Whether the input is a pattern-matching one (many components, one handler)."""
        return isinstance(self.component_id, dict)


#: Every event the sync callback listens to besides the URL and the controls, in input order.
SYNC_EVENTS: tuple[SyncEvent, ...] = (
    *(SyncEvent(chart, "clickData", on_chart_click(chart)) for chart in CHART_IDS),
    SyncEvent(ids.MAP_PICK, "data", on_map_click),
    SyncEvent({"type": ids.DETAIL_LINK, "key": ALL}, "n_clicks", on_detail_link),
    SyncEvent(ids.DETAILS_CLOSE, "n_clicks", on_details_close),
    SyncEvent(ids.RESET, "n_clicks", on_reset),
    SyncEvent(ids.MAP_MOVE, "data", on_map_move),
    SyncEvent(ids.MAP, "selectedData", on_lasso),
    SyncEvent(ids.CLEAR_CUT, "n_clicks", on_clear_cut),
    SyncEvent(ids.MAP_FIT_BUTTON, "n_clicks", on_fit),
)

#: The table by key: the sync callback's event values are matched to it by key, not position.
EVENTS_BY_KEY: dict[EventKey, SyncEvent] = {event.key: event for event in SYNC_EVENTS}
#: The keys, in input order.
SYNC_KEYS: tuple[EventKey, ...] = tuple(EVENTS_BY_KEY)


def sync_event(trigger: Trigger) -> SyncEvent | None:
    """The table row of ``trigger``: a ``(component id, property)`` pair, or a component id
    alone for its first row (``None`` for the URL, the controls and anything unknown)."""
    if isinstance(trigger, tuple):
        return EVENTS_BY_KEY.get(event_key(*trigger))
    if trigger is None:
        return None
    name = event_key(trigger, "")[0]
    return next((event for event in SYNC_EVENTS if event.key[0] == name), None)


def decode_trigger(
    triggered_id: Any,
    triggered: Sequence[Mapping[str, Any]],
    values: Mapping[EventKey, Any],
) -> tuple[Trigger, Any]:
    """What fired the sync callback and its event, from Dash's ``ctx.triggered_id`` and
    ``ctx.triggered`` and the values of the table's inputs by key.

    A pattern-matching input's value is the list of every matching component's value, so its
    event is the id of the component that fired instead, or ``None`` if none was clicked (a
    link re-rendered with ``n_clicks=0``).
    """
    if triggered_id is None or triggered_id == ids.URL or triggered_id in CONTROL_IDS:
        return triggered_id, None
    prop_id = str(triggered[0].get("prop_id", "")) if triggered else ""
    trigger = (triggered_id, prop_id.rpartition(".")[2])
    event = EVENTS_BY_KEY.get(event_key(*trigger))
    if event is None:
        return trigger, None
    if event.pattern:
        clicked = any(t.get("value") for t in triggered)
        return trigger, (triggered_id if clicked else None)
    return trigger, values.get(event.key)


def sync_state(
    ctx: AppContext,
    trigger: Trigger,
    search: str | None,
    control_values: Mapping[str, Any],
    event: Any = None,
) -> SyncResult:
    """Settle the selection after ``trigger`` fired (``None``: first load).

    The URL is the record of the current state, so events start from it; a control change
    starts from the controls.
    """
    current, notices = parse_query(search or "", ctx.vocab)
    component = trigger[0] if isinstance(trigger, tuple) else trigger
    if component is None or component == ids.URL:
        # The URL is left as typed: rewriting it here would re-fire this callback from the
        # location component and wipe the notice. The next change writes a clean URL.
        return SyncResult(
            search=None,
            controls=controls_from_selection(current, ctx.vocab),
            store=store_value(ctx, current),
            notice=" ".join(notices),
        )
    if component in CONTROL_IDS:
        sel, controls_changed = selection_from_controls(control_values, ctx.vocab, current), False
    else:
        row = sync_event(trigger)
        sel, controls_changed = row.handler(ctx, current, event) if row else (current, False)
    query = to_query(sel)
    return SyncResult(
        search=query if query != (search or "") else None,
        controls=controls_from_selection(sel, ctx.vocab) if controls_changed else None,
        store=store_value(ctx, sel),
        notice="",
    )
