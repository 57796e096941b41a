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


def _meta(trace: Trace | Any) -> Mapping[str, Any]:
    """A trace's ``meta`` (a Plotly trace object or a trace dict)."""
    meta = trace.get("meta") if isinstance(trace, dict) else getattr(trace, "meta", None)
    return meta if isinstance(meta, Mapping) else {}


#: Keyed entries (swatch + label) share a line of the legend box up to this many characters.
LINE_CHARS = 48


def _entries(layer: str, drawn: Sequence[Trace | Any], theme: Theme) -> list[str]:
    """The keyed entries of a layer's drawn traces (``meta.key``: label, colour, shape), in
    drawing order, each once, a few to a line."""
    seen: dict[str, str] = {}
    for trace in drawn:
        meta = _meta(trace)
        key = meta.get("key")
        if meta.get("layer") != layer or not isinstance(key, Mapping):
            continue
        label = str(key.get("label", ""))
        if label and label not in seen:
            swatch = _swatch([str(key.get("colour", theme.text))], str(key.get("shape")), theme)
            seen[label] = f"{swatch} {label}"
    lines: list[list[str]] = []
    width = 0
    for label, entry in seen.items():
        if not lines or width + len(label) > LINE_CHARS:
            lines.append([])
            width = 0
        lines[-1].append(entry)
        width += len(label) + 4
    return ["   " + "  ".join(line) for line in lines]


def _drawn_note(layer: str, drawn: Sequence[Trace | Any]) -> str | None:
    """A note the layer's drawn traces carry from their data (``meta.note``: the coverage's
    site-list edition), which replaces the registry's generic one."""
    for trace in drawn:
        meta = _meta(trace)
        if meta.get("layer") == layer and isinstance(meta.get("note"), str):
            return str(meta["note"])
    return None


def _layer_lines(
    shown: Sequence[str], counts: Mapping[str, int], drawn: Sequence[Trace | Any], theme: Theme
) -> list[str]:
    lines = []
    for layer in LAYERS:
        if layer.key not in shown:
            continue
        colours = layer.legend.swatch_colours(theme)
        count = counts.get(layer.key)
        suffix = f" ({count:,})" if count is not None else ""
        lines.append(f"{_swatch(colours, layer.legend.shape, theme)} {layer.label}{suffix}")
        note = _drawn_note(layer.key, drawn) or layer.legend.note
        if note:
            lines.append(f"   {note}")
        lines.extend(_entries(layer.key, drawn, theme))
    return lines


def _selection_lines(drawn: Sequence[Trace | Any], theme: Theme) -> list[str]:
    """The ring of a selected landing point or facility, when one is drawn."""
    kinds = [str(_meta(t).get("kind")) for t in drawn if _meta(t).get("layer") == "selection"]
    if not kinds:
        return []
    ring = f"<span style='color:{theme.highlight}'>◉</span>"
    return [f"{ring} selected {kinds[0]}"]


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
        lines.append(f"{_swatch([DISCONNECTED], 'line', theme)} cut cables (wide, vermillion)")
    if "disconnected" in statuses:
        lines.append(f"{_swatch([DISCONNECTED], 'dot', theme)} landing point cut off from the hub")
    if "slower" in statuses:
        lines.append(f"{_swatch([SLOWER], 'dot', theme)} landing point slower to reach the hub")
    return lines


def legend_parts(counts: Mapping[str, int], drawn: Sequence[Any], theme: Theme) -> dict[str, Any]:
    """The legend's lines of every layer (by key, in legend order; the first line without its
    count), each layer's count, and the other lines (selection, analysis overlays) for the traces
    ``drawn``: the page composes the legend of the layers it shows in the browser
    (assets/mapdata.js), where layers are switched on and off and counts follow the view."""
    return {
        "layers": {layer.key: _layer_lines([layer.key], {}, drawn, theme) for layer in LAYERS},
        "counts": {key: int(count) for key, count in counts.items()},
        "overlays": _selection_lines(drawn, theme) + _overlay_lines(drawn, theme),
    }


def legend_annotation(
    shown: Sequence[str],
    counts: Mapping[str, int],
    drawn: Sequence[Any],
    theme: Theme,
) -> dict[str, Any] | None:
    """The legend box (bottom left of the map, where the Mediterranean views show Atlantic or
    Sahara) for the layers ``shown`` and every trace ``drawn`` (layers, analysis overlays, the
    selection ring); ``counts`` is the number of features of each layer drawn."""
    lines = (
        _layer_lines(shown, counts, drawn, theme)
        + _selection_lines(drawn, theme)
        + _overlay_lines(drawn, theme)
    )
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
