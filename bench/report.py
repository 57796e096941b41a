"""Budgets (PASS/FAIL with ratios) and the Markdown report of a benchmark run."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

PAYLOAD_LIMIT = 0.7  # map payload gzip ≤ 0.7 × upstream-style GeoJSON gzip
CALLBACK_LIMIT = 3.0  # render callback p95 ≤ 3 × serialising its own output (p95)
#: Process start → first layout, with the data cache warm (every start after the first one on the
#: same data), ≤ 1.5 × bare `import dash, geopandas`. The first start (cache empty) is reported too.
COLD_START_LIMIT = 1.5
MEMORY_LIMIT_MB = 2048.0  # peak RSS of the server and of the in-process load ≤ 2 GiB
# The browser's budgets (issue "Map data path", Budgets), next to the plotly.js floor: the same
# figures drawn by bare plotly.js on an empty page of the app's origin (bench/browser.py).
#: Filter change → map repainted, page median ÷ floor median over the same changes, by scale.
REPAINT_FLOOR_LIMITS = {"1": 0.7, "10": 1.0}
CHANGE_BYTES_LIMIT = 40_000  # bytes on the wire per filter change (median of the mix), 1×
TOGGLE_MS_LIMIT = 150.0  # layer toggle → map repainted (median), 1×
TOGGLE_GEOMETRY_LIMIT = 0.0  # bytes of responses > 20 KB (geometry) during a layer toggle, 1×
PAGE_LOAD_FLOOR_LIMIT = 1.5  # page load → map drawn ≤ 1.5 × the floor's first newPlot, 1×
#: The scale the absolute browser budgets (bytes, toggle, page load) hold at.
BROWSER_BASE_SCALE = "1"


def _get(data: Mapping[str, Any], *path: str) -> Any:
    value: Any = data
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _budget(
    name: str,
    scale: str,
    measured: float | None,
    reference: float | None,
    limit: float,
    unit: str,
    note: str = "",
) -> dict[str, Any]:
    """A ratio budget: ``measured / reference ≤ limit`` (reference None: measured ≤ limit)."""
    if measured is None or (reference is None and unit == "ratio"):
        return {
            "budget": name,
            "scale": scale,
            "measured": measured,
            "reference": reference,
            "ratio": None,
            "limit": limit,
            "result": "N/A",
            "note": note or "not measured (see the scale's notes)",
        }
    if reference:
        ratio: float | None = measured / reference
        passed = measured / reference <= limit
    else:
        ratio = measured / limit if limit else None
        passed = measured <= limit
    return {
        "budget": name,
        "scale": scale,
        "measured": measured,
        "reference": reference,
        "ratio": ratio,
        "limit": limit,
        "unit": unit,
        "result": "PASS" if passed else "FAIL",
        "note": note,
    }


#: Words of the notes that explain a missing measurement, per budget (first word of its name).
_REASONS = {
    "map": ("in-process",),
    "render": ("HTTP callback", "app server", "in-process", "layout"),
    "callback": ("HTTP callback", "app server", "layout"),
    "cold": ("app server", "layout"),
    "peak": ("in-process", "app server"),
    "browser:": ("browser",),
}


def _why_missing(data: Mapping[str, Any], budget: str = "") -> str:
    """The note of a scale that says why ``budget`` has no measurement."""
    notes = [str(n) for n in data.get("notes") or []]
    words = _REASONS.get(budget.split(" ")[0], ())
    for word in words:  # in order of relevance
        for note in notes:
            if word in note:
                return note
    return notes[-1] if notes else "not measured (see the scale's notes)"


def _callback_pair(data: Mapping[str, Any]) -> tuple[float | None, float | None, str]:
    """HTTP p95 and serialisation p95 of the filter whose ratio is worst ("its own output").

    Falls back to the whole mix when there are no per-filter figures.
    """
    http = _get(data, "callback", "per_filter") or {}
    local = _get(data, "inprocess", "render", "per_filter") or {}
    pairs = []
    for label, values in http.items():
        measured = _number(values.get("p95"))
        reference = _number(_get(local, label, "serialise", "p95"))
        if measured is not None and reference:
            pairs.append((measured / reference, measured, reference, str(label)))
    if pairs:
        _, measured, reference, label = max(pairs)
        return measured, reference, label
    return (
        _number(_get(data, "callback", "all", "p95")),
        _number(_get(data, "inprocess", "render", "serialise_all", "p95")),
        "",
    )


def _mix_ratio(data: Mapping[str, Any]) -> str:
    http = _number(_get(data, "callback", "all", "p95"))
    ser = _number(_get(data, "inprocess", "render", "serialise_all", "p95"))
    return f"{http / ser:.2f}×" if http is not None and ser else "–"


def _scale_budgets(scale: str, data: Mapping[str, Any], bare: float | None) -> list[dict[str, Any]]:
    """The budgets of one scale: map payload, render callback, cold start and peak memory.

    ``bare`` is the bare ``import dash, geopandas`` time the cold start is compared with.
    """
    label = f"{scale}×"
    payload = _budget(
        "map payload gzip ≤ 0.7 × upstream GeoJSON gzip",
        label,
        _number(_get(data, "payload", "gzip")),
        _number(_get(data, "upstream", "full", "gzip")),
        PAYLOAD_LIMIT,
        "ratio",
    )
    measured, reference, worst = _callback_pair(data)
    callback = _budget(
        "render callback p95 ≤ 3 × serialising its output (p95)",
        label,
        measured,
        reference,
        CALLBACK_LIMIT,
        "ratio",
        f"worst filter: {worst}; whole mix {_mix_ratio(data)}" if worst else "",
    )
    first = _number(_get(data, "first_start", "best"))
    cold = _budget(
        "cold start (data cache warm) ≤ 1.5 × bare import dash, geopandas",
        label,
        _number(_get(data, "cold_start", "best")),
        bare,
        COLD_START_LIMIT,
        "ratio",
        (
            f"first start (data cache empty): {_fmt(first)} s"
            + (f", {first / bare:.2f}× bare import" if bare else "")
            if first is not None
            else ""
        ),
    )
    peaks = [
        _number(_get(data, "memory", "server_vmhwm_mb")),
        _number(_get(data, "memory", "inprocess_peak_mb")),
    ]
    known = [p for p in peaks if p is not None]
    memory = _budget(
        "peak memory (server, in-process load) ≤ 2 GiB",
        label,
        max(known) if known else None,
        None,
        MEMORY_LIMIT_MB,
        "MiB",
        (
            f"lower bound: stopped during {data['stopped_in']}"
            if data.get("stopped_in")
            else ("" if len(known) == 2 else "only part of it measured")
        ),
    )
    return [payload, callback, cold, memory]


def _browser_missing(data: Mapping[str, Any], *parts: str) -> str:
    """Why a browser budget has no measurement: the browser's or the floor's status."""
    browser = data.get("browser")
    if not isinstance(browser, Mapping):
        return _why_missing(data, "browser:")
    status = str(browser.get("status") or "")
    if status != "ok":
        return f"browser: {status}" + (f" ({browser['error']})" if browser.get("error") else "")
    part = _get(browser, *parts) if parts else None
    if isinstance(part, Mapping) and part.get("status") not in (None, "ok"):
        return f"{parts[0]}: {part['status']}"
    return "not measured (see the scale's notes)"


def _repaint_budget(
    scale: str, data: Mapping[str, Any], browser: Mapping[str, Any]
) -> dict[str, Any]:
    """Filter change → map repainted: the page's median over the floor's, same changes."""
    limit = REPAINT_FLOOR_LIMITS[scale]
    page = _get(browser, "page_paired") or {}
    floor = _get(browser, "floor", "changes") or {}
    measured, reference = _number(page.get("median")), _number(floor.get("median"))
    states = _get(browser, "states") or {}
    worst = max(
        ((s["ratio"], k) for k, s in states.items() if _number(s.get("ratio"))),
        default=None,
    )
    note = (
        f"median {_fmt(measured)} ms vs floor {_fmt(reference)} ms over {page.get('n')} "
        f"changes; p95 {_fmt(page.get('p95'))} vs {_fmt(floor.get('p95'))} ms"
        + (f"; worst state {worst[1]} {worst[0]:.2f}×" if worst else "")
        if measured is not None and reference
        else _browser_missing(data, "floor")
    )
    return _budget(
        f"browser: filter change → map repainted ≤ {limit:.1f} × plotly.js floor (median)",
        f"{scale}×",
        measured,
        reference,
        limit,
        "ratio",
        note,
    )


def _change_bytes_budget(
    label: str, data: Mapping[str, Any], browser: Mapping[str, Any]
) -> dict[str, Any]:
    """Bytes on the wire per filter change: the median over the mix, absolute."""
    per_change = _get(browser, "bytes_per_change") or {}
    changes = _number(per_change.get("median"))
    return _budget(
        "browser: bytes on the wire per filter change ≤ 40 KB (median of the mix)",
        label,
        changes,
        None,
        CHANGE_BYTES_LIMIT,
        "B",
        f"p95 {_bytes(per_change.get('p95'))} over {per_change.get('n')} changes"
        if changes is not None
        else _browser_missing(data),
    )


def _toggle_budgets(
    label: str, data: Mapping[str, Any], browser: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The layer toggle: time to the map repainted, and no geometry fetched meanwhile."""
    toggle = _get(browser, "toggle") or {}
    toggle_ms = _number(_get(toggle, "off", "median"))
    geometry = [v for v in toggle.get("off_geometry_bytes") or [] if _number(v) is not None]
    toggle_note = (
        f"{toggle.get('layer')} off; {_bytes(max(toggle.get('off_bytes') or [0]))} fetched"
        if toggle_ms is not None
        else _browser_missing(data, "toggle")
    )
    return [
        _budget(
            "browser: layer toggle → map repainted ≤ 150 ms (median)",
            label,
            toggle_ms,
            None,
            TOGGLE_MS_LIMIT,
            "ms",
            toggle_note,
        ),
        _budget(
            "browser: layer toggle fetches no geometry (responses > 20 KB)",
            label,
            float(max(geometry)) if geometry else None,
            None,
            TOGGLE_GEOMETRY_LIMIT,
            "B",
            toggle_note,
        ),
    ]


def _page_load_budget(
    label: str, data: Mapping[str, Any], browser: Mapping[str, Any]
) -> dict[str, Any]:
    """Page load → map drawn, next to the floor's first ``Plotly.newPlot``."""
    load_s = _number(browser.get("page_load_to_map_s"))
    first = _number(_get(browser, "floor", "first_newplot_ms"))
    return _budget(
        "browser: page load → map drawn ≤ 1.5 × plotly.js floor's first newPlot",
        label,
        load_s * 1000.0 if load_s is not None else None,
        first,
        PAGE_LOAD_FLOOR_LIMIT,
        "ratio",
        f"{_fmt(load_s)} s vs {_fmt(first)} ms"
        if load_s is not None and first
        else _browser_missing(data, "floor"),
    )


def _browser_budgets(scale: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The browser's budgets of one scale, each next to the plotly.js floor or absolute.

    The repaint budget holds at every scale of :data:`REPAINT_FLOOR_LIMITS`; the absolute ones
    (bytes per change, layer toggle, page load) at :data:`BROWSER_BASE_SCALE` only.
    """
    label = f"{scale}×"
    raw = data.get("browser")
    browser: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    budgets = []
    if scale in REPAINT_FLOOR_LIMITS:
        budgets.append(_repaint_budget(scale, data, browser))
    if scale != BROWSER_BASE_SCALE:
        return budgets
    budgets.append(_change_bytes_budget(label, data, browser))
    budgets.extend(_toggle_budgets(label, data, browser))
    budgets.append(_page_load_budget(label, data, browser))
    return budgets


def _growth_budgets(scales: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Callback p50 growth from the smallest scale to each larger one: at most the data's."""
    budgets = []
    numeric = sorted(int(s) for s in scales)
    for high_scale in numeric[1:]:
        low, high = str(numeric[0]), str(high_scale)
        growth = high_scale / numeric[0]
        budgets.append(
            _budget(
                f"callback p50 from {low}× to {high}× grows ≤ data (≤ {growth:g}×)",
                f"{low}×→{high}×",
                _number(_get(scales[high], "callback", "all", "p50")),
                _number(_get(scales[low], "callback", "all", "p50")),
                growth,
                "ratio",
                "" if _get(scales[high], "callback") else _why_missing(scales[high], "callback"),
            )
        )
    return budgets


def evaluate_budgets(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every budget of every scale measured in this run."""
    budgets: list[dict[str, Any]] = []
    bare = _number(_get(results, "bare_import_s", "best"))
    scales: Mapping[str, Any] = results.get("scales", {})
    for scale, data in scales.items():
        budgets.extend(_scale_budgets(scale, data, bare))
    budgets.extend(_growth_budgets(scales))
    for scale, data in scales.items():
        budgets.extend(_browser_budgets(scale, data))
    for budget in budgets:
        if budget["result"] == "N/A" and budget["note"] == "not measured (see the scale's notes)":
            scale = budget["scale"].rstrip("×")
            if scale in scales:
                budget["note"] = _why_missing(scales[scale], budget["budget"])
    return budgets


# --- Markdown ----------------------------------------------------------------------------------


def _start(data: Mapping[str, Any], key: str) -> str:
    if _get(data, key, "did_not_start_within_s") is not None:
        return f"> {_fmt(_get(data, key, 'did_not_start_within_s'))} (did not start)"
    return _fmt(_get(data, key, "best"))


def _fmt(value: Any, digits: int = 3) -> str:
    number = _number(value)
    if number is None:
        return "–"
    if abs(number) >= 100:
        return f"{number:,.0f}"
    return f"{number:.{digits}g}" if abs(number) < 1 else f"{number:,.{digits - 1}f}"


def _kb(value: Any) -> str:
    number = _number(value)
    return "–" if number is None else f"{number / 1024:,.0f} KiB"


def _ms(value: Any) -> str:
    number = _number(value)
    return "–" if number is None else f"{number * 1000:,.0f} ms"


def _bytes(value: Any) -> str:
    """Bytes on the wire in KB (1 KB = 1000 bytes, as the budgets are written)."""
    number = _number(value)
    return "–" if number is None else f"{number / 1000:,.1f} KB"


def _milliseconds(value: Any) -> str:
    """A value already in milliseconds."""
    number = _number(value)
    return "–" if number is None else f"{number:,.0f} ms"


def _ratio(measured: Any, reference: Any) -> str:
    a, b = _number(measured), _number(reference)
    return f"{a / b:.2f}×" if a is not None and b else "–"


def _pair(a: str, b: str) -> str:
    return a if a == b == "–" else f"{a} / {b}"


def _stat_pair(stats: Any) -> str:
    """``median / p95 ms (n=…)`` of a browser summary (milliseconds)."""
    if not isinstance(stats, Mapping) or _number(stats.get("median")) is None:
        return "–"
    pair = _pair(_milliseconds(stats.get("median")), _milliseconds(stats.get("p95")))
    return f"{pair} (n={stats.get('n')})"


def _target_state(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The browser's per-state figures of its target change (empty if not measured)."""
    target = _get(data, "browser", "target")
    for state in (_get(data, "browser", "states") or {}).values():
        if state.get("search") == target:
            return dict(state)
    return {}


def _toggle_cell(toggle: Any) -> str:
    if not isinstance(toggle, Mapping):
        return "–"
    median = _get(toggle, "off", "median")
    if _number(median) is None:
        return str(toggle.get("status") or "–")
    fetched = max(toggle.get("off_bytes") or [0])
    geometry = max(toggle.get("off_geometry_bytes") or [0])
    return f"{_milliseconds(median)}; {_bytes(fetched)} ({_bytes(geometry)})"


Row = tuple[str, Callable[[Mapping[str, Any]], str]]

ROWS: list[Row] = [
    (
        "cables / landing points / facilities",
        lambda d: " / ".join(
            f"{_get(d, 'features', k):,}" if _get(d, "features", k) is not None else "–"
            for k in ("cables", "landing_points", "facilities")
        ),
    ),
    ("status", lambda d: str(d.get("status", "–"))),
    ("synthetic data generated (s)", lambda d: _fmt(_get(d, "synth_s"))),
    ("load_datasets (s)", lambda d: _fmt(_get(d, "inprocess", "load_s"))),
    ("build_context (s)", lambda d: _fmt(_get(d, "inprocess", "context_s"))),
    (
        "first start, data cache empty: process → first /_dash-layout 200 (s)",
        lambda d: _start(d, "first_start"),
    ),
    (
        "cold start, data cache warm: process → first /_dash-layout 200 (s, best)",
        lambda d: _start(d, "cold_start"),
    ),
    (
        "render callback via HTTP p50 / p95",
        lambda d: _pair(
            _ms(_get(d, "callback", "all", "p50")), _ms(_get(d, "callback", "all", "p95"))
        ),
    ),
    ("render callback via HTTP samples", lambda d: _fmt(_get(d, "callback", "all", "n"))),
    ("first render request after start", lambda d: _ms(_get(d, "callback", "first_request_s"))),
    (
        "render_outputs in-process p50 / p95",
        lambda d: _pair(
            _ms(_get(d, "inprocess", "render", "all", "p50")),
            _ms(_get(d, "inprocess", "render", "all", "p95")),
        ),
    ),
    (
        "serialise output tuple (to_json_plotly) p50 / p95",
        lambda d: _pair(
            _ms(_get(d, "inprocess", "render", "serialise_all", "p50")),
            _ms(_get(d, "inprocess", "render", "serialise_all", "p95")),
        ),
    ),
    (
        "default map payload raw / gzip / brotli",
        lambda d: " / ".join(_kb(_get(d, "payload", k)) for k in ("raw", "gzip", "brotli")),
    ),
    (
        "upstream-style GeoJSON gzip: full / geometry+id",
        lambda d: _pair(
            _kb(_get(d, "upstream", "full", "gzip")), _kb(_get(d, "upstream", "geometry", "gzip"))
        ),
    ),
    (
        "default render response on the wire (browser Accept-Encoding)",
        lambda d: (
            f"{_kb(_get(d, 'wire', 'bytes'))} ({_get(d, 'wire', 'encoding') or 'identity'})"
            if _get(d, "wire", "bytes") is not None
            else "–"
        ),
    ),
    (
        "browser: page load → map drawn (s)",
        lambda d: _fmt(_get(d, "browser", "page_load_to_map_s")),
    ),
    (
        "browser: page load, bytes on the wire (every response until idle)",
        lambda d: _bytes(_get(d, "browser", "page_load_bytes")),
    ),
    (
        "browser: filter change default ↔ target (BROWSER_TARGET) → map repainted, median / p95",
        lambda d: (
            f"{_pair(_milliseconds(_get(d, 'browser', 'median_ms')), _milliseconds(_get(d, 'browser', 'p95_ms')))}"
            f" (n={len(_get(d, 'browser', 'samples_ms') or [])})"
            if _get(d, "browser", "median_ms") is not None
            else str(_get(d, "browser", "status") or "–")
        ),
    ),
    (
        "plotly.js floor: the same target change (Plotly.react), median / p95",
        lambda d: _stat_pair(_target_state(d).get("floor")),
    ),
    (
        "browser: every change of the mix ↔ default → map repainted, median / p95",
        lambda d: _stat_pair(_get(d, "browser", "page_paired")),
    ),
    (
        "plotly.js floor: the same changes (Plotly.react), median / p95",
        lambda d: _stat_pair(_get(d, "browser", "floor", "changes")),
    ),
    (
        "browser ÷ floor, filter change: median / p95",
        lambda d: _pair(
            _ratio(
                _get(d, "browser", "page_paired", "median"),
                _get(d, "browser", "floor", "changes", "median"),
            ),
            _ratio(
                _get(d, "browser", "page_paired", "p95"),
                _get(d, "browser", "floor", "changes", "p95"),
            ),
        ),
    ),
    (
        "browser: bytes on the wire per filter change, median / p95",
        lambda d: _pair(
            _bytes(_get(d, "browser", "bytes_per_change", "median")),
            _bytes(_get(d, "browser", "bytes_per_change", "p95")),
        ),
    ),
    (
        "plotly.js floor: first Plotly.newPlot of the default map",
        lambda d: _milliseconds(_get(d, "browser", "floor", "first_newplot_ms")),
    ),
    (
        "browser page load → map drawn ÷ floor's first newPlot",
        lambda d: _ratio(
            (_number(_get(d, "browser", "page_load_to_map_s")) or math.nan) * 1000.0,
            _get(d, "browser", "floor", "first_newplot_ms"),
        ),
    ),
    (
        "browser: layer toggle (off) → map repainted, median; bytes fetched (geometry)",
        lambda d: _toggle_cell(_get(d, "browser", "toggle")),
    ),
    ("peak RSS, app server (MiB)", lambda d: _fmt(_get(d, "memory", "server_vmhwm_mb"))),
    (
        "peak RSS, in-process load_datasets / whole worker (MiB)",
        lambda d: _pair(
            _fmt(_get(d, "memory", "inprocess_load_mb")),
            _fmt(_get(d, "memory", "inprocess_peak_mb")),
        ),
    ),
    (
        "render via HTTP, production response cache (hits) p50 / p95",
        lambda d: _pair(
            _ms(_get(d, "caching", "response", "hits", "p50")),
            _ms(_get(d, "caching", "response", "hits", "p95")),
        ),
    ),
    (
        "render via HTTP with LRU memo (hits) p50 / p95",
        lambda d: _pair(
            _ms(_get(d, "caching", "lru", "hits", "p50")),
            _ms(_get(d, "caching", "lru", "hits", "p95")),
        ),
    ),
    (
        "render via HTTP with flask-caching SimpleCache (hits) p50 / p95",
        lambda d: _pair(
            _ms(_get(d, "caching", "flask-caching", "hits", "p50")),
            _ms(_get(d, "caching", "flask-caching", "hits", "p95")),
        ),
    ),
]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(r) + " |" for r in rows)
    return lines


def _with_unit(value: Any, unit: str | None) -> str:
    if unit == "B":
        return _bytes(value)
    if unit == "ms":
        return _milliseconds(value)
    return f"{_fmt(value)} {unit or ''}".rstrip()


def _budget_value(b: Mapping[str, Any]) -> str:
    if b.get("result") == "N/A" or b.get("measured") is None:
        return "–"
    if b.get("reference") is None:
        text = _with_unit(b["measured"], b.get("unit"))
        return f"{text} ({b['ratio']:.2f}× the limit)" if b.get("ratio") is not None else text
    return f"{b['ratio']:.2f}×"


def _budget_limit(b: Mapping[str, Any]) -> str:
    unit = b.get("unit")
    if unit in ("B", "ms"):
        return f"= 0 {unit}" if b["limit"] == 0 else f"≤ {_with_unit(b['limit'], unit)}"
    if unit == "MiB" or (b.get("reference") is None and b.get("ratio") is not None):
        return f"≤ {b['limit']:,.0f} MiB"
    return f"≤ {b['limit']:g}×"


def _intro(results: Mapping[str, Any]) -> list[str]:
    """The report's title, the run's metadata and the bare-import reference."""
    meta = results.get("meta", {})
    return [
        "# Landfall benchmark",
        "",
        f"Run {meta.get('started', '?')} · commit {meta.get('commit', '?')} · "
        f"{meta.get('cpus', '?')} CPUs · Python {meta.get('python', '?')} · "
        f"iterations {meta.get('iterations', '?')} · total {_fmt(results.get('elapsed_s'))} s",
        "",
        f'Bare `python -c "import dash, geopandas"`: best of 3 '
        f"{_fmt(_get(results, 'bare_import_s', 'best'))} s. Cold start (the budget's figure) is "
        "a start with the data cache warm, as every start after the first on the same data; the "
        "first start, with the scale's own empty cache, reads and validates every file.",
        "",
    ]


def _metrics_table(scales: Mapping[str, Any]) -> list[str]:
    """Every metric of :data:`ROWS`, one column per scale."""
    header = ["metric", *[f"{s}×" for s in scales]]
    rows = [[name, *[fn(d) for d in scales.values()]] for name, fn in ROWS]
    return _table(header, rows)


def _budgets_section(budgets: list[Mapping[str, Any]]) -> list[str]:
    """The "Budgets" heading and table: measured against limit, PASS/FAIL/N/A, note."""
    budget_rows = [
        [
            b["budget"],
            b["scale"],
            _budget_value(b),
            _budget_limit(b),
            f"**{b['result']}**",
            str(b.get("note") or ""),
        ]
        for b in budgets
    ]
    return [
        "",
        "## Budgets",
        "",
        *_table(["budget", "scale", "measured", "limit", "result", "note"], budget_rows),
    ]


def _per_filter_section(scale: str, data: Mapping[str, Any]) -> list[str]:
    """HTTP and in-process render figures per filter of one scale (nothing if not measured)."""
    per_filter = _get(data, "callback", "per_filter") or {}
    inproc = _get(data, "inprocess", "render", "per_filter") or {}
    if not per_filter and not inproc:
        return []
    rows = []
    for label in dict.fromkeys([*per_filter, *inproc]):
        http = per_filter.get(label, {})
        local = inproc.get(label, {})
        rows.append(
            [
                label,
                _pair(_ms(http.get("p50")), _ms(http.get("p95"))),
                _ms(local.get("p50")),
                _ms(_get(local, "serialise", "p50")),
                _ms(local.get("memo_hit_unpickle_s")),
                _kb(local.get("output_bytes")),
                _ratio(http.get("p95"), _get(local, "serialise", "p95")),
            ]
        )
    header = [
        "filter",
        "HTTP p50 / p95",
        "render_outputs p50",
        "serialise p50",
        "unpickle (flask-caching hit)",
        "output JSON",
        "HTTP p95 ÷ serialise p95",
    ]
    return ["", f"## Render callback per filter, {scale}×", "", *_table(header, rows)]


def _payload_section(scale: str, data: Mapping[str, Any]) -> list[str]:
    """The default map's payload by layer next to upstream GeoJSON, for one scale (nothing if
    not measured)."""
    layers = _get(data, "payload", "layers")
    if not layers:
        return []
    files = _get(data, "upstream", "files") or {}
    rows = []
    for r in layers:
        up = files.get(f"{r['layer']}.geojson", {})
        ratio = f"{r['gzip'] / up['gzip']:.2f}×" if _number(up.get("gzip")) else "–"
        rows.append(
            [
                str(r["layer"]),
                str(r["traces"]),
                f"{r['points']:,}",
                _kb(r["raw"]),
                _kb(r["gzip"]),
                f"{up['features']:,}" if "features" in up else "–",
                _kb(up.get("gzip")),
                ratio,
            ]
        )
    header = [
        "layer",
        "traces",
        "points",
        "raw",
        "gzip",
        "upstream features",
        "upstream gzip",
        "gzip ratio",
    ]
    return [
        "",
        f"## Default map payload by layer vs upstream GeoJSON, {scale}×",
        "",
        *_table(header, rows),
    ]


def _browser_section(scale: str, data: Mapping[str, Any]) -> list[str]:
    """Each state of the mix ↔ default: page and plotly.js floor, bytes (nothing if not
    measured)."""
    states = _get(data, "browser", "states") or {}
    if not states:
        return []
    rows = []
    for label, state in states.items():
        page, floor = state.get("page") or {}, state.get("floor") or {}
        rows.append(
            [
                f"default ↔ {label}",
                f"{page.get('n', 0)} / {floor.get('n', 0)}",
                _pair(_milliseconds(page.get("median")), _milliseconds(page.get("p95"))),
                _pair(_milliseconds(floor.get("median")), _milliseconds(floor.get("p95"))),
                _ratio(page.get("median"), floor.get("median")),
                _pair(
                    _bytes(_get(state, "bytes", "median")),
                    _bytes(max(state.get("bytes_per_change") or [math.nan])),
                ),
            ]
        )
    header = [
        "filter change",
        "changes page / floor",
        "page median / p95",
        "plotly.js floor median / p95",
        "page ÷ floor (median)",
        "bytes per change median / max",
    ]
    return [
        "",
        f"## Browser: filter change → map repainted, page vs plotly.js floor, {scale}×",
        "",
        *_table(header, rows),
    ]


def _notes_section(scales: Mapping[str, Any]) -> list[str]:
    """Every scale's notes (nothing if there are none)."""
    notes = [(s, n) for s, d in scales.items() for n in d.get("notes", [])]
    if not notes:
        return []
    return ["", "## Notes", "", *[f"- {s}×: {n}" for s, n in notes]]


def to_markdown(results: Mapping[str, Any]) -> str:
    """The Markdown report of a run: metrics per scale, budgets, per-filter render figures,
    the default payload by layer, and the notes."""
    scales: Mapping[str, Any] = results.get("scales", {})
    lines = _intro(results)
    lines += _metrics_table(scales)
    lines += _budgets_section(results.get("budgets", []))
    for scale, data in scales.items():
        lines += _per_filter_section(scale, data)
    for scale, data in scales.items():
        lines += _browser_section(scale, data)
    for scale, data in scales.items():
        lines += _payload_section(scale, data)
    lines += _notes_section(scales)
    return "\n".join(lines) + "\n"
