"""In-process measurements on one data directory, run in a fresh subprocess per scale.

``python -m bench.worker --data DIR --out FILE [--iterations N] [--deadline-seconds S]``

A fresh process per scale gives each scale its own memory high-water mark and lets the
benchmark enforce a time cap (it kills the worker). It measures: ``load_datasets`` time and
peak RSS; the render callback's function (``components.callbacks.render_outputs``) and the
serialisation of its output tuple with Dash's encoder (``plotly.io.json.to_json_plotly``, what
``dash._utils.to_json`` calls); the default map's payload (raw, gzip, brotli) next to the
upstream-style GeoJSON of the same features; what the browser should draw for the states the
browser measurement switches between; and what a memoising cache would cost on a hit.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import pickle
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from bench.measure import proc_status_mb, summary
from bench.mix import BROWSER_TARGET, DEFAULT_SEARCH, MIX

#: flask-compress 1.25 defaults (COMPRESS_LEVEL, COMPRESS_BR_LEVEL): what the server sends.
GZIP_LEVEL = 6
BROTLI_QUALITY = 4

try:
    import brotli  # a hard dependency of flask-compress (pinned in requirements.txt)
except ImportError:  # pragma: no cover - only without flask-compress
    brotli = None


def gzip_size(data: bytes, level: int = GZIP_LEVEL) -> int:
    """Size of ``data`` gzip-compressed (zlib deflate + the 18-byte gzip header and trailer)."""
    return len(zlib.compress(data, level)) - 6 + 18


def brotli_size(data: bytes) -> int | None:
    return len(brotli.compress(data, quality=BROTLI_QUALITY)) if brotli is not None else None


# --- upstream-style GeoJSON --------------------------------------------------------------------
#
# TeleGeography ships cable routes and landing points with float64 coordinates printed in full
# (15-17 significant digits, e.g. 111.14999549624022) and the IX buildings with 7 decimals.
# Landfall's files are rounded to 5 decimals, so the full digits are put back: every coordinate
# gets a deterministic pseudo-random offset inside its rounding interval (±0.5e-5), a function
# of the value itself, so shared vertices stay identical (as upstream, where gzip finds them).
# The modelled coverage polygons and the arrondissements have no upstream GeoJSON of their own
# (Landfall derives them from ARCEP site lists and IGN boundaries): they count as shipped.

FULL = None
SHIPPED = -1
#: File → (property that identifies a feature, or "" for its position; decimals upstream).
UPSTREAM: dict[str, tuple[str, int | None]] = {
    "cables.geojson": ("id", FULL),
    "landing_points.geojson": ("id", FULL),
    "facilities.geojson": ("id", 7),
    # OpenStreetMap and TeleGeography IX coordinates: 7 decimals upstream.
    "datacentres.geojson": ("id", 7),
    "coverage.geojson": ("", SHIPPED),
    "ftth.geojson": ("code", SHIPPED),
}


def _full_precision(coords: Any, decimals: int | None) -> Any:
    values = np.asarray(coords, dtype=np.float64)
    noise = np.sin(values * 12.9898 + 78.233) * 43758.5453
    restored = values + (noise - np.floor(noise) - 0.5) * 1e-5
    if decimals is not None:
        restored = np.round(restored, decimals)
    return restored.tolist()


def _upstream_geometry(geometry: dict[str, Any], decimals: int | None) -> dict[str, Any]:
    if decimals == SHIPPED:
        return geometry
    kind = geometry["type"]
    coords = geometry["coordinates"]
    if kind in ("Point", "LineString"):
        restored = _full_precision(coords, decimals)
    elif kind in ("MultiLineString", "Polygon"):
        restored = [_full_precision(part, decimals) for part in coords]
    else:
        restored = [[_full_precision(ring, decimals) for ring in poly] for poly in coords]
    return {"type": kind, "coordinates": restored}


def _sizes(features: list[dict[str, Any]]) -> dict[str, Any]:
    raw = orjson.dumps({"type": "FeatureCollection", "features": features})
    return {"raw": len(raw), "gzip": gzip_size(raw), "brotli": brotli_size(raw)}


def upstream_geojson(data_dir: Path, selected: dict[str, set[str]]) -> dict[str, Any]:
    """Sizes of the selected features as upstream-style GeoJSON (one FeatureCollection).

    ``selected`` maps a file to the keys of its features on the map (see :data:`UPSTREAM`).
    ``full``: every property of Landfall's files plus upstream-precision geometry (what an app
    that shipped the upstream data to the browser would send); ``geometry``: id and geometry
    only (a lower bound); ``files``: ``full`` per file.
    """
    full: list[dict[str, Any]] = []
    bare: list[dict[str, Any]] = []
    files: dict[str, Any] = {}
    for name, wanted in selected.items():
        key, decimals = UPSTREAM[name]
        collection = orjson.loads((data_dir / name).read_bytes())
        chosen: list[dict[str, Any]] = []
        for position, feature in enumerate(collection["features"]):
            props = feature["properties"]
            ident = str(props[key]) if key else str(position)
            if ident not in wanted:
                continue
            geometry = _upstream_geometry(feature["geometry"], decimals)
            chosen.append({"type": "Feature", "properties": props, "geometry": geometry})
            bare.append({"type": "Feature", "properties": {"id": ident}, "geometry": geometry})
        full.extend(chosen)
        files[name] = {"features": len(chosen), **_sizes(chosen)}
    return {"features": len(full), "full": _sizes(full), "geometry": _sizes(bare), "files": files}


# --- the figure --------------------------------------------------------------------------------


def _trace_length(trace: Any) -> int:
    for attr in ("lon", "locations"):
        values = getattr(trace, attr, None)
        if values is not None:
            return len(values)
    return 0


def figure_signature(figure: Any) -> dict[str, Any]:
    """What the browser's ``_fullData`` holds once this figure is drawn: the figure's
    ``uirevision`` (the store value) and the total number of longitudes over all traces."""
    points = sum(len(t.lon) for t in figure.data if getattr(t, "lon", None) is not None)
    return {"uirevision": figure.layout.uirevision, "points": points, "traces": len(figure.data)}


def payload_breakdown(figure: Any) -> list[dict[str, Any]]:
    """Raw and gzip bytes of each map layer's traces (to see what dominates the payload)."""
    from plotly.io.json import to_json_plotly

    # Serialise the traces exactly as in the whole figure (typed arrays base64-encoded).
    layers: dict[str, list[Any]] = {}
    counts: dict[str, int] = {}
    for trace, as_json in zip(figure.data, figure.to_plotly_json()["data"], strict=True):
        meta = trace.meta if isinstance(trace.meta, dict) else {}
        layer = str(meta.get("layer", trace.type))
        # The page's own interaction traces (the empty hover highlight) draw no dataset.
        layer = "interaction" if layer == "hover-highlight" else layer
        layers.setdefault(layer, []).append(as_json)
        counts[layer] = counts.get(layer, 0) + _trace_length(trace)
    rows = []
    for layer, traces in layers.items():
        raw = to_json_plotly(traces).encode()
        rows.append(
            {
                "layer": layer,
                "traces": len(traces),
                "points": counts[layer],
                "raw": len(raw),
                "gzip": gzip_size(raw),
            }
        )
    layout = to_json_plotly(figure.layout).encode()
    rows.append(
        {"layer": "layout", "traces": 0, "points": 0, "raw": len(layout), "gzip": gzip_size(layout)}
    )
    return rows


def drawn_features(ctx: Any, sel: Any) -> dict[str, set[str]]:
    """The features of each file the map draws for ``sel`` (keys as in :data:`UPSTREAM`)."""
    from figures.map import layers_of

    filtered = ctx.select(sel)
    layers = set(layers_of(sel))
    drawn: dict[str, set[str]] = {}
    for layer, name, frame in (
        ("cables", "cables.geojson", filtered.cables),
        ("landing_points", "landing_points.geojson", filtered.landing_points),
        ("facilities", "facilities.geojson", filtered.facilities),
        ("datacentres", "datacentres.geojson", filtered.datacentres),
    ):
        if layer in layers:
            drawn[name] = {str(i) for i in frame.index}
    if "coverage" in layers:
        coverage = filtered.coverage[filtered.coverage["technology"] == sel.technology]
        drawn["coverage.geojson"] = {str(i) for i in coverage.index}
    if "ftth" in layers:
        drawn["ftth.geojson"] = {str(c) for c in filtered.ftth["code"]}
    return drawn


#: The app's modules the measurements use: importing them is the "import" stage.
APP_MODULES = (
    "plotly.io.json",
    "components.callbacks",
    "datalayer.loader",
    "datalayer.query",
    "services.context",
)


def _enter(
    result: dict[str, Any], stage: str, checkpoint: Callable[[dict[str, Any]], None]
) -> None:
    """Record that the worker starts ``stage`` and checkpoint the result so far."""
    result["stage"] = stage
    checkpoint(result)


def _time_imports(result: dict[str, Any]) -> None:
    """Stage "import": how long importing :data:`APP_MODULES` takes (``import_s``)."""
    start = time.perf_counter()
    for name in APP_MODULES:
        importlib.import_module(name)
    result["import_s"] = time.perf_counter() - start


def _time_load(data_dir: Path, result: dict[str, Any], import_hwm_mb: float | None) -> Any:
    """Stage "load_datasets": the datasets of ``data_dir``, with the load's time, the memory
    high-water marks after the imports and after the load, and the feature counts."""
    from datalayer.loader import load_datasets

    start = time.perf_counter()
    data = load_datasets(data_dir)
    result["load_s"] = time.perf_counter() - start
    result["load_vmhwm_mb"] = proc_status_mb(os.getpid())
    result["import_vmhwm_mb"] = import_hwm_mb
    result["features"] = {
        "cables": len(data.cables),
        "landing_points": len(data.landing_points),
        "facilities": len(data.facilities),
    }
    return data


def _time_context(data: Any, result: dict[str, Any]) -> Any:
    """Stage "build_context": the app context of ``data``, with its time and memory."""
    from services.context import build_context

    start = time.perf_counter()
    ctx = build_context(data)
    result["context_s"] = time.perf_counter() - start
    result["context_vmhwm_mb"] = proc_status_mb(os.getpid())
    return ctx


def _stores(ctx: Any, result: dict[str, Any]) -> dict[str, str]:
    """The store value of every search of the mix and of the browser's two states, by label
    (by search for the browser's); recorded with the mix in ``result``."""
    from components.callbacks import store_key
    from datalayer.query import parse_query

    stores = {label: store_key(parse_query(search, ctx.vocab)[0]) for label, search in MIX}
    for search in (DEFAULT_SEARCH, BROWSER_TARGET):
        stores.setdefault(search, store_key(parse_query(search, ctx.vocab)[0]))
    result["stores"] = stores
    result["mix"] = [{"label": label, "search": search} for label, search in MIX]
    return stores


def _measure_default_payload(
    ctx: Any, data_dir: Path, figure: Any, search: str, result: dict[str, Any]
) -> None:
    """The default map's payload (raw, gzip, brotli, by layer), the upstream-style GeoJSON of
    the same features and the default selection's feature counts."""
    from plotly.io.json import to_json_plotly

    from datalayer.query import parse_query

    raw = to_json_plotly(figure).encode()
    result["payload"] = {
        "raw": len(raw),
        "gzip": gzip_size(raw),
        "brotli": brotli_size(raw),
        "layers": payload_breakdown(figure),
    }
    sel = parse_query(search, ctx.vocab)[0]
    result["upstream"] = upstream_geojson(data_dir, drawn_features(ctx, sel))
    filtered = ctx.select(sel)
    result["default_counts"] = {
        "cables": len(filtered.cables),
        "landing_points": len(filtered.landing_points),
        "facilities": len(filtered.facilities),
    }
    del raw


def _measure_message(ctx: Any, message: Any, result: dict[str, Any]) -> None:
    """What crosses the wire for the default map since geometry is sent once: the render
    callback's map message (every filter change) and the geometry pack (once per data)."""
    from plotly.io.json import to_json_plotly

    raw = to_json_plotly(message).encode()
    pack = ctx.map_pack()
    result["payload"]["message"] = {"raw": len(raw), "gzip": gzip_size(raw)}
    result["payload"]["pack"] = {
        "raw": len(pack.body),
        "gzip": gzip_size(pack.body),
        "slots": len(pack.slots),
    }


def _measure_payload(ctx: Any, data_dir: Path, result: dict[str, Any]) -> None:
    """Stage "payload": what the browser should draw for its two states (``signatures``) and
    the default map's payload (both are needed at every scale)."""
    from components.callbacks import render_outputs, store_key
    from datalayer.query import parse_query
    from figures.layers import layers_of
    from services.map_pack import drawn_figure

    signatures = {}
    for search in (DEFAULT_SEARCH, BROWSER_TARGET):
        sel = parse_query(search, ctx.vocab)[0]
        store = store_key(sel)
        message = render_outputs(ctx, store, None, search)[0]
        figure = drawn_figure(message, ctx.map_pack(), layers_of(sel))
        signatures[search] = figure_signature(figure)
        if search == DEFAULT_SEARCH:
            _measure_default_payload(ctx, data_dir, figure, search, result)
            _measure_message(ctx, message, result)
        del figure, message
    result["signatures"] = signatures


def _by_filter() -> dict[str, list[float]]:
    """An empty list of timings per filter of the mix."""
    return {label: [] for label, _ in MIX}


@dataclass
class RenderTimes:
    """The render stage's measurements per filter label of the mix."""

    render: dict[str, list[float]] = field(default_factory=_by_filter)
    first: dict[str, float] = field(default_factory=dict)
    serialise: dict[str, list[float]] = field(default_factory=_by_filter)
    output_bytes: dict[str, int] = field(default_factory=dict)
    memo_hit: dict[str, list[float]] = field(default_factory=_by_filter)
    #: What the browser should draw for each search of the mix (from the first round).
    signatures: dict[str, dict[str, Any]] = field(default_factory=dict)


def _time_render(
    ctx: Any, store: str, search: str, label: str, first_round: bool, times: RenderTimes
) -> None:
    """One render of ``search``: the callback's function, the serialisation of its output and,
    in the first round, what a memoising cache's hit would cost."""
    from plotly.io.json import to_json_plotly

    from components.callbacks import render_outputs, selection_of_store
    from figures.layers import layers_of
    from services.map_pack import drawn_figure

    gc.collect()
    t0 = time.perf_counter()
    outputs = render_outputs(ctx, store, None, search)
    elapsed = time.perf_counter() - t0
    if first_round:
        times.first[label] = elapsed
        shown = layers_of(selection_of_store(ctx, store))
        times.signatures[search] = figure_signature(drawn_figure(outputs[0], ctx.map_pack(), shown))
    times.render[label].append(elapsed)
    t0 = time.perf_counter()
    text = to_json_plotly(outputs)
    times.serialise[label].append(time.perf_counter() - t0)
    times.output_bytes[label] = len(text)
    del text
    if first_round:
        # A memoising cache keyed on (store, theme, view): flask-caching's SimpleCache
        # pickles values, so a hit costs an unpickle (then Dash serialises as usual).
        pickled = pickle.dumps(outputs, protocol=pickle.HIGHEST_PROTOCOL)
        t0 = time.perf_counter()
        pickle.loads(pickled)
        times.memo_hit[label].append(time.perf_counter() - t0)
        del pickled
    del outputs


def _time_renders(
    ctx: Any, stores: dict[str, str], iterations: int, deadline: float, result: dict[str, Any]
) -> RenderTimes:
    """Stage "render": ``iterations`` rounds over the mix, stopped at the ``deadline`` (the
    result is then marked partial, with a note)."""
    times = RenderTimes()
    for round_index in range(iterations):
        for label, search in MIX:
            if time.perf_counter() > deadline:
                result["status"] = "partial"
                result["notes"].append(
                    f"in-process timing stopped at the time cap (round {round_index + 1})"
                )
                return times
            _time_render(ctx, stores[label], search, label, round_index == 0, times)
    return times


def _render_summary(times: RenderTimes) -> dict[str, Any]:
    """Summaries of the render stage: per filter, over the whole mix, and serialisation."""
    all_render = [t for values in times.render.values() for t in values]
    all_serialise = [t for values in times.serialise.values() for t in values]
    return {
        "per_filter": {
            label: {
                **summary(times.render[label]),
                "first_s": times.first.get(label),
                "serialise": summary(times.serialise[label]),
                "output_bytes": times.output_bytes.get(label),
                "memo_hit_unpickle_s": times.memo_hit[label][0] if times.memo_hit[label] else None,
            }
            for label, _ in MIX
        },
        "all": summary(all_render),
        "serialise_all": summary(all_serialise),
    }


def run(
    data_dir: Path,
    iterations: int,
    deadline: float,
    checkpoint: Callable[[dict[str, Any]], None] = lambda _result: None,
) -> dict[str, Any]:
    """Every in-process measurement; ``checkpoint(result)`` after each stage, so a worker
    killed at the time cap still leaves the stages it finished (and how far it got)."""
    result: dict[str, Any] = {"status": "ok", "notes": [], "stage": "import"}
    checkpoint(result)
    _time_imports(result)
    import_hwm_mb = proc_status_mb(os.getpid())
    _enter(result, "load_datasets", checkpoint)
    data = _time_load(data_dir, result, import_hwm_mb)
    _enter(result, "build_context", checkpoint)
    ctx = _time_context(data, result)
    _enter(result, "payload", checkpoint)
    stores = _stores(ctx, result)
    _measure_payload(ctx, data_dir, result)
    _enter(result, "render", checkpoint)
    times = _time_renders(ctx, stores, iterations, deadline, result)
    result["render"] = _render_summary(times)
    # The browser measures every state of the mix it has a signature for.
    result["signatures"] = {**times.signatures, **result["signatures"]}
    result["peak_vmhwm_mb"] = proc_status_mb(os.getpid())
    result["stage"] = "done"
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--deadline-seconds", type=float, default=300.0)
    args = parser.parse_args(argv)
    deadline = time.perf_counter() + args.deadline_seconds

    started = time.perf_counter()

    def checkpoint(result: dict[str, Any]) -> None:
        result["vmhwm_mb"] = proc_status_mb(os.getpid())
        result["elapsed_s"] = time.perf_counter() - started
        partial = args.out.with_suffix(".partial")
        partial.write_text(json.dumps(result, indent=1))
        partial.replace(args.out)

    checkpoint(run(args.data, max(1, args.iterations), deadline, checkpoint))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
