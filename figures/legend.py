"""The map's legend: what each colour, line and dot drawn on this map means, with counts.

Built from what the figure actually draws (the layer registry's legend entries for the layers
shown, then the analysis overlays present), so it never explains something absent. It is an
annotation of the figure itself, so the page and every exported map carry the same legend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from figures.analysis_layers import DISCONNECTED, ROUTE_COLOURS, SLOWER
from figures.fast import Trace
from figures.layers import LAYERS
from figures.theme import Theme

#: Glyphs of the legend's swatches (DejaVu Sans, shipped with the app's fonts, has them all).
GLYPH = {"line": "━━", "dot": "●", "box": "■"}


def _swatch(colours: Sequence[str], shape: str, theme: Theme) -> str:
    """A coloured glyph per colour (CSS variables are the page's text colour)."""
    parts = []
    for colour in colours[:3]:
        shown = theme.text if colour.startswith("var(") else colour
        parts.append(f"<span style='color:{shown}'>{GLYPH.get(shape, '■')}</span>")
    return "".join(parts)


def _layer_lines(shown: Sequence[str], counts: Mapping[str, int], theme: Theme) -> list[str]:
    lines = []
    for layer in LAYERS:
        if layer.key not in shown:
            continue
        colours = layer.legend.swatch_colours(theme)
        count = counts.get(layer.key)
        suffix = f" ({count:,})" if count is not None else ""
        lines.append(f"{_swatch(colours, layer.legend.shape, theme)} {layer.label}{suffix}")
        if layer.legend.note:
            lines.append(f"   {layer.legend.note}")
    return lines


def _meta(trace: Trace | Any) -> Mapping[str, Any]:
    """A trace's ``meta`` (a Plotly trace object or a trace dict)."""
    meta = trace.get("meta") if isinstance(trace, dict) else getattr(trace, "meta", None)
    return meta if isinstance(meta, Mapping) else {}


def _overlay_lines(overlays: Sequence[Trace | Any], theme: Theme) -> list[str]:
    present = {_meta(t).get("layer") for t in overlays}
    statuses = {_meta(t).get("status") for t in overlays if _meta(t).get("layer") == "cut-impact"}
    lines = []
    if "route" in present:
        lines.append(
            f"{_swatch([ROUTE_COLOURS[0]], 'line', theme)} best route · "
            f"{_swatch(list(ROUTE_COLOURS[1:]), 'line', theme)} alternatives"
        )
    if "cut-cables" in present:
        lines.append(f"{_swatch([DISCONNECTED], 'line', theme)} cut cables")
    if "disconnected" in statuses:
        lines.append(f"{_swatch([DISCONNECTED], 'dot', theme)} cut off from the hub")
    if "slower" in statuses:
        lines.append(f"{_swatch([SLOWER], 'dot', theme)} slower to the hub")
    return lines


def legend_parts(
    counts: Mapping[str, int], overlays: Sequence[Any], theme: Theme
) -> dict[str, Any]:
    """The legend's lines of every layer (by key, in legend order) and of the ``overlays``: the
    page composes the legend of the layers it shows in the browser (assets/mapdata.js), where
    layers are switched on and off."""
    return {
        "layers": {layer.key: _layer_lines([layer.key], counts, theme) for layer in LAYERS},
        "overlays": _overlay_lines(overlays, theme),
    }


def legend_annotation(
    shown: Sequence[str],
    counts: Mapping[str, int],
    overlays: Sequence[Any],
    theme: Theme,
) -> dict[str, Any] | None:
    """The legend box (bottom left of the map, where the Mediterranean views show Atlantic or Sahara) for the layers ``shown`` and the ``overlays``
    drawn; ``counts`` is the number of features of each layer drawn."""
    lines = _layer_lines(shown, counts, theme) + _overlay_lines(overlays, theme)
    if not lines:
        return None
    return {
        "text": "<br>".join(lines),
        "showarrow": False,
        "xref": "paper",
        "yref": "paper",
        "x": 0.005,
        "y": 0.01,
        "xanchor": "left",
        "yanchor": "bottom",
        "align": "left",
        "font": {"size": 11, "color": theme.text},
        "bgcolor": theme.paper,
        "bordercolor": theme.border,
        "borderwidth": 1,
        "opacity": 0.92,
        "borderpad": 5,
        "name": "legend",
    }
