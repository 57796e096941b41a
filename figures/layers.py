"""The map layer registry: one declaration per layer of the map.

Each declaration names the dataset it draws (a key of :mod:`datalayer.schema`, whose file also
gives the layer's credits), how its traces are built, its entry in the legend (which is also the
layer switch), its level-of-detail rule, whether it is on by default, and the old names a URL may
still use for it. ``map_figure``, the layer panel, the URL codec's vocabulary and the exports'
credits all iterate over :data:`LAYERS`: adding a layer is a declaration here, a dataset
declaration and its trace builder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import plotly.graph_objects as go

from datalayer import schema
from datalayer.selection import Selection
from figures.fast import Trace
from figures.layer_traces import cable_traces, coverage_traces, ftth_traces, point_layer
from figures.map_context import HoverLabels, MapContext, Note
from figures.theme import CABLE_CLASSES, FTTH_CLASSES, LIGHT, OPERATOR_COLOURS, Theme


@dataclass(frozen=True)
class LayerRequest:
    """What one map asks of every layer: the filtered frames, the view and the theme."""

    ctx: MapContext
    #: The filtered frames, one attribute per dataset key (a :class:`~datalayer.filters.Filtered`).
    frames: Any
    theme: Theme
    technology: str
    selected: str | None
    center: Mapping[str, float]
    zoom: float
    overlays: Sequence[go.Scattermap]
    #: Draw every feature one by one, whatever its size (the browser's geometry pack).
    full_detail: bool = False
    #: The map's level-of-detail note; builders add what they simplified.
    notes: list[Note] = field(default_factory=list)
    #: Traces (the notes they added, the colour they were drawn in) of the layers that use the
    #: theme for their colour at most, kept by layer key: the page's two themed maps of one
    #: state share them (recoloured) rather than build them twice.
    shared: dict[str, tuple[list[Trace], list[Note], str | None]] | None = None

    def frame(self, dataset: str) -> gpd.GeoDataFrame:
        """The filtered frame of ``dataset``."""
        found: gpd.GeoDataFrame = getattr(self.frames, dataset)
        return found


@dataclass(frozen=True)
class Legend:
    """A layer's entry in the legend: swatch colours and shape, and how much it holds."""

    colours: tuple[str, ...]
    #: ``line``, ``dot`` or ``box``.
    shape: str
    #: The extent shown next to the label: a feature count (``None``) or a place name.
    extent: str | None = None
    #: The theme's colour of the layer, when it has one (the map's legend draws it).
    themed: Callable[[Theme], str] | None = None
    #: What the swatch alone cannot say, on a line of its own in the map's legend.
    note: str | None = None

    def swatch_colours(self, theme: Theme) -> tuple[str, ...]:
        """The swatch's colours in ``theme``."""
        return (self.themed(theme),) if self.themed else self.colours


def _recoloured(trace: Trace, old: str | None, new: str | None) -> Trace:
    """A copy of ``trace`` whose marker colour ``old`` is ``new`` (the rest shared)."""
    marker = trace.get("marker") if isinstance(trace, dict) else None
    if not isinstance(marker, dict) or marker.get("color") != old:
        return trace
    return {**trace, "marker": {**marker, "color": new}}


@dataclass(frozen=True)
class MapLayer:
    """One layer of the map."""

    key: str
    #: The dataset it draws (a :class:`~datalayer.schema.DatasetSpec` key).
    dataset: str
    label: str
    legend: Legend
    #: Drawing order, bottom first (the legend lists layers in declaration order).
    z: int
    default_on: bool
    #: How the layer stays drawable when large, in words (docs and the architecture page).
    level_of_detail: str
    build: Callable[[MapLayer, LayerRequest], list[Trace]]
    #: Names an older URL may use for this layer.
    aliases: tuple[str, ...] = ()
    #: What its traces take from the theme: ``"all"`` (anything), ``"colour"`` (only its
    #: legend's themed colour, as marker colour) or ``"none"``. Those of the last two are
    #: built once per state for both themes (see :attr:`LayerRequest.shared`).
    theme_use: str = "all"

    def traces(self, req: LayerRequest) -> list[Trace]:
        """The layer's traces for ``req``: built, or, for a layer that takes at most its colour
        from the theme, the traces another theme's map of the same state built, recoloured."""
        if self.theme_use == "all" or req.shared is None:
            return self.build(self, req)
        colour = self.legend.swatch_colours(req.theme)[0] if self.theme_use == "colour" else None
        found = req.shared.get(self.key)
        if found is None:
            before = len(req.notes)
            built = self.build(self, req)
            req.shared[self.key] = (built, req.notes[before:], colour)
            return built
        built, notes, drawn_in = found
        req.notes.extend(notes)
        if colour == drawn_in:
            return built
        return [_recoloured(trace, drawn_in, colour) for trace in built]

    @property
    def file(self) -> str:
        """The dataset file the layer draws (its credits come from ``metadata.json``)."""
        return next(spec.file for spec in schema.ALL_SPECS if spec.key == self.dataset)


def _cables(layer: MapLayer, req: LayerRequest) -> list[Trace]:
    selected = req.selected
    cable = selected.partition(":")[2] if selected and selected.startswith("cable:") else None
    # A route or a cut on the map dims every cable, so the analysis stands out.
    emphasis = any((t.meta or {}).get("layer") in ("route", "cut-cables") for t in req.overlays)
    return cable_traces(
        req.ctx,
        req.frame(layer.dataset),
        cable,
        dim_all=emphasis,
        center=req.center,
        zoom=req.zoom,
        notes=req.notes,
        layer=layer.key,
        full_detail=req.full_detail,
    )


def _points(
    name: str,
    noun: str,
    size: float,
    prefix: str,
    hover: Callable[[MapContext], HoverLabels],
) -> Callable[[MapLayer, LayerRequest], list[Trace]]:
    """A builder of a point layer (grouped when it holds many markers in view); its colour is
    its legend's theme colour."""

    def build(layer: MapLayer, req: LayerRequest) -> list[Trace]:
        frame = req.frame(layer.dataset)
        if frame.empty:
            return []
        return point_layer(
            frame,
            hover(req.ctx),
            layer=layer.key,
            name=name,
            noun=noun,
            colour=layer.legend.swatch_colours(req.theme)[0],
            size=size,
            key_prefix=prefix,
            center=req.center,
            zoom=req.zoom,
            notes=req.notes,
            full_detail=req.full_detail,
        )

    return build


def _coverage(layer: MapLayer, req: LayerRequest) -> list[Trace]:
    frame = req.frame(layer.dataset)
    return [] if frame.empty else coverage_traces(req.ctx, frame, req.technology, layer.key)


def _ftth(layer: MapLayer, req: LayerRequest) -> list[Trace]:
    frame = req.frame(layer.dataset)
    return [] if frame.empty else ftth_traces(req.ctx, frame, layer.key)


def _datacentre_hover(ctx: MapContext) -> HoverLabels:
    if ctx.datacentre_hover is None:
        raise ValueError("this map context was built without the data centres")
    return ctx.datacentre_hover


_POINT_LOD = "grouped into ~44 px cells above 5,000 markers in and around the view"

#: Every layer, in legend order.
LAYERS: tuple[MapLayer, ...] = (
    MapLayer(
        key="cables",
        dataset="cables",
        label="Submarine cables",
        legend=Legend(
            tuple(c.colour for c in CABLE_CLASSES if c.key != "unknown"),
            "line",
            note="coloured by ready-for-service year; thick: the selected cable",
        ),
        z=2,
        default_on=True,
        level_of_detail="cut to the view and simplified to about a pixel above 30,000 vertices",
        build=_cables,
        theme_use="none",
    ),
    MapLayer(
        key="landing_points",
        dataset="landing_points",
        label="Landing points",
        legend=Legend(("var(--text)",), "dot", themed=lambda theme: theme.landing_point),
        # On top of the facilities and data centres and larger: where a landing station and an
        # IX building share a pixel (Marseille), the click goes to the landing point, whose
        # panel links to the buildings near it.
        z=5,
        default_on=True,
        level_of_detail=_POINT_LOD,
        build=_points("Landing points", "landing points", 8, "lp", lambda ctx: ctx.point_hover),
        theme_use="colour",
    ),
    MapLayer(
        key="facilities",
        dataset="facilities",
        label="IX facilities",
        legend=Legend((LIGHT.facility,), "dot", themed=lambda theme: theme.facility),
        z=3,
        default_on=True,
        level_of_detail=_POINT_LOD,
        build=_points("IX facilities", "IX facilities", 6, "fac", lambda ctx: ctx.facility_hover),
        theme_use="colour",
    ),
    MapLayer(
        key="datacentres",
        dataset="datacentres",
        label="Data centres",
        legend=Legend(
            (LIGHT.datacentre,),
            "dot",
            themed=lambda theme: theme.datacentre,
            note="© OpenStreetMap contributors; IX buildings (2020)",
        ),
        # Above the IX facilities: a merged data centre is drawn a few metres from its IX
        # building, and its panel lists the exchanges the facility's would.
        z=4,
        default_on=True,
        level_of_detail=_POINT_LOD,
        build=_points("Data centres", "data centres", 7, "dc", _datacentre_hover),
        theme_use="colour",
    ),
    MapLayer(
        key="coverage",
        dataset="coverage",
        label="Mobile coverage (modelled)",
        legend=Legend(
            tuple(OPERATOR_COLOURS.values()),
            "box",
            "BdR",
            # The drawn traces replace it with the site list's edition (see coverage_traces).
            note="modelled from ARCEP sites, not measured",
        ),
        # Under the fibre classes: where both are shown (Marseille), the FTTH class reads
        # unblended and the coverage outline runs round it.
        z=0,
        default_on=True,
        level_of_detail="polygons simplified to ~50 m and rounded to 4 decimals once, at start-up",
        build=_coverage,
    ),
    MapLayer(
        key="ftth",
        dataset="ftth",
        label="Fibre FTTH 2018",
        legend=Legend(
            tuple(colour for _, colour in list(FTTH_CLASSES.values())[2:]),
            "box",
            "Marseille",
            note="ARCEP class, Q1 2018 (ARCEP's estimate: lines ÷ housing + businesses)",
        ),
        z=1,
        default_on=False,
        level_of_detail="polygons simplified to ~50 m and rounded to 4 decimals once, at start-up",
        build=_ftth,
        aliases=("fibre",),
    ),
)

#: Layers in drawing order, bottom first.
DRAWING_ORDER: tuple[MapLayer, ...] = tuple(sorted(LAYERS, key=lambda layer: layer.z))
#: Every layer key, in drawing order.
ALL_LAYERS: tuple[str, ...] = tuple(layer.key for layer in DRAWING_ORDER)
#: The layers a selection that names none shows, in drawing order.
DEFAULT_LAYERS: tuple[str, ...] = tuple(layer.key for layer in DRAWING_ORDER if layer.default_on)
#: Older layer names a URL may still carry → today's key.
LAYER_ALIASES: dict[str, str] = {alias: layer.key for layer in LAYERS for alias in layer.aliases}


def layers_of(sel: Selection) -> tuple[str, ...]:
    """The layers a selection shows (the defaults when it names none)."""
    return DEFAULT_LAYERS if sel.layers is None else sel.layers


def layer_traces(request: LayerRequest, shown: frozenset[str] | set[str]) -> list[Trace]:
    """The traces of every shown layer, bottom first."""
    return [
        trace for layer in DRAWING_ORDER if layer.key in shown for trace in layer.traces(request)
    ]
