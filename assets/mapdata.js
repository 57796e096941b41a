/* The map's geometry crosses the wire once (services/map_pack.py).

   The server sends the map as a message: the layout, and per trace either a slot of the
   geometry pack with the runs of its elements to draw ([start, length, ...]) and its style, or
   the whole trace. The pack (every feature's coordinates, hover texts and ids, typed arrays
   and dictionaries) is fetched once from an immutable URL and kept. The message of a URL is
   asked for the moment the URL changes (GET /map-message, services/page_map.py), not after
   the page's callbacks. Switching a layer on or off or the theme redraws from the last
   message, in the browser: no request, no geometry. */
(function () {
  var TYPED = {
    f4: Float32Array,
    f8: Float64Array,
    i4: Int32Array,
    u2: Uint16Array,
    u4: Uint32Array,
  };
  var packs = {}; // url -> Promise of the decoded slots
  var loadedPacks = {}; // url -> the decoded slots, once here
  var cableLandings = []; // each cable's landing point keys, by the cable's position

  /* The landing point keys ("lp:<id>") of the cable at ``position`` (for the hover highlight). */
  window.landfallCableLandings = function (position) {
    return cableLandings[position] || [];
  };
  //: Arrays built per slot for recent runs: the same runs give the same arrays, so Plotly
  //: sees unchanged data as unchanged.
  var RECENT_RUNS = 6;

  function typed(spec) {
    var text = atob(spec.bdata);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return new TYPED[spec.dtype](bytes.buffer);
  }

  function decodeArray(spec) {
    if (spec.bdata !== undefined) return typed(spec);
    var index = typed(spec.index);
    var out = new Array(index.length);
    for (var i = 0; i < index.length; i++) out[i] = spec.dict[index[i]];
    return out;
  }

  function decodeSlot(slot) {
    var arrays = {};
    Object.keys(slot.arrays).forEach(function (name) {
      arrays[name] = decodeArray(slot.arrays[name]);
    });
    return { arrays: arrays, geojson: slot.geojson || null, made: {}, order: [] };
  }

  function loadPack(url) {
    if (!packs[url]) {
      packs[url] = fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("map geometry: HTTP " + response.status);
          return response.json();
        })
        .then(function (raw) {
          cableLandings = raw.cable_landings || [];
          loadedPacks[url] = raw.slots.map(decodeSlot);
          return loadedPacks[url];
        });
      packs[url].catch(function () {
        delete packs[url]; // a later message tries again
      });
    }
    return packs[url];
  }

  function take(values, runs, total) {
    var i;
    if (ArrayBuffer.isView(values)) {
      var out = new values.constructor(total);
      var at = 0;
      for (i = 0; i < runs.length; i += 2) {
        out.set(values.subarray(runs[i], runs[i] + runs[i + 1]), at);
        at += runs[i + 1];
      }
      return out;
    }
    var list = new Array(total);
    var k = 0;
    for (i = 0; i < runs.length; i += 2) {
      for (var j = runs[i]; j < runs[i] + runs[i + 1]; j++) list[k++] = values[j];
    }
    return list;
  }

  function slotArrays(slot, runs) {
    var key = runs.join(",");
    if (slot.made[key]) return slot.made[key];
    var total = 0;
    for (var i = 1; i < runs.length; i += 2) total += runs[i];
    var arrays = {};
    Object.keys(slot.arrays).forEach(function (name) {
      arrays[name] = take(slot.arrays[name], runs, total);
    });
    slot.order.push(key);
    if (slot.order.length > RECENT_RUNS) delete slot.made[slot.order.shift()];
    slot.made[key] = arrays;
    return arrays;
  }

  function buildTrace(entry, slots) {
    if (entry.trace) return Object.assign({}, entry.trace);
    var slot = slots[entry.slot];
    var trace = Object.assign({}, entry.style, slotArrays(slot, entry.runs));
    if (slot.geojson) trace.geojson = slot.geojson;
    return trace;
  }

  /* Each trace named by what it draws (its layer, its part of that layer, its rank there),
     not by its position: Plotly keeps a trace's MapLibre layers by this id. By position, a
     filter that drops one cable trace would hand the hover highlight (always empty, so never
     drawn) the id of the landing points' layers, and the next change, looking for layers of an
     id it had already emptied, fails with "Map error." and leaves the map as it was. */
  function withStableIds(traces) {
    var seen = {};
    return traces.map(function (trace) {
      var meta = trace.meta || {};
      var parts = [meta.layer, meta.selected ? "selected" : "", meta.labels ? "labels" : "", trace.name];
      // Letters, digits and dashes only: Plotly builds selectors and MapLibre ids from it.
      var kind = parts.filter(Boolean).join("-").replace(/[^A-Za-z0-9_-]+/g, "_") || "trace";
      seen[kind] = (seen[kind] || 0) + 1;
      return Object.assign({}, trace, { uid: kind + "-" + seen[kind] });
    });
  }

  /* The traces of the layers shown (analysis overlays and the selection always), the hover
     highlight only over cables, and an empty trace when nothing is left (without one Plotly
     draws empty axes instead of a map). */
  function shownTraces(traces, layerKeys, shown) {
    var keys = {};
    layerKeys.forEach(function (key) {
      keys[key] = true;
    });
    var on = {};
    (shown || []).forEach(function (key) {
      on[key] = true;
    });
    var kept = traces.filter(function (trace) {
      var layer = trace.meta && trace.meta.layer;
      if (layer === "hover-highlight") return !!on.cables;
      return !keys[layer] || !!on[layer];
    });
    kept = withStableIds(kept);
    var drawn = kept.some(function (trace) {
      return !(trace.meta && trace.meta.layer === "hover-highlight");
    });
    if (!drawn) {
      kept = [
        {
          type: "scattermap",
          lon: [],
          lat: [],
          mode: "lines",
          hoverinfo: "skip",
          name: "No layer shown",
          meta: { layer: "none" },
          showlegend: false,
        },
      ];
    }
    return kept;
  }

  /* The legend's text for the layers shown, from the lines the server wrote for every layer
     (figures/legend.py legend_parts); ``inView`` holds the count of each layer's features in
     the map's view where it differs from the layer's total. */
  function legendText(legend, shown, inView) {
    var lines = [];
    Object.keys(legend.layers).forEach(function (key) {
      var own = legend.layers[key];
      if ((shown || []).indexOf(key) < 0 || !own.length) return;
      var total = legend.counts[key];
      var suffix = "";
      if (total !== undefined) {
        var seen = inView ? inView[key] : undefined;
        suffix =
          seen !== undefined && seen !== total
            ? " (" + seen.toLocaleString("en-US") + " in view of " + total.toLocaleString("en-US") + ")"
            : " (" + total.toLocaleString("en-US") + ")";
      }
      lines = lines.concat([own[0] + suffix], folded() ? [] : own.slice(1));
    });
    lines = lines.concat(legend.overlays || []);
    // Clicking the legend folds it to one line per layer (and back): a small map keeps room.
    if (lines.length) lines.push(folded() ? "<i>▸ click for the key</i>" : "<i>▾ click to fold</i>");
    return lines.join("<br>");
  }

  var FOLD_KEY = "landfall-legend-folded";
  function folded() {
    try {
      return window.localStorage.getItem(FOLD_KEY) === "1";
    } catch (e) {
      return false;
    }
  }

  /* A click on the legend folds or unfolds it (remembered in this browser). */
  window.landfallToggleLegend = function (graph) {
    try {
      window.localStorage.setItem(FOLD_KEY, folded() ? "0" : "1");
    } catch (e) {
      return;
    }
    window.landfallLegendInView(graph, true);
  };

  function shownLayout(message, shown, traces) {
    var layout = Object.assign({}, message.layout);
    var bounds = plannedView(layout);
    var legend = layout.meta && layout.meta.legend; // figures/legend.py legend_parts
    if (!legend || !layout.annotations) return layout;
    // The legend counts what the view will show: no relayout after the draw to correct it.
    var text = legendText(legend, shown, bounds ? countTraces(traces, bounds) : null);
    layout.annotations = layout.annotations
      .map(function (note) {
        if (note.name !== "legend") return note;
        if (!text) return null;
        // On a phone the legend would cover a third of the map: it is left out there (the
        // layer list in the filters drawer shows the same swatches).
        var narrow = window.innerWidth <= (window.LANDFALL_NARROW_PX || 760);
        return Object.assign({}, note, { text: text, captureevents: true, visible: !narrow });
      })
      .filter(function (note) {
        return note !== null;
      });
    return layout;
  }

  /* The view the map will show once ``layout`` is drawn, written into it; its bounds (null
     before the map exists). A redraw of the same question (a layer switched, the legend's
     counts) keeps the view the map shows now: the user's moves and the page's own refit (which
     Plotly's layout does not record, so the server's centre would otherwise come back). A new
     question is drawn already fitted to the map's real size (assets/landfall.js
     landfallFittedView), so the refit after the draw does not move it. */
  function plannedView(layout) {
    var graph = document.querySelector("#map .js-plotly-plot");
    var full = graph && graph._fullLayout;
    var map = full && full.map && full.map._subplot && full.map._subplot.map;
    if (!map) return null;
    var canvas = map.getCanvas();
    var width = canvas.clientWidth, height = canvas.clientHeight;
    var view;
    if (full.uirevision === layout.uirevision) {
      var centre = map.getCenter();
      view = { lon: centre.lng, lat: centre.lat, zoom: map.getZoom() };
    } else {
      var fit = layout.meta && layout.meta.fit;
      var fitted = fit && fit.auto !== false && window.landfallFittedView;
      view = fitted ? window.landfallFittedView(fit, width, height) : null;
    }
    if (view) {
      layout.map = Object.assign({}, layout.map, {
        center: { lon: view.lon, lat: view.lat },
        zoom: view.zoom,
      });
    }
    var planned = layout.map || {};
    if (!planned.center || planned.zoom === undefined || !width || !height) return null;
    return viewBounds(planned.center.lon, planned.center.lat, planned.zoom, width, height);
  }

  function mercatorY(lat) {
    var clamped = Math.max(Math.min(lat, 85.05), -85.05);
    return Math.log(Math.tan(Math.PI / 4 + (clamped * Math.PI) / 360));
  }

  function latitudeOf(y) {
    return (2 * Math.atan(Math.exp(y)) - Math.PI / 2) * (180 / Math.PI);
  }

  /* The box a north-up Web Mercator map of 512-pixel tiles shows (MapLibre's getBounds). */
  function viewBounds(lon, lat, zoom, width, height) {
    var world = 512 * Math.pow(2, zoom);
    var halfLon = (width / world) * 180;
    var halfY = (height / world) * Math.PI;
    var y = mercatorY(lat);
    return {
      west: lon - halfLon,
      east: lon + halfLon,
      south: latitudeOf(y - halfY),
      north: latitudeOf(y + halfY),
    };
  }

  /* How many features of each point or line layer of ``traces`` have a vertex in ``bounds``
     (polygon layers keep their totals). */
  function countTraces(traces, bounds) {
    var west = bounds.west, east = bounds.east, south = bounds.south, north = bounds.north;
    var wide = east - west >= 360;
    var seen = {};
    (traces || []).forEach(function (trace) {
      var meta = trace.meta || {};
      if (!meta.layer || meta.selected || meta.labels || !trace.lon || !trace.customdata) return;
      if (trace.type !== "scattermap") return;
      var ids = seen[meta.layer] || (seen[meta.layer] = new Set());
      for (var i = 0; i < trace.lon.length; i++) {
        var lon = trace.lon[i], lat = trace.lat[i];
        if (!isFinite(lon) || !isFinite(lat) || lat < south || lat > north) continue;
        var x = ((((lon - west) % 360) + 360) % 360) + west;
        if (wide || x <= east) ids.add(trace.customdata[i]);
      }
    });
    var counts = {};
    Object.keys(seen).forEach(function (key) {
      counts[key] = seen[key].size;
    });
    return counts;
  }

  function countInView(graph) {
    var b = graph._fullLayout.map._subplot.map.getBounds();
    var bounds = { west: b.getWest(), east: b.getEast(), south: b.getSouth(), north: b.getNorth() };
    return countTraces(graph._fullData, bounds);
  }

  /* After each draw and each move: the legend's counts follow the view. The relayout carries
     the view the map shows, so that Plotly's layout and the graph's figure (which dcc.Graph
     copies from a relayout) record the page's own refit; mapMoved() lets it pass. */
  window.landfallLegendInView = function (graph, force) {
    var full = graph && graph._fullLayout;
    var legend = full && full.meta && full.meta.legend;
    if (!legend || !full.map || !full.map._subplot) return;
    var notes = full.annotations || [];
    var index = -1;
    notes.forEach(function (note, i) {
      if (note.name === "legend") index = i;
    });
    if (index < 0 || notes[index].visible === false) return;
    var shown = [];
    (graph._fullData || []).forEach(function (trace) {
      var layer = trace.meta && trace.meta.layer;
      if (layer && legend.layers[layer] && shown.indexOf(layer) < 0) shown.push(layer);
    });
    var text = legendText(legend, shown, countInView(graph));
    if (!text || (text === notes[index].text && !force)) return;
    var map = full.map._subplot.map;
    var centre = map.getCenter();
    var view = { lon: centre.lng, lat: centre.lat, zoom: map.getZoom() };
    window.landfallOwnView(view);
    var update = { "map.center": { lon: view.lon, lat: view.lat }, "map.zoom": view.zoom };
    update["annotations[" + index + "].text"] = text;
    window.Plotly.relayout(graph, update).then(function () {
      // The legend was drawn anew: on a phone it stays hidden (assets/landfall.js).
      if (window.landfallNarrowLegend) window.landfallNarrowLegend(graph);
    });
  };

  function figureOf(message, shown, slots) {
    var traces = message.traces.map(function (entry) {
      return buildTrace(entry, slots);
    });
    var data = shownTraces(traces, message.layers || [], shown);
    return { data: data, layout: shownLayout(message, shown, data) };
  }

  function draw(message, shown) {
    return loadPack(message.pack).then(function (slots) {
      return figureOf(message, shown, slots);
    });
  }

  /* The drawn figure as JSON, typed arrays in Plotly's {dtype, bdata} form (the benchmark's
     floor draws the page's own figures with bare plotly.js). */
  window.landfallFigureJSON = function () {
    var graph = document.querySelector("#map .js-plotly-plot");
    if (!graph || !graph.data) return null;
    var codes = { Float32Array: "f4", Float64Array: "f8", Int32Array: "i4", Uint16Array: "u2", Uint32Array: "u4" };
    return JSON.stringify({ data: graph.data, layout: graph.layout }, function (key, value) {
      if (value && ArrayBuffer.isView(value) && codes[value.constructor.name]) {
        var bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
        var text = "";
        for (var i = 0; i < bytes.length; i += 0x8000) {
          text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
        }
        return { dtype: codes[value.constructor.name], bdata: btoa(text) };
      }
      return value;
    });
  };

  /* -- The map of a URL search (services/page_map.py, GET MESSAGE_PATH) ---------------------

     The page's map is a pure function of its URL search, so it is asked for the moment the URL
     changes (a link, back and forward, the page's own sync writing a control's change), beside
     the page's callbacks instead of after them, and drawn as soon as it is here. The render
     callback's answer names the same map (a stub with its URL), for the first draw and as a
     check; whichever comes first draws it, the other finds it drawn. */
  var MESSAGE_PATH = "/map-message"; // services/page_map.py MESSAGE_PATH
  var KEPT_ANSWERS = 16;
  var answers = {}; // fetch key -> Promise of {key, lod, shown, themes}
  var settled = {}; // fetch key -> the answer, once here
  var answerOrder = [];
  var lastAnswer = null; // the answer last drawn
  var lastDrawn = null; // what was last drawn: answer key, theme, layers
  var followed = null; // the map key of the URL the page shows now

  /* The parts of ``search`` the map's answer depends on: everything but the map view, unless
     the map is drawn by level of detail (then its view decides what is drawn); ``layers`` also
     drops the layers (they only pick what to show of the answer). */
  function searchKey(search, layers) {
    var lod = lastAnswer && lastAnswer.lod;
    var kept = (search || "")
      .replace(/^\?/, "")
      .split("&")
      .filter(function (part) {
        if (!part || (!lod && part.indexOf("view=") === 0)) return false;
        return layers || part.indexOf("layers=") !== 0;
      });
    return "?" + kept.join("&");
  }

  function fetchKey(search) {
    return searchKey(search, true);
  }

  function mapKey(search) {
    return searchKey(search, false);
  }

  function answerFor(search) {
    var key = fetchKey(search);
    if (!answers[key]) {
      var asked = fetch(MESSAGE_PATH + (search || ""), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("map: HTTP " + response.status);
          return response.json();
        })
        .then(function (answer) {
          if (answers[key] === asked) settled[key] = answer;
          return answer;
        });
      answers[key] = asked;
      asked.catch(function () {
        delete answers[key]; // asked again next time
      });
      answerOrder.push(key);
      if (answerOrder.length > KEPT_ANSWERS) {
        var oldest = answerOrder.shift();
        delete answers[oldest];
        delete settled[oldest];
      }
    }
    return answers[key];
  }

  function forget(search) {
    delete answers[fetchKey(search)];
    delete settled[fetchKey(search)];
  }

  /* The page's theme: the one applied, else (the page is still starting) the one kept in this
     browser by the theme store (a dcc.Store in local storage, components/layout.py). */
  function themeNow() {
    var applied = document.documentElement.getAttribute("data-theme");
    if (applied) return applied;
    try {
      return JSON.parse(window.localStorage.getItem("theme-store") || "null");
    } catch (e) {
      return null;
    }
  }

  function themeName(theme) {
    return theme === "dark" ? "dark" : "light";
  }

  /* What a figure shows: the answer, the theme and the layers. */
  function drawnKey(answer, shown, theme) {
    return [answer.key, themeName(theme), (shown || []).slice().sort().join(",")].join("|");
  }

  /* The figure of ``answer`` with the ``shown`` layers in ``theme``; no_update when that is
     what the map shows already, or when a later draw overtook this one. */
  function drawAnswer(answer, shown, theme) {
    var drawn = drawnKey(answer, shown, theme);
    if (drawn === lastDrawn) return Promise.resolve(window.dash_clientside.no_update);
    lastDrawn = drawn;
    lastAnswer = answer;
    return draw(answer.themes[themeName(theme)], shown).then(function (figure) {
      return lastDrawn === drawn ? figure : window.dash_clientside.no_update;
    });
  }

  /* The figure of ``answer`` made at once, when its geometry is here (else null); no_update
     when the map shows it already. */
  function drawAnswerNow(answer, shown, theme) {
    var message = answer.themes[themeName(theme)];
    var slots = loadedPacks[message.pack];
    if (!slots) return null;
    var drawn = drawnKey(answer, shown, theme);
    if (drawn === lastDrawn) return window.dash_clientside.no_update;
    lastDrawn = drawn;
    lastAnswer = answer;
    return figureOf(message, shown, slots);
  }

  /* -- The map first -------------------------------------------------------------------------

     A URL changed by a link, back or forward reaches the page's callbacks through one event
     (dcc.Location listens to it). Their work (the controls, the panels: hundreds of store
     updates in the Dash renderer) runs on the same thread as the map's redraw and made it
     twice as slow. So while the map of the new URL is being drawn, that event is held, and
     given to the page once the map is repainted (or after HOLD_MS at most): the map answers
     first, the panels follow. */
  var HOLD_MS = 800;
  var HELD_EVENTS = ["_dashprivate_pushstate", "popstate"];
  var held = {}; // event type -> true while held
  var holding = null; // the map key being drawn while events are held
  var holdTimer = null;

  function release() {
    holding = null;
    clearTimeout(holdTimer);
    Object.keys(held).forEach(function (type) {
      delete held[type];
      var again = type === "popstate" ? new PopStateEvent(type, { state: window.history.state }) : new CustomEvent(type);
      again.landfallReleased = true;
      window.dispatchEvent(again);
    });
  }

  function holdFor(key) {
    holding = key;
    clearTimeout(holdTimer);
    holdTimer = setTimeout(release, HOLD_MS);
  }

  /* Call ``done`` once MapLibre has rendered what it was given and is idle (no frame or tile
     left to draw). The repaint asked for makes sure a render comes (and "idle" after it) when
     the figure changed nothing MapLibre draws; it joins the frame already asked for if any. */
  function whenIdle(done) {
    requestAnimationFrame(function () {
      var graph = graphUp();
      var full = graph && graph._fullLayout;
      var map = full && full.map && full.map._subplot && full.map._subplot.map;
      if (!map) return done();
      map.once("idle", done);
      map.triggerRepaint();
    });
  }

  /* The map of ``key`` is drawn (``painted``: something new was): the page hears of the URL
     change once it is on the screen. */
  function drawnFor(key, painted) {
    if (holding !== key) return;
    if (!painted) return release();
    whenIdle(function () {
      if (holding === key) release();
    });
  }

  /* -- Painting ---------------------------------------------------------------------------

     Once the map's graph has drawn a figure of ours, every later figure is drawn on it with
     Plotly.react here, not given to its dcc.Graph as a new figure property. That way the Dash
     renderer (a store update that every component on the page re-checks) no longer runs
     before each repaint, and Plotly no longer sends every trace to MapLibre again: dcc.Graph
     hands Plotly a copy of the layout, whose new objects Plotly takes as a new map (9 setData
     calls and ~450 ms for an unchanged figure).

     dcc.Graph must still know the figure drawn: on every relayout (a pan, the legend's counts)
     it copies its figure property with the new view and draws that copy. So the figure it
     holds (its property, the object in the Dash store) is brought up to date in place: a new
     property value would make dcc.Graph draw it again. */
  function graphUp() {
    var graph = document.querySelector("#map .js-plotly-plot");
    return graph && graph._fullLayout && window.Plotly ? graph : null;
  }

  /* The figure object dcc.Graph holds for the map, or null before it holds one of ours. */
  function heldFigure() {
    var api = window.dash_component_api;
    var node = api && api.getLayout ? api.getLayout("map") : null;
    var figure = node && node.props && node.props.figure;
    return figure && typeof figure === "object" && figure.layout && figure.layout.meta ? figure : null;
  }

  /* Draw ``figure`` (no_update: nothing to draw): on the graph, or through dcc.Graph until it
     has drawn a figure of ours. True when something was drawn. */
  function show(figure) {
    if (figure === window.dash_clientside.no_update) return false;
    if (!paint(figure)) window.dash_clientside.set_props("map", { figure: figure });
    return true;
  }

  /* Draw ``figure`` on the graph; false when the graph has not drawn a figure of ours yet
     (dcc.Graph then draws it and holds it). */
  function paint(figure) {
    var graph = graphUp();
    var held = graph ? heldFigure() : null;
    if (!held) return false;
    held.data = figure.data;
    held.layout = figure.layout;
    // One draw at a time, as dcc.Graph queues its own (a draw that changes the map's style
    // waits for MapLibre to load it; another draw meanwhile would fail): a figure that comes
    // while one is drawn waits, and only the last one waiting is drawn.
    waiting = figure;
    if (!painting) drawNext();
    return true;
  }

  var painting = false; // a draw is under way (ours, or dcc.Graph's own)
  var waiting = null; // the figure to draw next
  var PENDING_POLL_MS = 30;
  var DRAW_GIVE_UP_MS = 5000;

  function drawNext() {
    var graph = graphUp();
    var figure = waiting;
    if (!graph || !figure) {
      painting = false;
      return;
    }
    painting = true;
    if (graph.classList.contains("dash-graph--pending")) {
      setTimeout(drawNext, PENDING_POLL_MS); // dcc.Graph is drawing a figure of its own
      return;
    }
    waiting = null;
    var finished = false;
    var after = function () {
      if (finished) return;
      finished = true;
      clearTimeout(guard);
      painting = false;
      if (waiting) drawNext();
    };
    // A draw that never ends (a map error) must not hold every later one.
    var guard = setTimeout(after, DRAW_GIVE_UP_MS);
    Promise.resolve(window.Plotly.react(graph, figure.data, figure.layout)).then(after, after);
    // What a new figure of the graph triggers (components/callbacks.py watchMap): the refit.
    var own = window.dash_clientside.landfall;
    if (own && own.watchMap) own.watchMap(figure);
  }

  HELD_EVENTS.forEach(function (type) {
    // Capturing listeners on the window run before dcc.Location's (registered later, not
    // capturing), so the event can be held before the page's callbacks see it.
    window.addEventListener(
      type,
      function (event) {
        if (event.landfallReleased) return;
        if (type === "popstate") followUrl();
        if (holding === null) return;
        event.stopImmediatePropagation();
        held[type] = true;
      },
      true
    );
  });

  /* The URL changed: ask for its map and draw it. On the page's first load the map waits
     for the page to be up (its graph drawn once), with the geometry already on its way. */
  var PAGE_UP_TRIES = 400; // every 50 ms: 20 s
  function followUrl() {
    var search = window.location.search;
    // A change of layers alone is drawn from the layer switches (drawMap), with no request.
    var key = mapKey(search);
    if (key === followed) return;
    followed = key;
    if (graphUp()) holdFor(key);
    else if (holding !== null) release();
    // A map already asked for (back and forth between views) is drawn in this very task: its
    // first frame is the next one.
    var known = settled[fetchKey(search)];
    var canSet = window.dash_clientside && window.dash_clientside.set_props;
    var now = known && graphUp() && canSet ? drawAnswerNow(known, known.shown, themeNow()) : null;
    if (now) {
      drawnFor(key, show(now));
      return;
    }
    answerFor(search).then(function (answer) {
      loadPack(answer.themes.light.pack);
      var tries = 0;
      var attempt = function () {
        if (followed !== key) return;
        var graph = document.querySelector("#map .js-plotly-plot");
        var setProps = window.dash_clientside && window.dash_clientside.set_props;
        if (!graph || !graph._fullLayout || !setProps) {
          if (tries++ < PAGE_UP_TRIES) setTimeout(attempt, 50);
          return;
        }
        drawAnswer(answer, answer.shown, themeNow()).then(function (figure) {
          drawnFor(key, show(figure));
        });
      };
      attempt();
    }, function () {
      if (holding === key) release(); // no map for this URL: the page's callbacks say why
    });
  }

  ["pushState", "replaceState"].forEach(function (name) {
    var original = window.history[name];
    window.history[name] = function () {
      var result = original.apply(this, arguments);
      try {
        followUrl();
      } catch (e) {
        // The page's callbacks still draw the map.
      }
      return result;
    };
  });

  /* A layer switched on or off is drawn at once from the answer the map shows, before the
     page's callbacks hear of the switch (drawMap then finds it drawn): the window's capturing
     listener runs before React's, which hands the switch to the Dash renderer. */
  window.addEventListener(
    "change",
    function (event) {
      var box = event.target;
      var list = box && box.closest ? box.closest("#layers") : null;
      var setProps = window.dash_clientside && window.dash_clientside.set_props;
      if (!list || !lastAnswer || !setProps) return;
      var shown = [];
      list.querySelectorAll("input[type=checkbox]").forEach(function (input) {
        if (input.checked) shown.push(input.value);
      });
      var now = drawAnswerNow(lastAnswer, shown, themeNow());
      if (now) {
        show(now);
        return;
      }
      drawAnswer(lastAnswer, shown, themeNow()).then(show);
    },
    true
  );
  followUrl();

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    landfallMap: {
      drawMap: function (stub, shown, theme) {
        // The render callback names the map of its state (services/page_map.py message_stub);
        // theme and layers are switched here, from the answer already in the browser.
        if (!stub || !stub.url) return window.dash_clientside.no_update;
        var at = stub.url.indexOf("?");
        var search = at >= 0 ? stub.url.slice(at) : "";
        // The URL has moved on since that render: the map of the new URL is on its way.
        if (mapKey(search) !== mapKey(window.location.search)) {
          return window.dash_clientside.no_update;
        }
        var drawn = function (figure) {
          // Drawn here once the graph is up (see paint); dcc.Graph draws the first figure.
          return figure !== window.dash_clientside.no_update && paint(figure)
            ? window.dash_clientside.no_update
            : figure;
        };
        return answerFor(search).then(function (answer) {
          // Asked before the map was known to depend on the view: ask for this view's map.
          if (answer.key !== stub.key) {
            forget(search);
            return answerFor(search).then(function (fresh) {
              return drawAnswer(fresh, shown, theme).then(drawn);
            });
          }
          return drawAnswer(answer, shown, theme).then(drawn);
        });
      },
      renderKey: function (store) {
        // What the server's views depend on: the selection without its layers (switching a
        // layer redraws the map here, from the last message, and asks the server nothing).
        var query = (store || "").split("#")[0].replace(/^\?/, "");
        var kept = query.split("&").filter(function (part) {
          return part && part.indexOf("layers=") !== 0;
        });
        var key = "?" + kept.join("&") + (store && store.indexOf("#") >= 0 ? store.slice(store.indexOf("#")) : "");
        if (window.__landfallRenderKey === key) return window.dash_clientside.no_update;
        window.__landfallRenderKey = key;
        return key;
      },
    },
  });
})();
