"""Browser time from a filter change to the map repainted, in headless Debian Chromium, next to
the floor: the same change drawn by bare plotly.js.

**The page.** The page is loaded and its map awaited; then the URL search is changed the way a
``dcc.Link`` does it (``history.pushState`` plus Dash's ``_dashprivate_pushstate`` event, which
``dcc.Location`` listens to), so the change runs the page's own sync → store → render path.
The clock runs inside the page from just before the change until the map's ``_fullData`` holds
the new selection (its ``uirevision`` is the new store value and its longitudes add up to what
the server-side figure holds) and two animation frames have passed (the repaint). Every state
of the mix is changed to and back from the default (the browser's target state first); every
change is one sample. The responses fetched during a change (until the page is idle again) are
summed as transferred (the compressed body, ``request.sizes()['responseBodySize']``, which
Playwright takes from CDP's ``Network.loadingFinished.encodedDataLength`` less the headers).
Then a layer is switched off with its checkbox, timed until ``_fullData`` has no trace of that
layer plus two animation frames, with the bytes fetched meanwhile, and switched on again.

**The floor.** The map figure of every state, as the page drew it (copied from the page's map
once drawn, typed arrays in Plotly's ``{dtype, bdata}`` form, as a server-built figure was sent
before geometry crossed the wire once), is drawn by the app's own plotly.js bundle on an otherwise empty page of the same
origin (so the map's ``/basemap`` sources load as on the page), in a ``div`` of the map's size,
with the map's ``config``: ``Plotly.newPlot`` of the default figure once (timed to drawn plus
two animation frames: the floor of the page load), then ``Plotly.react`` from one state's
figure to the other's, alternately, exactly as the page changed them, timed the same way. The
figure is parsed from its JSON text before each change, outside the clock (the page gets a new
object from every response too). What the page adds above the floor is Dash: the callbacks'
round trips, the transfer, the renderer, the components.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.measure import percentile
from config import CHROMIUM, CHROMIUM_FLAGS

CHROMIUM_ARGS = list(CHROMIUM_FLAGS)
WIDTH, HEIGHT = 1280, 800
MAP_ID = "map"
MAP_SELECTOR = f"#{MAP_ID} .js-plotly-plot"
#: The layer the toggle measurement switches off (and on again), by its checkbox.
TOGGLE_LAYER = "facilities"
LAYER_INPUT = "#layers input[value='{layer}']"
#: The floor's page: any URL of the app's origin; the benchmark answers it itself (page.route).
FLOOR_PATH = "/_landfall-bench-floor"
FLOOR_SELECTOR = "#floor"
#: A response larger than this during a layer toggle is counted as geometry.
GEOMETRY_BYTES = 20_000
#: Pause once the page is idle, before the next change (the page's late work settles).
SETTLE_MS = 300
#: Longest wait for the responses of one change to finish once the page is idle again.
NETWORK_SETTLE_S = 10.0
#: Share of the browser stage's time the page's filter changes may take before the floor.
PAGE_SHARE = 0.6
#: Share kept for the floor even while the browser's target change is measured.
FLOOR_RESERVE = 0.25

#: True once the map has drawn the figure whose ``uirevision`` and longitude count are given.
_DRAWN = """
([selector, rev, points]) => {
  const g = document.querySelector(selector);
  if (!g || !g._fullData || !g._fullLayout || g._fullLayout.uirevision !== rev) return false;
  let n = 0;
  for (const t of g._fullData) if (t.lon) n += t.lon.length;
  return n === points;
}
""".strip()

#: Resolve ``done`` once ``ready()`` holds and two animation frames have passed.
_WAIT = """
const waitFor = (t0, ready, timeoutMs, what) => new Promise((resolve, reject) => {
  const tick = () => {
    if (ready()) {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
    } else if (performance.now() - t0 > timeoutMs) {
      reject(new Error(what + ' not drawn within ' + Math.round(timeoutMs) + ' ms'));
    } else {
      requestAnimationFrame(tick);
    }
  };
  tick();
});
"""

#: Change the URL search as ``dcc.Link`` does; resolve with the milliseconds until the map
#: holds the new figure and two animation frames have passed.
_CHANGE = (
    """
async ([selector, search, rev, points, timeoutMs]) => {
  const drawn = """
    + _DRAWN
    + ";"
    + _WAIT
    + """
  const t0 = performance.now();
  window.history.pushState({}, '', window.location.pathname + search);
  window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
  return await waitFor(t0, () => drawn([selector, rev, points]), timeoutMs, 'map');
}
"""
)

#: Whether the map draws a trace of ``layer`` (null before the map exists).
_LAYER_SHOWN = """
([selector, layer]) => {
  const g = document.querySelector(selector);
  if (!g || !g._fullData) return null;
  return g._fullData.some((t) => t.meta && t.meta.layer === layer);
}
""".strip()

#: Click a layer's checkbox; resolve with the milliseconds until the map shows (or no longer
#: shows) that layer and two animation frames have passed.
_TOGGLE = (
    """
async ([selector, layer, input, timeoutMs]) => {
  const shown = """
    + _LAYER_SHOWN
    + ";"
    + _WAIT
    + """
  const before = shown([selector, layer]);
  const box = document.querySelector(input);
  if (before === null || !box) throw new Error('no map or no checkbox ' + input);
  const t0 = performance.now();
  box.click();
  return await waitFor(t0, () => shown([selector, layer]) === !before, timeoutMs, 'layer toggle');
}
"""
)

_IDLE = "() => !document.querySelector('[data-dash-is-loading=\"true\"]')"

#: The floor: draw (``newPlot``) or change to (``react``) the figure stored under ``key``,
#: parsed from its JSON text before the clock starts, as the page's ``dcc.Graph`` passes it.
_FLOOR = (
    """
async ([selector, key, rev, points, timeoutMs, first]) => {
  const drawn = """
    + _DRAWN
    + ";"
    + _WAIT
    + """
  const gd = document.querySelector(selector);
  const figure = JSON.parse(window.__floorFigures[key]);
  const spec = {data: figure.data, layout: figure.layout, frames: figure.frames,
                config: window.__floorConfig};
  const t0 = performance.now();
  const done = first ? Plotly.newPlot(gd, spec) : Plotly.react(gd, spec);
  const elapsed = await waitFor(t0, () => drawn([selector, rev, points]), timeoutMs, 'floor');
  await done;
  return elapsed;
}
"""
)

#: The map's ``config`` as the app's layout gives it to its ``dcc.Graph``.
_MAP_CONFIG = """
async (id) => {
  const layout = await (await fetch('/_dash-layout')).json();
  const stack = [layout];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) { stack.push(...node); continue; }
    if (!node || typeof node !== 'object') continue;
    if (node.props && node.props.id === id) return node.props.config || {};
    for (const value of Object.values(node)) {
      if (value && typeof value === 'object') stack.push(value);
    }
  }
  return {};
}
""".strip()

#: The plotly.js bundle the page loaded (dcc.Graph loads it on demand).
_PLOTLY_SRC = """
() => {
  const s = [...document.scripts].map((x) => x.src)
    .filter((src) => /\\/_dash-component-suites\\/.*plotly[^/]*\\.js/.test(src));
  return s.length ? s[s.length - 1] : null;
}
""".strip()

_MAP_SIZE = """
(selector) => {
  const g = document.querySelector(selector);
  const r = g.getBoundingClientRect();
  return [Math.round(r.width), Math.round(r.height)];
}
""".strip()


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def _stats(samples: Sequence[float]) -> dict[str, Any]:
    """n, median and p95 of a list (None for no samples)."""
    if not samples:
        return {"n": 0, "median": None, "p95": None}
    return {
        "n": len(samples),
        "median": statistics.median(samples),
        "p95": percentile(list(samples), 95),
    }


def _floor_html(plotly_src: str, width: int, height: int) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>plotly.js floor</title>"
        "<style>html,body{margin:0;padding:0}</style></head><body>"
        f"<div id='floor' style='width:{width}px;height:{height}px'></div>"
        f"<script src='{plotly_src}'></script></body></html>"
    )


class NetworkLog:
    """The page's HTTP(S) requests, grouped into the window of one change at a time."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.pending: set[Any] = set()
        self.window: list[Any] | None = None
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request: Any) -> None:
        if not request.url.startswith("http"):
            return  # blob: and data: URLs are no transfer
        self.pending.add(request)
        if self.window is not None:
            self.window.append(request)

    def _ended(self, request: Any) -> None:
        self.pending.discard(request)

    def open(self) -> None:
        self.window = []

    def settle(self, stop_at: float) -> None:
        """Wait (bounded) until every request of the window has finished."""
        end = min(stop_at, time.perf_counter() + NETWORK_SETTLE_S)
        while self.window and any(r in self.pending for r in self.window):
            if time.perf_counter() > end:
                break
            self.page.wait_for_timeout(50)

    def close(self) -> list[Any]:
        """The window's finished requests (one still running after :meth:`settle` is left out:
        its size is not known)."""
        requests, self.window = self.window or [], None
        return [r for r in requests if r not in self.pending]


def _transfer(requests: Sequence[Any]) -> dict[str, Any]:
    """Bytes on the wire of these requests' responses: bodies as transferred (compressed)."""
    total = largest = 0
    count = 0
    for request in requests:
        try:
            size = max(0, int(request.sizes()["responseBodySize"]))
        except Exception:  # a failed or aborted request has no sizes
            continue
        total += size
        largest = max(largest, size)
        count += 1
    return {"bytes": total, "largest": largest, "responses": count}


#: The figure the map draws, as JSON (assets/mapdata.js; typed arrays as {dtype, bdata}).
_DRAWN_FIGURE = "() => window.landfallFigureJSON ? window.landfallFigureJSON() : null"


def _new_state(search: str) -> dict[str, Any]:
    return {"search": search, "page_ms": [], "floor_ms": [], "bytes_per_change": [], "largest": []}


class _Run:
    """One browser session: the page's measurements, then the floor's (see the module doc)."""

    def __init__(
        self,
        page: Any,
        base_url: str,
        start_search: str,
        signatures: Mapping[str, Mapping[str, Any]],
        deadline: float,
        result: dict[str, Any],
    ) -> None:
        self.page = page
        self.net = NetworkLog(page)
        self.base_url = base_url
        self.start_search = start_search
        self.signatures = signatures
        self.deadline = deadline
        self.result = result
        #: The map figure of every state as the page drew it (JSON text), by search.
        self.figures: dict[str, str] = {}
        self.csp: str | None = None
        self.plotly_src: str | None = None
        self.size = (WIDTH, HEIGHT)

    def remaining_ms(self) -> float:
        """Milliseconds to the deadline: the bound of every wait (a stop of a phase only keeps
        a new change from starting; one that started may finish)."""
        return max(1000.0, (self.deadline - time.perf_counter()) * 1000.0)

    def settle(self) -> list[Any]:
        """Wait until the page is idle and the change's responses are in; those requests."""
        self.page.wait_for_function(_IDLE, timeout=self.remaining_ms())
        self.page.wait_for_timeout(SETTLE_MS)
        self.net.settle(self.deadline)
        return self.net.close()

    def keep_figure(self, search: str) -> None:
        """Copy the figure the page's map draws for ``search`` (once per state)."""
        if search in self.figures:
            return
        text = self.page.evaluate(_DRAWN_FIGURE)
        if not text:
            return
        layout = json.loads(text).get("layout") or {}
        if layout.get("uirevision") == self.signatures[search]["uirevision"]:
            self.figures[search] = text

    # -- the page -------------------------------------------------------------------------------

    def load(self) -> None:
        start = self.signatures[self.start_search]
        self.net.open()
        t0 = time.perf_counter()
        response = self.page.goto(
            self.base_url + "/" + self.start_search, timeout=self.remaining_ms()
        )
        self.page.wait_for_function(
            _DRAWN,
            arg=[MAP_SELECTOR, start["uirevision"], start["points"]],
            timeout=self.remaining_ms(),
        )
        self.result["page_load_to_map_s"] = time.perf_counter() - t0
        requests = self.settle()
        self.result["page_load_bytes"] = _transfer(requests)["bytes"]
        self.keep_figure(self.start_search)
        if response is not None:
            self.csp = response.headers.get("content-security-policy")
        self.plotly_src = self.page.evaluate(_PLOTLY_SRC)
        width, height = self.page.evaluate(_MAP_SIZE, MAP_SELECTOR)
        self.size = (int(width), int(height))
        self.result["map_size"] = [width, height]

    def change(self, search: str) -> dict[str, Any]:
        """One filter change on the page: milliseconds to repainted, bytes fetched."""
        sig = self.signatures[search]
        self.net.open()
        elapsed = self.page.evaluate(
            _CHANGE,
            [MAP_SELECTOR, search, sig["uirevision"], sig["points"], self.remaining_ms()],
        )
        requests = self.settle()
        self.keep_figure(search)
        return {"ms": float(elapsed), **_transfer(requests)}

    def state(self, label: str, search: str, stop: float, rounds: int = 1) -> bool:
        """``rounds`` times: default → ``search`` → default. False if stopped by ``stop``."""
        state = self.result["states"].setdefault(label, _new_state(search))
        for _ in range(rounds):
            for to in (search, self.start_search):
                if time.perf_counter() > stop:
                    return False
                sample = self.change(to)
                state["page_ms"].append(sample["ms"])
                state["bytes_per_change"].append(sample["bytes"])
                state["largest"].append(sample["largest"])
        return True

    def toggle(self) -> dict[str, Any]:
        """Switch :data:`TOGGLE_LAYER` off and on again with its checkbox (timed, bytes)."""
        toggle: dict[str, Any] = {
            "layer": TOGGLE_LAYER,
            "status": "ok",
            "off_ms": [],
            "on_ms": [],
            "off_bytes": [],
            "off_geometry_bytes": [],
            "off_largest": [],
            "on_bytes": [],
        }
        argument = [MAP_SELECTOR, TOGGLE_LAYER, LAYER_INPUT.format(layer=TOGGLE_LAYER)]
        if self.page.evaluate(_LAYER_SHOWN, argument[:2]) is not True:
            toggle["status"] = f"the default map draws no {TOGGLE_LAYER} layer"
            return toggle
        for key in ("off", "on"):
            self.net.open()
            elapsed = self.page.evaluate(_TOGGLE, [*argument, self.remaining_ms()])
            sizes = [_transfer([r])["bytes"] for r in self.settle()]
            toggle[f"{key}_ms"].append(float(elapsed))
            toggle[f"{key}_bytes"].append(sum(sizes))
            if key == "off":
                toggle["off_geometry_bytes"].append(sum(s for s in sizes if s > GEOMETRY_BYTES))
                toggle["off_largest"].append(max(sizes, default=0))
        return toggle

    # -- the floor ------------------------------------------------------------------------------

    def floor(self) -> dict[str, Any]:
        """Bare plotly.js on an empty page of the app's origin (see the module doc)."""
        floor: dict[str, Any] = {"status": "ok", "plotly_js": self.plotly_src}
        if self.plotly_src is None:
            floor["status"] = "error: no plotly.js script on the page"
            return floor
        if self.start_search not in self.figures:
            floor["status"] = "error: the page's default figure was not captured"
            return floor
        url = self.base_url + FLOOR_PATH
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if self.csp:
            headers["Content-Security-Policy"] = self.csp  # the page's own policy
        html = _floor_html(self.plotly_src, *self.size)

        def fulfil(route: Any) -> None:
            route.fulfill(status=200, headers=headers, body=html)

        self.page.route(url, fulfil)
        t0 = time.perf_counter()
        try:
            self.page.goto(url, timeout=self.remaining_ms())
        finally:
            self.page.unroute(url)  # no later request goes through the interception
        self.page.wait_for_function(
            "() => window.Plotly && typeof Plotly.react === 'function'",
            timeout=self.remaining_ms(),
        )
        floor["load_plotly_s"] = time.perf_counter() - t0
        config = self.page.evaluate(_MAP_CONFIG, MAP_ID)
        floor["config"] = config
        self.page.evaluate(
            "(config) => { window.__floorConfig = config; window.__floorFigures = {}; }", config
        )
        self._put(self.start_search)
        self.net.open()
        floor["first_newplot_ms"] = self._draw(self.start_search, True)
        self.net.settle(self.deadline)
        # What the map's sources (the /basemap GeoJSON) cost the floor: the page fetched them
        # first, so they normally come from the HTTP cache (no bytes on the wire).
        floor["first_newplot_bytes"] = _transfer(self.net.close())["bytes"]
        missing = []
        for label, state in self.result["states"].items():
            search = state["search"]
            if search not in self.figures:
                missing.append(label)
                continue
            self._put(search)
            # The page's changes of this state, in the same order (the first goes to it).
            for index in range(len(state["page_ms"])):
                if time.perf_counter() > self.deadline:
                    floor["status"] = "timeout"
                    return floor
                to = search if index % 2 == 0 else self.start_search
                state["floor_ms"].append(self._draw(to, False))
            if len(state["page_ms"]) % 2:
                self._draw(self.start_search, False)  # back to the default, not a sample
            self.page.evaluate("(k) => { delete window.__floorFigures[k]; }", search)
        if missing:
            floor["missing_figures"] = missing
        return floor

    def _put(self, search: str) -> None:
        self.page.evaluate(
            "([k, t]) => { window.__floorFigures[k] = t; }", [search, self.figures[search]]
        )

    def _draw(self, search: str, first: bool) -> float:
        sig = self.signatures[search]
        elapsed = self.page.evaluate(
            _FLOOR,
            [FLOOR_SELECTOR, search, sig["uirevision"], sig["points"], self.remaining_ms(), first],
        )
        self.page.wait_for_timeout(SETTLE_MS)
        return float(elapsed)


def _summarise(result: dict[str, Any]) -> None:
    """Medians and p95s per state and over every change (page, floor, bytes)."""
    page_all: list[float] = []
    page_paired: list[float] = []
    floor_all: list[float] = []
    bytes_all: list[float] = []
    for state in result["states"].values():
        state["page"] = _stats(state["page_ms"])
        state["floor"] = _stats(state["floor_ms"])
        state["bytes"] = _stats(state["bytes_per_change"])
        page, floor = state["page"]["median"], state["floor"]["median"]
        state["ratio"] = page / floor if page and floor else None
        page_all += state["page_ms"]
        # The floor draws the same changes as the page, in the same order.
        page_paired += state["page_ms"][: len(state["floor_ms"])]
        floor_all += state["floor_ms"]
        bytes_all += state["bytes_per_change"]
    result["page"] = _stats(page_all)
    result["page_paired"] = _stats(page_paired)
    result["floor"]["changes"] = _stats(floor_all)
    result["bytes_per_change"] = _stats(bytes_all)
    page, floor = result["page_paired"]["median"], result["floor"]["changes"]["median"]
    result["ratio_to_floor"] = page / floor if page and floor else None
    toggle = result.get("toggle")
    if toggle and "off_ms" in toggle:
        toggle["off"] = _stats(toggle["off_ms"])
        toggle["on"] = _stats(toggle["on_ms"])


def _failure(exc: Exception, deadline: float) -> str:
    """``"timeout"`` (past ``deadline``) or ``"error"``, with the exception's first line."""
    return ("timeout" if time.perf_counter() >= deadline else "error") + (
        ": " + str(exc).splitlines()[0][:300] if str(exc) else ""
    )


def _new_result(target_search: str, rounds: int) -> dict[str, Any]:
    """The result of :func:`measure_filter_change` before anything is measured."""
    return {
        "status": "ok",
        "target": target_search,
        "rounds": rounds,
        "samples_ms": [],
        "states": {},
        "floor": {"status": "not run"},
        "notes": [],
    }


def _measure_target(run: _Run, label: str, search: str, stop: float, rounds: int) -> None:
    """The browser's target change first (its samples are ``samples_ms``); then, if it was
    measured in full, the layer toggle and the default URL again."""
    from playwright.sync_api import Error as PlaywrightError

    result = run.result
    if not run.state(label, search, stop, rounds):
        result["status"] = "timeout"
    result["samples_ms"] = list(result["states"][label]["page_ms"])
    if result["status"] == "ok":
        try:
            result["toggle"] = run.toggle()
        except PlaywrightError as exc:
            result["toggle"] = {"layer": TOGGLE_LAYER, "status": _failure(exc, run.deadline)}
        run.change(run.start_search)  # the default URL again


def _measure_mix(run: _Run, others: Sequence[tuple[str, str]], stop: float) -> None:
    """Every other state of the mix once, until ``stop``; the states not (fully) measured go
    into the notes, and the states without a sample are dropped."""
    from playwright.sync_api import Error as PlaywrightError

    result = run.result
    skipped = []
    for label, search in others:
        if search not in run.signatures:
            skipped.append(f"{label} (no expected figure)")
            continue
        try:
            if result["status"] != "ok" or not run.state(label, search, stop):
                skipped.append(label)
        except PlaywrightError as exc:
            # One state that is not drawn as expected does not stop the others.
            skipped.append(f"{label} ({_failure(exc, run.deadline)})")
            try:
                run.change(run.start_search)
            except PlaywrightError as again:
                failure = _failure(again, run.deadline)
                skipped.append(f"the rest (default not drawn again: {failure})")
                break
    for label in [k for k, v in result["states"].items() if not v["page_ms"]]:
        del result["states"][label]
    if skipped:
        result["notes"].append(
            "page filter changes not (or not fully) measured within the time: " + ", ".join(skipped)
        )


def _measure_floor(run: _Run) -> None:
    """The plotly.js floor of the page's changes, if the page's were measured in full."""
    from playwright.sync_api import Error as PlaywrightError

    result = run.result
    if result["status"] != "ok":
        return
    try:
        result["floor"] = run.floor()
    except PlaywrightError as exc:
        result["floor"] = {"status": _failure(exc, run.deadline)}
    if result["floor"]["status"] != "ok":
        result["notes"].append(f"plotly.js floor: {result['floor']['status']}")


def measure_filter_change(
    base_url: str,
    start_search: str,
    target_search: str,
    signatures: Mapping[str, Mapping[str, Any]],
    iterations: int,
    deadline: float,
    mix: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The page's filter changes and layer toggle, and the plotly.js floor (see the module doc).

    ``signatures[search]`` is ``{"uirevision": store, "points": n}`` from the worker; states of
    ``mix`` (``(label, search)`` pairs) without one are skipped. ``target_search`` is changed to
    and back from ``start_search`` ``max(1, ceil(iterations / 2))`` times first (its samples are
    ``samples_ms``), then every other state of the mix once, as long as the time allows
    (:data:`PAGE_SHARE`). Stops at ``deadline`` (``time.perf_counter()``) with status
    ``"timeout"``; the floor keeps :data:`FLOOR_RESERVE` of the time for itself.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    rounds = max(1, (iterations + 1) // 2)
    labels = {search: label for label, search in mix}
    target_label = labels.get(target_search, target_search)
    others = [(label, s) for label, s in mix if s not in (start_search, target_search)]
    result = _new_result(target_search, rounds)
    began = time.perf_counter()
    total = max(1.0, deadline - began)
    target_stop = deadline - FLOOR_RESERVE * total
    mix_stop = began + PAGE_SHARE * total
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=CHROMIUM_ARGS,
                headless=True,
                timeout=min(60_000.0, max(1000.0, total * 1000.0)),
            )
            try:
                run = _Run(
                    browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}),
                    base_url,
                    start_search,
                    signatures,
                    deadline,
                    result,
                )
                run.load()
                _measure_target(run, target_label, target_search, target_stop, rounds)
                _measure_mix(run, others, mix_stop)
                _measure_floor(run)
            finally:
                browser.close()
    except PlaywrightError as exc:
        result["status"] = "timeout" if time.perf_counter() >= deadline else "error"
        result["error"] = str(exc).splitlines()[0][:300]
    samples = result["samples_ms"]
    result["median_ms"] = statistics.median(samples) if samples else None
    result["p95_ms"] = percentile(samples, 95) if samples else None
    _summarise(result)
    return result
