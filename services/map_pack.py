"""The map's geometry crosses the wire once: a *pack* of every feature, then small *messages*.

The pack is the map of every feature of every layer (no filter, every coverage technology),
grouped into *slots*: one per trace of that map, keyed by what tells traces apart (type, name,
``meta`` and line colour, e.g. "planned cables of one colour"). Each slot keeps its per-element
arrays (longitudes, latitudes, hover texts, ids; a polygon layer's GeoJSON) in a compact encoding:
float32 arrays as base64, repeated strings as a dictionary plus an index. The browser fetches it
once from an immutable URL (:data:`PACK_PATH`, long cache headers) and keeps it.

The page's map is then sent as a message: the figure's layout, and for each trace either the
slot it draws from with the *runs* of the slot's elements it keeps (``[start, length, ...]``)
plus its style (every other attribute), or the whole trace when it is not drawn from a slot
(analysis overlays, level-of-detail groups, the selected cable). A message is checked when it is
made: :func:`map_message` only refers to a slot when the slot's elements at those runs are
exactly the trace's, so :func:`expand_message` (and the browser, ``assets/mapdata.js``) rebuilds
exactly the figure the server built.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
from numpy.typing import NDArray

from figures.fast import figure
from figures.layers import LAYERS
from figures.map import map_figure
from figures.map_context import MapContext
from figures.theme import LIGHT

#: Where the browser fetches a pack; ``{version}`` is a hash of its content (immutable URL).
PACK_PATH = "/map-pack/<version>.json"
#: The per-element arrays of each trace type, and the one that identifies a feature.
ELEMENT_ARRAYS: dict[str, tuple[str, ...]] = {
    "scattermap": ("lon", "lat", "text", "hovertext", "customdata"),
    "choroplethmap": ("locations", "z", "text", "customdata"),
}
FEATURE_KEY = {"scattermap": "customdata", "choroplethmap": "locations"}
#: A slot holding more elements than this is left out of the pack (its layer is then sent with
#: every message, as before): at 100× data the pack would be tens of MB.
SLOT_ELEMENT_LIMIT = 400_000

_DTYPES = {"f4": np.float32, "f8": np.float64, "i4": np.int32, "u2": np.uint16, "u4": np.uint32}
_CODES = {np.dtype(v).str[1:]: k for k, v in _DTYPES.items()}

Array = NDArray[Any] | list[Any]


def decode_array(value: Any) -> Array:
    """A per-element array as Python holds it: a NumPy array for numbers (including Plotly's
    ``{"dtype", "bdata"}`` typed-array form), else a list."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, Mapping) and "bdata" in value:
        raw = base64.b64decode(str(value["bdata"]))
        return np.frombuffer(raw, dtype=_DTYPES[str(value["dtype"])]).copy()
    return list(value)


def _typed(array: NDArray[Any]) -> dict[str, str]:
    code = _CODES.get(array.dtype.str[1:])
    if code is None:
        array, code = array.astype(np.float64), "f8"
    data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False)
    return {"dtype": code, "bdata": base64.b64encode(data.tobytes()).decode("ascii")}


def encode_array(array: Array) -> dict[str, Any]:
    """The pack's encoding of one array: typed (base64) for numbers, else a dictionary of the
    distinct values plus a typed index (hover texts repeat once per vertex of a cable)."""
    if isinstance(array, np.ndarray) and array.dtype.kind in "fiu":
        return _typed(array)
    codes: dict[Any, int] = {}
    index = np.fromiter((codes.setdefault(v, len(codes)) for v in array), dtype=np.uint32)
    small = index.astype(np.uint16) if len(codes) < 65_536 else index
    return {"dict": list(codes), "index": _typed(small)}


@dataclass(frozen=True)
class Slot:
    """The elements of one trace of the every-feature map."""

    key: str
    type: str
    arrays: Mapping[str, Array]
    #: Each feature's first element and element count.
    features: Mapping[Any, tuple[int, int]]
    #: A polygon layer's GeoJSON features by id (the trace's ``locations``).
    polygons: Mapping[str, Any] | None = None

    def encoded(self) -> dict[str, Any]:
        """The slot as the pack's JSON holds it."""
        out: dict[str, Any] = {
            "key": self.key,
            "type": self.type,
            "arrays": {name: encode_array(values) for name, values in self.arrays.items()},
        }
        if self.polygons is not None:
            out["geojson"] = {"type": "FeatureCollection", "features": list(self.polygons.values())}
        return out


def trace_dict(trace: Any) -> dict[str, Any]:
    """A trace as a plain dict of its set attributes (a trace object's, or a trace dict)."""
    if isinstance(trace, Mapping):
        return dict(trace)
    # A trace object's own property dict: plain values, no copy (to_plotly_json deep-copies).
    return dict(trace._props) | {"type": trace.type}


def slot_key(trace: Mapping[str, Any]) -> str:
    """What tells the traces of one map apart: type, name, ``meta`` and line colour."""
    line = trace.get("line") or {}
    colour = line.get("color") if isinstance(line, Mapping) else None
    parts = [trace.get("type"), trace.get("name"), trace.get("meta"), colour]
    return json.dumps(parts, sort_keys=True, default=str)


def _runs_of(keys: Array) -> tuple[list[Any], NDArray[np.int64], NDArray[np.int64]]:
    """The distinct consecutive values of ``keys`` with the start and length of each run."""
    values = np.asarray(keys) if not isinstance(keys, np.ndarray) else keys
    if len(values) == 0:
        empty = np.array([], dtype=np.int64)
        return [], empty, empty
    change = np.flatnonzero(values[1:] != values[:-1]) + 1
    starts = np.concatenate([[0], change]).astype(np.int64)
    lengths = np.diff(np.concatenate([starts, [len(values)]])).astype(np.int64)
    return (
        [values[s].item() if hasattr(values[s], "item") else values[s] for s in starts],
        starts,
        lengths,
    )


def make_slot(trace: Mapping[str, Any]) -> Slot | None:
    """The slot of one trace of the every-feature map (``None`` if it has no per-element
    arrays or too many elements)."""
    kind = str(trace.get("type"))
    names = ELEMENT_ARRAYS.get(kind)
    if names is None or trace.get(FEATURE_KEY[kind]) is None:
        return None
    arrays = {n: decode_array(trace[n]) for n in names if trace.get(n) is not None}
    keys = arrays[FEATURE_KEY[kind]]
    if len(keys) == 0 or len(keys) > SLOT_ELEMENT_LIMIT:
        return None
    values, starts, lengths = _runs_of(keys)
    features = dict(zip(values, zip(starts.tolist(), lengths.tolist(), strict=True), strict=True))
    if len(features) != len(values):
        return None  # a feature in two places: not a slot runs can describe
    polygons = None
    if kind == "choroplethmap":
        polygons = {str(f["id"]): f for f in trace["geojson"]["features"]}
    return Slot(slot_key(trace), kind, arrays, features, polygons)


@dataclass(frozen=True)
class MapPack:
    """Every slot of the every-feature map, encoded once."""

    slots: tuple[Slot, ...]
    body: bytes
    version: str

    @property
    def url(self) -> str:
        """The pack's immutable URL."""
        return PACK_PATH.replace("<version>", self.version)

    def slot_index(self) -> dict[str, int]:
        """Each slot's position by key."""
        return {slot.key: n for n, slot in enumerate(self.slots)}


def build_pack(traces: Iterable[Any], relations: Mapping[str, Any] | None = None) -> MapPack:
    """The pack of the traces of the every-feature map (the first slot of a key wins), with
    ``relations`` the browser needs besides (e.g. each cable's landing points, for hover)."""
    slots: dict[str, Slot] = {}
    for trace in traces:
        slot = make_slot(trace_dict(trace))
        if slot is not None and slot.key not in slots:
            slots[slot.key] = slot
    ordered = tuple(slots.values())
    body = orjson.dumps({"slots": [s.encoded() for s in ordered], **(relations or {})})
    version = hashlib.sha256(body).hexdigest()[:16]
    return MapPack(ordered, body, version)


def _same(mine: Array, theirs: Array) -> bool:
    if isinstance(mine, np.ndarray) and isinstance(theirs, np.ndarray):
        return mine.dtype == theirs.dtype and np.array_equal(mine, theirs, equal_nan=True)
    return list(mine) == list(theirs)


def _take(values: Array, index: NDArray[np.int64]) -> Array:
    if isinstance(values, np.ndarray):
        return values[index]
    return [values[i] for i in index.tolist()]


def _index_of(runs: Sequence[int]) -> NDArray[np.int64]:
    parts = [
        np.arange(s, s + n, dtype=np.int64) for s, n in zip(runs[::2], runs[1::2], strict=True)
    ]
    return np.concatenate(parts) if parts else np.array([], dtype=np.int64)


def runs_in_slot(slot: Slot, trace: Mapping[str, Any]) -> list[int] | None:
    """The runs ``[start, length, ...]`` of ``slot`` whose elements are exactly ``trace``'s
    per-element arrays, or ``None`` if there are none."""
    kind = slot.type
    names = ELEMENT_ARRAYS[kind]
    present = {n for n in names if trace.get(n) is not None}
    if present != set(slot.arrays):
        return None
    arrays = {n: decode_array(trace[n]) for n in present}
    values, _, lengths = _runs_of(arrays[FEATURE_KEY[kind]])
    runs: list[int] = []
    for value, length in zip(values, lengths.tolist(), strict=True):
        found = slot.features.get(value)
        if found is None or found[1] != length:
            return None
        if runs and runs[-2] + runs[-1] == found[0]:
            runs[-1] += length
        else:
            runs.extend(found)
    index = _index_of(runs)
    if not all(_same(arrays[n], _take(slot.arrays[n], index)) for n in present):
        return None
    if kind == "choroplethmap" and not _same_polygons(slot, trace):
        return None
    return runs


def _same_polygons(slot: Slot, trace: Mapping[str, Any]) -> bool:
    """Whether the trace's GeoJSON features are the slot's (shared objects, else equal)."""
    polygons = slot.polygons or {}
    for feature in (trace.get("geojson") or {}).get("features", []):
        mine = polygons.get(str(feature.get("id")))
        if mine is None or (mine is not feature and mine != feature):
            return False
    return True


def _style(trace: Mapping[str, Any]) -> dict[str, Any]:
    """A trace's attributes other than its per-element arrays and GeoJSON."""
    drop = set(ELEMENT_ARRAYS.get(str(trace.get("type")), ())) | {"geojson"}
    return {k: v for k, v in trace.items() if k not in drop}


def map_message(
    figure: Any, pack: MapPack, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The message that rebuilds ``figure`` (a Plotly figure or figure dict) from ``pack``."""
    spec = figure if isinstance(figure, Mapping) else {"data": figure.data, "layout": figure.layout}
    layout = spec["layout"]
    layout = layout.to_plotly_json() if hasattr(layout, "to_plotly_json") else dict(layout)
    by_key = pack.slot_index()
    traces: list[dict[str, Any]] = []
    for raw in spec["data"]:
        trace = trace_dict(raw)
        position = by_key.get(slot_key(trace))
        runs = runs_in_slot(pack.slots[position], trace) if position is not None else None
        if position is None or runs is None:
            traces.append({"trace": trace})
        else:
            traces.append({"slot": position, "runs": runs, "style": _style(trace)})
    return {"pack": pack.url, "layout": layout, "traces": traces, **(extra or {})}


def expand_message(message: Mapping[str, Any], pack: MapPack) -> dict[str, Any]:
    """The figure (a dict) a message describes, as the browser rebuilds it."""
    data = []
    for entry in message["traces"]:
        if "trace" in entry:
            data.append(dict(entry["trace"]))
            continue
        slot = pack.slots[entry["slot"]]
        index = _index_of(entry["runs"])
        trace = dict(entry["style"])
        trace.update({n: _take(values, index) for n, values in slot.arrays.items()})
        if slot.polygons is not None:
            trace["geojson"] = {
                "type": "FeatureCollection",
                "features": list(slot.polygons.values()),
            }
        data.append(trace)
    return {"data": data, "layout": message["layout"]}


def _element_count(map_ctx: MapContext, data: Any, dataset: str) -> int:
    """How many elements a layer of every feature holds (vertices for cables)."""
    if dataset == "cables":
        return int(map_ctx.vertex_counts.sum())
    return len(getattr(data, dataset))


def every_feature_pack(map_ctx: MapContext, data: Any, technologies: Iterable[str]) -> MapPack:
    """The pack of the map of every feature of ``data`` (each coverage technology in turn);
    a layer larger than :data:`SLOT_ELEMENT_LIMIT` elements is left out."""
    layers = frozenset(
        layer.key
        for layer in LAYERS
        if _element_count(map_ctx, data, layer.dataset) <= SLOT_ELEMENT_LIMIT
    )
    traces: list[Any] = []
    shared: dict[str, Any] = {}  # the layers other than coverage are the same in each map
    for technology in sorted(technologies) or [""]:
        figure = map_figure(
            map_ctx,
            data,
            layers=layers,
            coverage_technology=technology,
            theme=LIGHT,
            full_detail=True,
            shared=shared,
        )
        traces.extend(figure.data)
    return build_pack(traces, {"cable_landings": _cable_landings(map_ctx, data)})


def _cable_landings(map_ctx: MapContext, data: Any) -> list[list[str]]:
    """Each cable's landing points as the map keys them ("lp:<id>"), by the cable's position
    (the number its drawn vertices carry): hovering a cable highlights where it lands."""
    landings = data.cables["landing_point_ids"].reindex(list(map_ctx.cable_order))
    return [[f"lp:{i}" for i in (ids if isinstance(ids, list | tuple) else [])] for ids in landings]


def _legend_for(layout: dict[str, Any], shown: Sequence[str]) -> dict[str, Any]:
    """``layout`` with its legend rewritten for the ``shown`` layers (from ``meta.legend``)."""
    legend = (layout.get("meta") or {}).get("legend")
    if not legend or not layout.get("annotations"):
        return layout
    lines: list[str] = []
    for key, layer_lines in legend["layers"].items():
        if key in shown and layer_lines:
            count = legend["counts"].get(key)
            first = layer_lines[0] + (f" ({count:,})" if count is not None else "")
            lines += [first, *layer_lines[1:]]
    lines += legend["overlays"]
    if lines:
        lines.append("<i>▾ click to fold</i>")  # the page folds the legend on a click
    notes = []
    for note in layout["annotations"]:
        if note.get("name") != "legend":
            notes.append(note)
        elif lines:
            notes.append({**note, "text": "<br>".join(lines), "captureevents": True})
    return {**layout, "annotations": notes}


def drawn_figure(message: Mapping[str, Any], pack: MapPack, shown: Sequence[str]) -> Any:
    """The figure the page draws from ``message`` with the ``shown`` layers switched on: what
    ``assets/mapdata.js`` does in the browser (its twin, for tests and the benchmark)."""
    spec = expand_message(message, pack)
    layer_keys = set(message.get("layers", ()))
    traces = []
    for trace in spec["data"]:
        layer = (trace.get("meta") or {}).get("layer")
        if layer == "hover-highlight" and "cables" not in shown:
            continue
        if layer in layer_keys and layer not in shown:
            continue
        traces.append(trace)
    if not any((t.get("meta") or {}).get("layer") != "hover-highlight" for t in traces):
        traces = [
            {
                "type": "scattermap",
                "lon": [],
                "lat": [],
                "mode": "lines",
                "hoverinfo": "skip",
                "name": "No layer shown",
                "meta": {"layer": "none"},
                "showlegend": False,
            }
        ]
    return figure(traces, _legend_for(dict(spec["layout"]), shown))
