"""The page's map for a URL search: the store value it settles to, and the map as messages
against the geometry pack (services/map_pack.py), in both themes.

The page's map is a pure function of the URL search: the search gives the selection, the
selection its store value (:func:`store_value`), and the store and the search (for a view the
URL holds) give the map. So the browser can ask for the map of a search directly
(``GET`` :data:`MESSAGE_PATH`), the moment the URL changes, without waiting for the page's
callbacks (web/map_message_route.py); the render callback names the same answer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import plotly.graph_objects as go

from datalayer.filters import Filtered
from datalayer.query import parse_query, to_query
from datalayer.selection import Selection
from figures.layers import ALL_LAYERS, layers_of
from figures.lod import view_key
from figures.map import needs_level_of_detail
from figures.theme import THEMES, get_theme
from services.analysis_run import AnalysisResults, run_analysis
from services.context import AppContext
from services.map_pack import map_message
from services.view_figures import frame_question, selection_map

#: Where the browser asks for the map of a URL search (the search is this URL's query).
MESSAGE_PATH = "/map-message"
#: Separates the selection's query from the level-of-detail key in the store.
DETAIL_MARK = "#lod="


def store_key(sel: Selection) -> str:
    """The store value for a selection: its query string without the map view."""
    return to_query(replace(sel, view=None)) or "?"


def drawn_by_level_of_detail(ctx: AppContext, sel: Selection) -> bool:
    """Whether ``sel`` is too large to draw feature by feature (its map depends on the view)."""
    filtered = ctx.select(sel)
    return needs_level_of_detail(
        ctx.map, filtered.cables, filtered.landing_points, filtered.facilities
    )


def store_value(ctx: AppContext, sel: Selection) -> str:
    """What the sync callback stores: :func:`store_key`, plus, for a selection too large to draw
    feature by feature, a key of the view, so that zooming and panning redraw its detail.

    Smaller selections leave the view out: moving the map then never re-renders anything.
    """
    key = store_key(sel)
    if sel.view is None or not drawn_by_level_of_detail(ctx, sel):
        return key
    centre = {"lon": sel.view.lon, "lat": sel.view.lat}
    return key + DETAIL_MARK + view_key(centre, sel.view.zoom)


def selection_of_store(ctx: AppContext, store: str | None) -> Selection:
    """The selection a store value holds (its level-of-detail key dropped)."""
    return parse_query((store or "").partition(DETAIL_MARK)[0], ctx.vocab)[0]


def render_key(store: str | None) -> str:
    """What the page's views depend on: the store without its layers (switching a layer
    redraws the map in the browser). The same rule as ``renderKey`` in assets/mapdata.js."""
    query, mark, detail = (store or "").partition("#")
    kept = [
        part for part in query.lstrip("?").split("&") if part and not part.startswith("layers=")
    ]
    return "?" + "&".join(kept) + mark + detail


def page_map(
    ctx: AppContext,
    store: str | None,
    sel: Selection,
    parts: tuple[Filtered, AnalysisResults],
    theme_name: str | None,
    search: str | None,
    layers: Any = None,
    shared: dict[str, Any] | None = None,
) -> go.Figure:
    """The page's map of ``sel``: framed to the question unless the URL holds a view
    (``shared``: see :func:`figures.map.map_figure`)."""
    filtered, analysis = parts
    view, _ = parse_query(search or "", ctx.vocab)
    framing = frame_question(sel, filtered, analysis, panel=sel.selected is not None)
    revision = store or "?"
    # The box of the question, kept even under the user's own view: "Fit to selection" frames it.
    fit: dict[str, Any] | None = framing.fit_meta(revision)
    if view.view is not None:
        centre = {"lon": view.view.lon, "lat": view.view.lat}
        zoom = view.view.zoom
        revision = "user-view"
        fit = dict(fit, auto=False) if fit else None
    else:
        centre, zoom = framing.centre, framing.zoom
    return selection_map(
        ctx,
        sel,
        filtered,
        analysis,
        get_theme(theme_name),
        center=centre,
        zoom=zoom,
        uirevision=revision,
        fit=fit,
        layers=layers,
        shared=shared,
    )


def map_messages(
    ctx: AppContext,
    store: str | None,
    search: str | None,
    parts: tuple[Filtered, AnalysisResults] | None = None,
) -> dict[str, Any]:
    """The map of ``store`` as one message per theme (the browser switches theme and layers
    without asking)."""
    sel = selection_of_store(ctx, store)
    if parts is None:
        parts = (ctx.select(sel), run_analysis(ctx, sel))
    extra = {"layers": list(ALL_LAYERS)}
    shared: dict[str, Any] = {}  # the cables are drawn alike in both themes: built once
    return {
        name: map_message(
            page_map(ctx, store, sel, parts, name, search, ALL_LAYERS, shared),
            ctx.map_pack(),
            extra,
        )
        for name in THEMES
    }


def search_map(ctx: AppContext, search: str) -> dict[str, Any]:
    """What ``GET`` :data:`MESSAGE_PATH` answers for a URL search: its render key (the map's
    ``uirevision``), whether the map depends on the view (level of detail), the layers the
    URL shows, and the map in both themes."""
    sel = parse_query(search, ctx.vocab)[0]
    key = render_key(store_value(ctx, sel))
    return {
        "key": key,
        "lod": drawn_by_level_of_detail(ctx, sel),
        "shown": list(layers_of(sel)),
        "themes": map_messages(ctx, key, search),
    }


def message_stub(store: str | None, search: str | None) -> dict[str, Any]:
    """What the render callback sends for the map: where the browser gets it (it usually
    has already: it asks as soon as the URL changes) and the key it must carry."""
    return {"key": store or "?", "url": MESSAGE_PATH + (search or "")}
