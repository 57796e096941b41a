/* Where several features lie under the pointer (Marseille: a landing station, IX buildings and
   data centres within a few pixels), a click opens a small list to choose from instead of
   picking one for the user. The list names each feature as its hover label does; choosing one
   opens it, as a click on it alone would (through the map-pick store). */
(function () {
  var REACH_PX = 9; // a click this close to a marker or a cable line is a click on it
  var MAX_CHOICES = 8;
  //: Landing points before buildings before cables, when several are under the pointer.
  var PRIORITY = { landing_points: 0, datacentres: 1, facilities: 2, cables: 3 };

  function plainName(text) {
    var first = String(text || "").split(/<br\s*\/?>/i)[0];
    // An inert document (nothing in it loads or runs): only the label's text is kept.
    var doc = new DOMParser().parseFromString(first, "text/html");
    return (doc.body.textContent || "").trim();
  }

  function segmentDistance(p, a, b) {
    var dx = b.x - a.x, dy = b.y - a.y;
    var length = dx * dx + dy * dy;
    var t = length ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length)) : 0;
    return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
  }

  /* Every clickable feature within reach of the canvas pixel ``at``, nearest first, one entry
     per feature (a cable once, whichever of its segments is near). */
  function featuresNear(graph, at) {
    var map = graph._fullLayout.map._subplot.map;
    var found = {};
    (graph._fullData || []).forEach(function (trace) {
      var meta = trace.meta || {};
      if (!meta.layer || meta.labels || meta.clusters || !trace.customdata || !trace.lon) return;
      if (trace.type !== "scattermap" || trace.hoverinfo === "skip") return;
      var lines = trace.mode === "lines";
      var previous = null;
      for (var i = 0; i < trace.lon.length; i++) {
        if (!isFinite(trace.lon[i]) || !isFinite(trace.lat[i])) {
          previous = null;
          continue;
        }
        var p = map.project([trace.lon[i], trace.lat[i]]);
        var d = lines && previous ? segmentDistance(at, previous, p) : Math.hypot(at.x - p.x, at.y - p.y);
        previous = p;
        if (d > REACH_PX) continue;
        var key = String(trace.customdata[i]);
        if (!found[key] || found[key].distance > d) {
          found[key] = {
            value: trace.customdata[i],
            distance: d,
            name: plainName(trace.text && trace.text[i]) || key,
            layer: trace.name || meta.layer,
            rank: PRIORITY[meta.layer] !== undefined ? PRIORITY[meta.layer] : 4,
            line: lines,
          };
        }
      }
    });
    return Object.keys(found)
      .map(function (k) {
        return found[k];
      })
      .sort(function (a, b) {
        return a.rank - b.rank || a.distance - b.distance;
      })
      .slice(0, MAX_CHOICES);
  }

  function closeChooser() {
    var old = document.getElementById("map-choices");
    if (old) old.remove();
  }

  function pick(value) {
    closeChooser();
    window.dash_clientside.set_props("map-pick", {
      data: { points: [{ customdata: value }], at: Date.now() },
    });
  }

  function openChooser(graph, at, choices) {
    closeChooser();
    var card = graph.closest(".map-card") || graph.parentNode;
    var canvas = graph._fullLayout.map._subplot.map.getCanvas().getBoundingClientRect();
    var origin = card.getBoundingClientRect();
    var list = document.createElement("div");
    list.id = "map-choices";
    list.className = "map-choices";
    list.setAttribute("role", "menu");
    var title = document.createElement("div");
    title.className = "map-choices-title";
    title.textContent = choices.length + " features here: choose one";
    list.appendChild(title);
    choices.forEach(function (choice) {
      var item = document.createElement("button");
      item.type = "button";
      item.className = "map-choice";
      item.setAttribute("role", "menuitem");
      var name = document.createElement("span");
      name.textContent = choice.name; // text only: names come from the data
      var kind = document.createElement("small");
      kind.textContent = choice.layer;
      item.appendChild(name);
      item.appendChild(kind);
      item.addEventListener("click", function (event) {
        event.stopPropagation();
        pick(choice.value);
      });
      list.appendChild(item);
    });
    card.appendChild(list);
    var left = canvas.left - origin.left + at.x + 8;
    var top = canvas.top - origin.top + at.y + 8;
    left = Math.max(4, Math.min(left, card.clientWidth - list.offsetWidth - 4));
    top = Math.max(4, Math.min(top, card.clientHeight - list.offsetHeight - 4));
    list.style.left = left + "px";
    list.style.top = top + "px";
    var first = list.querySelector("button");
    if (first) first.focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeChooser();
  });
  document.addEventListener(
    "pointerdown",
    function (event) {
      var graph = document.querySelector("#map .js-plotly-plot");
      var inside = event.target.closest && event.target.closest("#map-choices");
      if (!inside) closeChooser();
      if (graph && graph.contains(event.target) && graph._fullLayout && graph._fullLayout.map) {
        var canvas = graph._fullLayout.map._subplot.map.getCanvas().getBoundingClientRect();
        graph.__landfallPointer = { x: event.clientX - canvas.left, y: event.clientY - canvas.top };
      }
    },
    true
  );

  /* Called by mapPicked (assets/landfall.js) on a click; true when it handled the click. A
     marker under the pointer wins over the cable lines that end at it: one marker opens at
     once, several (a landing station and the buildings beside it) are listed, landing points
     first. Without a marker, several cable lines are listed. */
  window.landfallChooseNear = function (graph) {
    var at = graph && graph.__landfallPointer;
    if (!at || !graph._fullLayout || !graph._fullLayout.map) return false;
    var near = featuresNear(graph, at);
    var markers = near.filter(function (c) {
      return !c.line;
    });
    var choices = markers.length ? markers : near;
    if (markers.length === 1) {
      pick(markers[0].value);
      return true;
    }
    if (choices.length < 2) return false;
    openChooser(graph, at, choices);
    return true;
  };
})();
