"""The map's place names and the MapLibre style that draws them, served by the app itself.

MapLibre draws text from glyph files (``assets/glyphs/``, made by ``scripts/build_glyphs.py``)
that the style's ``glyphs`` URL points at; the names come from ``data/place_labels.geojson``.
Both are served by the app (``app.py``), so labels need no request outside it.

The labels are layers of the map's *style*, not Plotly layout layers: Plotly's layout layers
cannot set a font, a halo or a data-driven text, and take icons from a CDN. Plotly draws no
hover or click for style layers, so labels never take a click meant for a cable or a point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from figures.theme import LIGHT, THEMES, Theme

#: The one font the app ships glyphs for (DejaVu Sans, regular): the ``{fontstack}`` of
#: :data:`GLYPHS_URL` and the folder name under ``assets/glyphs/``.
FONTSTACK = "DejaVu Sans Book"
#: Where the page's map fetches glyphs (MapLibre fills in the two tokens).
GLYPHS_URL = "/glyphs/{fontstack}/{range}.pbf"
#: Where the page's map fetches the place names.
LABELS_URL = "/basemap/place-labels.geojson"
#: The style's GeoJSON source of the place names.
LABEL_SOURCE = "place-labels"
#: The MapLibre global state that holds the theme's name. The style is the same for both
#: themes: when a figure's style changes, Plotly re-adds its traces but loses its layout layers
#: (land, borders: "source not found"), so the labels' colours read this state instead, which
#: the page sets (assets/map_labels.js) and an export fixes (:func:`themed_style`).
THEME_STATE = "theme"


@dataclass(frozen=True)
class LabelLayer:
    """One kind of place name on the map: which names, from what zoom, at what size."""

    id: str
    #: MapLibre filter expression on the label's properties.
    filter: list[Any]
    minzoom: float
    size: float
    #: Where the text sits: beside the point it names (a town's landing point, whose dot is
    #: drawn there), or centred on it (an arrondissement's middle).
    beside_point: bool
    #: Wrap longer names at about this many ems (``Marseille`` / ``13e``).
    max_width_em: float = 10.0


#: Every label layer, drawn in this order (later ones on top). Busy landing towns (4 cables
#: or more) from the Mediterranean overview on; the others from regional zoom, so the
#: overview is not a wall of text. MapLibre hides labels that would collide, keeping the towns
#: with more cables (``symbol-sort-key``).
LABEL_LAYERS: tuple[LabelLayer, ...] = (
    LabelLayer(
        id="labels-arrondissements",
        filter=["==", ["get", "kind"], "arrondissement"],
        minzoom=11.0,
        size=11.0,
        beside_point=False,
        max_width_em=6.0,
    ),
    LabelLayer(
        id="labels-towns",
        filter=["all", ["==", ["get", "kind"], "town"], ["<", ["get", "cables"], 4]],
        minzoom=5.0,
        size=11.0,
        beside_point=True,
    ),
    LabelLayer(
        id="labels-major-towns",
        filter=["all", ["==", ["get", "kind"], "town"], [">=", ["get", "cables"], 4]],
        minzoom=3.0,
        size=12.0,
        beside_point=True,
    ),
)
#: The lowest label layer: the page's traces go below it, so labels stay readable on top of
#: cables and coverage (see :func:`figures.map.map_figure`).
FIRST_LABEL_LAYER = LABEL_LAYERS[0].id

#: Empty, hidden style layers that mark where each basemap layer and each trace goes: the
#: ``below`` of the n-th one. Plotly removes and re-adds, on every redraw, all the layers that
#: share a ``below`` (to keep their order), and MapLibre then cuts every tile of their sources
#: again (the land's polygons included): one slot each keeps them in place.
BASEMAP_SLOTS = 16
TRACE_SLOTS = 64


def basemap_slot(position: int) -> str:
    """The style layer the ``position``-th basemap layer is drawn just below."""
    return f"basemap-slot-{min(position, BASEMAP_SLOTS - 1):02d}"


def trace_slot(position: int) -> str:
    """The style layer the ``position``-th trace is drawn just below (a trace past the last
    slot shares it: Plotly then redraws those few as before)."""
    return f"trace-slot-{min(position, TRACE_SLOTS - 1):02d}"


def _slot_layers() -> list[dict[str, Any]]:
    """Every slot, in drawing order: the basemap's, then the traces' (then the labels)."""
    names = [basemap_slot(i) for i in range(BASEMAP_SLOTS)]
    names += [trace_slot(i) for i in range(TRACE_SLOTS)]
    return [{"id": name, "type": "background", "layout": {"visibility": "none"}} for name in names]


def _by_theme(colour: str) -> list[Any]:
    """A MapLibre expression: the ``colour`` attribute of the theme the global state names."""
    cases: list[Any] = ["match", ["global-state", THEME_STATE]]
    for name, theme in THEMES.items():
        if theme is not LIGHT:
            cases += [name, getattr(theme, colour)]
    return [*cases, getattr(LIGHT, colour)]


def _style_layer(layer: LabelLayer) -> dict[str, Any]:
    """One MapLibre symbol layer."""
    layout: dict[str, Any] = {
        "text-field": ["get", "name"],
        "text-font": [FONTSTACK],
        "text-size": layer.size,
        "text-max-width": layer.max_width_em,
        "symbol-sort-key": ["*", -1, ["coalesce", ["get", "cables"], 0]],
    }
    if layer.beside_point:
        layout["text-variable-anchor"] = ["left", "right", "top", "bottom"]
        layout["text-radial-offset"] = 0.6
        layout["text-justify"] = "auto"
    return {
        "id": layer.id,
        "type": "symbol",
        "source": LABEL_SOURCE,
        "minzoom": layer.minzoom,
        "filter": layer.filter,
        "layout": layout,
        "paint": {
            "text-color": _by_theme("text"),
            "text-halo-color": _by_theme("land"),
            "text-halo-width": 1.5,
            "text-halo-blur": 0.5,
        },
    }


def map_style(
    labels: str | dict[str, Any] = LABELS_URL,
    glyphs: str = GLYPHS_URL,
    theme: Theme = LIGHT,
) -> dict[str, Any]:
    """The map's MapLibre style: a background, the slots of the basemap layers and the traces
    (:func:`basemap_slot`, :func:`trace_slot`) and the place names on top, in ``theme``'s
    colours until the page sets the theme state.

    ``labels`` is the names' URL (or the GeoJSON itself, for an export that cannot fetch it);
    ``glyphs`` is the glyph URL template. The ocean, land and borders stay Plotly layout layers
    (:func:`figures.map._basemap_layers`), each drawn at its own slot.
    """
    return {
        "version": 8,
        "name": "landfall",
        "glyphs": glyphs,
        "state": {THEME_STATE: {"default": theme.name}},
        "sources": {LABEL_SOURCE: {"type": "geojson", "data": labels}},
        "layers": [
            {"id": "background", "type": "background", "paint": {"background-color": LIGHT.ocean}},
            *_slot_layers(),
            *(_style_layer(layer) for layer in LABEL_LAYERS),
        ],
    }
