/* Clientside callbacks: pure presentation changes that need no server round trip. */

/* The server fits the map's view for a typical map size; the page knows the real one. The map
   figure carries the box it frames (layout.meta.fit: box [west, south, east, north], the
   details panel's width, a revision); after each new revision is drawn, the view is refitted
   to the canvas as it is. Moves made here are not the user's: mapMoved() lets them pass. */
var LANDFALL_MAP = "#map .js-plotly-plot";
var LANDFALL_NARROW_PX = 760; // below this the details panel is under the map (style.css)
window.LANDFALL_NARROW_PX = LANDFALL_NARROW_PX;

function landfallMercatorY(lat) {
  var clamped = Math.max(Math.min(lat, 85), -85);
  return Math.log(Math.tan(Math.PI / 4 + (clamped * Math.PI) / 360));
}

/* Views the page itself sets (a fit, a redraw that keeps the view): their relayout events are
   not the user's moves. Several can be in flight at once, so each is remembered until its
   event has been seen. */
function landfallOwnView(view) {
  var own = (window.__landfallOwnViews = window.__landfallOwnViews || []);
  own.push(view);
  if (own.length > 8) own.shift();
}
window.landfallOwnView = landfallOwnView;

/* The view that frames ``fit``'s box on a canvas of ``width`` × ``height`` pixels (the
   details panel's width kept free on a wide screen); null without a box or a size. */
function landfallFittedView(fit, width, height) {
  if (!fit || !fit.box || !width || !height) return null;
  var panel = fit.panel && window.innerWidth > LANDFALL_NARROW_PX ? fit.panel : 0;
  var west = fit.box[0], south = fit.box[1], east = fit.box[2], north = fit.box[3];
  var lonSpan = Math.max(east - west, 0.05);
  var ySpan = Math.max(landfallMercatorY(north) - landfallMercatorY(south), 0.001);
  var usable = Math.max(width - panel, 200);
  var zoomX = Math.log2((usable * 360) / (512 * lonSpan));
  var zoomY = Math.log2((height * 2 * Math.PI) / (512 * ySpan));
  var zoom = Math.min(Math.max(Math.min(zoomX, zoomY) - 0.35, 1), 9);
  var centreY = (landfallMercatorY(north) + landfallMercatorY(south)) / 2;
  var lat = (2 * Math.atan(Math.exp(centreY)) - Math.PI / 2) * (180 / Math.PI);
  var lon = (west + east) / 2 + ((panel / 2) * 360) / (512 * Math.pow(2, zoom));
  return { lon: lon, lat: lat, zoom: zoom };
}
window.landfallFittedView = landfallFittedView;

function landfallFitView(graph, force) {
  var full = graph && graph._fullLayout;
  var fit = full && full.meta && full.meta.fit;
  if (!fit || !fit.box || !full.map || !full.map._subplot) return;
  // Under the user's own view (auto: false) the box waits for "Fit to selection" (force).
  if (!force && (fit.auto === false || graph.__landfallFitRev === fit.rev)) return;
  var canvas = full.map._subplot.map.getCanvas();
  var view = landfallFittedView(fit, canvas.clientWidth, canvas.clientHeight);
  if (!view) return;
  graph.__landfallFitRev = fit.rev;
  landfallApplyView(graph, view);
  graph.__landfallFitted = { lon: view.lon, lat: view.lat, zoom: view.zoom, rev: fit.rev };
}

/* Move the map to ``view`` as the page's own move, and record it in the figure the page holds:
   a later redraw of it (dcc.Graph redraws its figure on a resize or a restyle) must not bring
   back the server's guess. */
function landfallApplyView(graph, view) {
  var full = graph._fullLayout;
  landfallOwnView(view);
  full.map._subplot.map.jumpTo({ center: [view.lon, view.lat], zoom: view.zoom });
  if (graph.layout && graph.layout.map) {
    graph.layout.map.center = { lon: view.lon, lat: view.lat };
    graph.layout.map.zoom = view.zoom;
  }
  full.map.center = { lon: view.lon, lat: view.lat };
  full.map.zoom = view.zoom;
}

/* A redraw that was already under way when the view was fitted ends by setting the view its
   layout had (the server's guess): put the fitted view back, unless the user has moved the
   map since (then the user's view wins, as always). */
function landfallKeepFit(graph) {
  var full = graph._fullLayout;
  var fit = full && full.meta && full.meta.fit;
  var fitted = graph.__landfallFitted;
  if (!fit || fit.auto === false || !fitted || fitted.rev !== fit.rev) return;
  if (graph.__landfallUserMoved === fit.rev || !full.map || !full.map._subplot) return;
  var map = full.map._subplot.map;
  var centre = map.getCenter();
  var off =
    Math.abs(map.getZoom() - fitted.zoom) > 0.01 ||
    Math.abs(centre.lng - fitted.lon) > 1e-4 ||
    Math.abs(centre.lat - fitted.lat) > 1e-4;
  if (!off) return;
  landfallApplyView(graph, { lon: fitted.lon, lat: fitted.lat, zoom: fitted.zoom });
}

function landfallWatchMap() {
  var graph = document.querySelector(LANDFALL_MAP);
  if (!graph || !graph.on) return false;
  if (!graph.__landfallWatched) {
    graph.__landfallWatched = true;
    graph.on("plotly_hover", function (event) {
      landfallHighlightCable(graph, event);
    });
    graph.on("plotly_unhover", function () {
      landfallHighlightCable(graph, null);
    });
    graph.on("plotly_clickannotation", function (event) {
      if (event && event.annotation && event.annotation.name === "legend") {
        window.landfallToggleLegend(graph);
      }
    });
    graph.on("plotly_afterplot", function () {
      landfallHighlightRedrawn(graph);
      landfallFitView(graph);
      landfallKeepFit(graph);
      landfallTouchGestures(graph);
      landfallNarrowLegend(graph);
      landfallWatchMoves(graph);
    });
  }
  landfallWatchMoves(graph);
  landfallFitView(graph);
  landfallTouchGestures(graph);
  landfallNarrowLegend(graph);
  return true;
}

/* Hovering a cable line draws its whole route on top (the empty "hover-highlight" trace of the
   map figure), from the vertices already in the browser: every vertex of a cable line carries
   the cable's position in its customdata. */
function landfallHighlightCable(graph, event) {
  var data = graph._fullData || [];
  var target = -1;
  for (var i = 0; i < data.length; i++) {
    if (data[i].meta && data[i].meta.layer === "hover-highlight") target = i;
  }
  if (target < 0) return;
  var point = event && event.points && event.points[0];
  var trace = point && data[point.curveNumber];
  var wanted = null;
  if (trace && trace.meta && trace.meta.layer === "cables" && trace.customdata) {
    wanted = trace.customdata[point.pointNumber];
  }
  var lon = [], lat = [];
  if (wanted !== null && wanted !== undefined) {
    data.forEach(function (line) {
      var meta = line.meta || {};
      if (meta.layer !== "cables" || meta.labels || meta.selected || !line.customdata) return;
      var previous = false;
      for (var j = 0; j < line.customdata.length; j++) {
        var inside = line.customdata[j] === wanted && isFinite(line.lon[j]);
        if (inside) {
          lon.push(line.lon[j]);
          lat.push(line.lat[j]);
        } else if (previous) {
          lon.push(null);
          lat.push(null);
        }
        previous = inside;
      }
    });
  }
  var key = lon.length ? wanted : null;
  if (graph.__landfallHovered === key) return;
  graph.__landfallHovered = key;
  // Straight into the MapLibre source Plotly made for the (empty) highlight trace: a
  // Plotly.restyle would redraw the figure under the pointer and lose the click that follows.
  var map = graph._fullLayout.map._subplot.map;
  var uid = data[target].uid;
  var source = map.getSource("source-" + uid + "-line");
  var layer = "plotly-trace-layer-" + uid + "-line";
  if (!source || !map.getLayer(layer)) return;
  var lines = [], run = [];
  for (var k = 0; k <= lon.length; k++) {
    if (k === lon.length || lon[k] === null) {
      if (run.length > 1) lines.push(run);
      run = [];
    } else {
      run.push([lon[k], lat[k]]);
    }
  }
  source.setData({ type: "Feature", properties: {}, geometry: { type: "MultiLineString", coordinates: lines } });
  graph.__landfallHighlightSource = source;
  var style = data[target].line || {};
  map.setPaintProperty(layer, "line-width", style.width || 4);
  if (style.color) map.setPaintProperty(layer, "line-color", style.color);
  map.setLayoutProperty(layer, "visibility", lines.length ? "visible" : "none");
  landfallHighlightLandings(graph, map, data[target], lines.length ? wanted : null);
}

/* The landing points of the hovered cable (those drawn), as rings on the highlight's markers. */
function landfallHighlightLandings(graph, map, trace, cable) {
  var source = map.getSource("source-" + trace.uid + "-circle");
  var layer = "plotly-trace-layer-" + trace.uid + "-circle";
  if (!source || !map.getLayer(layer)) return;
  var keys = {};
  if (cable !== null && window.landfallCableLandings) {
    window.landfallCableLandings(cable).forEach(function (key) {
      keys[key] = true;
    });
  }
  var points = [];
  (graph._fullData || []).forEach(function (t) {
    if (!t.meta || t.meta.layer !== "landing_points" || !t.customdata) return;
    for (var i = 0; i < t.customdata.length; i++) {
      if (keys[t.customdata[i]]) points.push([t.lon[i], t.lat[i]]);
    }
  });
  source.setData({ type: "Feature", properties: {}, geometry: { type: "MultiPoint", coordinates: points } });
  var marker = trace.marker || {};
  map.setPaintProperty(layer, "circle-radius", (marker.size || 11) / 2);
  map.setPaintProperty(layer, "circle-color", "rgba(0,0,0,0)");
  map.setPaintProperty(layer, "circle-stroke-width", 2.5);
  if (marker.color) map.setPaintProperty(layer, "circle-stroke-color", marker.color);
  map.setPaintProperty(layer, "circle-opacity", 1);
  map.setLayoutProperty(layer, "visibility", points.length ? "visible" : "none");
  graph.__landfallHighlightedLandings = points.length;
}

/* The legend counts what is in view: recounted once a move ends and after each draw (the
   MapLibre map is made anew when Plotly redraws it from scratch, so the hook is checked each
   time). */
function landfallWatchMoves(graph) {
  var full = graph._fullLayout;
  var map = full && full.map && full.map._subplot && full.map._subplot.map;
  if (!map || !window.landfallLegendInView) return;
  if (map.__landfallMoves !== true) {
    map.__landfallMoves = true;
    map.on("moveend", function () {
      landfallScheduleLegend(graph);
    });
    map.on("movestart", function (event) {
      // A drag, a wheel or a pinch (not the page's own jumpTo) makes the view the user's.
      var fit = graph._fullLayout && graph._fullLayout.meta && graph._fullLayout.meta.fit;
      if (event && event.originalEvent && fit) graph.__landfallUserMoved = fit.rev;
    });
  }
  landfallScheduleLegend(graph);
}

/* After Plotly has recorded the move in its layout (its own moveend handler): a relayout
   before that would put the map back where the layout last said. */
function landfallScheduleLegend(graph) {
  clearTimeout(graph.__landfallLegendTimer);
  graph.__landfallLegendTimer = setTimeout(function () {
    window.landfallLegendInView(graph);
  }, 150);
}

/* A redraw that made the highlight's MapLibre source anew (a new trace, a new map) emptied it:
   the next hover draws it again. A redraw that kept it (the legend's counts) keeps it. */
function landfallHighlightRedrawn(graph) {
  var kept = graph.__landfallHighlightSource;
  if (!kept) return;
  var full = graph._fullLayout;
  var map = full && full.map && full.map._subplot && full.map._subplot.map;
  var data = graph._fullData || [];
  var trace = data.find(function (t) {
    return t.meta && t.meta.layer === "hover-highlight";
  });
  if (!map || !trace || map.getSource("source-" + trace.uid + "-line") !== kept) {
    graph.__landfallHovered = null;
    graph.__landfallHighlightSource = null;
  }
}

/* On a phone the map's legend would cover a third of the map: it is hidden there (the layer
   list in the filters drawer shows the same swatches). */
function landfallNarrowLegend(graph) {
  var notes = (graph._fullLayout && graph._fullLayout.annotations) || [];
  var narrow = window.innerWidth <= LANDFALL_NARROW_PX;
  notes.forEach(function (note, index) {
    if (note.name !== "legend") return;
    var node = graph.querySelector('.annotation[data-index="' + index + '"]');
    if (node) node.style.display = narrow ? "none" : "";
  });
}

window.landfallNarrowLegend = landfallNarrowLegend;

/* On a touch screen one finger scrolls the page and two move the map (MapLibre's cooperative
   gestures): the map no longer swallows the page's scroll. */
function landfallTouchGestures(graph) {
  var full = graph._fullLayout;
  var map = full && full.map && full.map._subplot && full.map._subplot.map;
  if (!map || !map.cooperativeGestures || graph.__landfallGestures) return;
  if (!window.matchMedia || !window.matchMedia("(pointer: coarse)").matches) return;
  graph.__landfallGestures = true;
  map.cooperativeGestures.enable();
}
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  landfall: {
    toggleTheme: function (nClicks, current) {
      return current === "dark" ? "light" : "dark";
    },
    applyTheme: function (theme) {
      var name = theme === "dark" ? "dark" : "light";
      document.documentElement.setAttribute("data-theme", name);
      document.body.setAttribute("data-ag-theme-mode", name);
      return name === "dark" ? "Light theme" : "Dark theme";
    },
    toggleFilters: function (toggleClicks, doneClicks, current) {
      // The menu button opens or closes the drawer; "Show results" closes it.
      var base = (current || "panel").replace(/\s*open/g, "");
      var ctx = window.dash_clientside.callback_context;
      var fired = ctx && ctx.triggered && ctx.triggered[0] ? ctx.triggered[0].prop_id : "";
      if (fired.indexOf("filters-done") === 0) {
        window.scrollTo(0, 0);
        return base;
      }
      var open = /(^|\s)open(\s|$)/.test(current || "");
      return open ? base : base + " open";
    },
    mapPicked: function (clickData) {
      // Every clickable feature carries its id (points: "lp:<id>", "fac:<id>", groups:
      // "zoom:lon,lat") or its position in the cable table (cable vertices, a typed array).
      // Dash's clickData leaves out values held in typed arrays, so read the clicked point's
      // customdata from the drawn figure itself.
      var point = clickData && clickData.points && clickData.points[0];
      if (!point) return window.dash_clientside.no_update;
      // Several features under the pointer: a list to choose from (assets/mappick.js).
      var map = document.querySelector(LANDFALL_MAP);
      if (window.landfallChooseNear && window.landfallChooseNear(map)) {
        return window.dash_clientside.no_update;
      }
      var value = point.customdata;
      if (value === undefined || value === null) {
        var graph = document.querySelector("#map .js-plotly-plot");
        var trace = graph && graph._fullData && graph._fullData[point.curveNumber];
        var data = trace && trace.customdata;
        value = data && point.pointNumber !== undefined ? data[point.pointNumber] : null;
      }
      if (value === undefined || value === null) return window.dash_clientside.no_update;
      if (typeof value === "object" && value.length !== undefined) value = value[0];
      // A new object each time, so clicking the same feature twice is two events.
      return { points: [{ customdata: value }], at: Date.now() };
    },
    mapMoved: function (relayout) {
      // Only a move that reports the whole view (centre and zoom) edits the selection; the
      // map's own settling events would otherwise reach the server and overtake a click.
      var whole = relayout && relayout["map.center"] && relayout["map.zoom"] !== undefined;
      if (!whole) return window.dash_clientside.no_update;
      // The page's own refit (landfallFitView) is not a move of the user's.
      var own = window.__landfallOwnViews || [];
      for (var i = 0; i < own.length; i++) {
        if (
          Math.abs(relayout["map.zoom"] - own[i].zoom) < 0.01 &&
          Math.abs(relayout["map.center"].lat - own[i].lat) < 0.01 &&
          Math.abs(relayout["map.center"].lon - own[i].lon) < 0.01
        ) {
          own.splice(i, 1);
          return window.dash_clientside.no_update;
        }
      }
      return relayout;
    },
    fitToQuestion: function (clicks) {
      // "Fit to selection": frame the question's box again (the sync callback drops view=).
      var graph = document.querySelector(LANDFALL_MAP);
      if (clicks && graph) landfallFitView(graph, true);
      return window.dash_clientside.no_update;
    },
    watchMap: function (figure) {
      // Called when a new map figure arrives: refit once Plotly has drawn it.
      var tries = 0;
      var attempt = function () {
        if (!landfallWatchMap() && tries++ < 50) setTimeout(attempt, 100);
      };
      setTimeout(attempt, 0);
      return window.dash_clientside.no_update;
    },
    showDetails: function (store) {
      var open = /(^|[?&])sel=/.test(store || "");
      return open ? "details-panel open" : "details-panel";
    },
  },
});
