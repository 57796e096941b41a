/* The map's geometry crosses the wire once (services/map_pack.py).

   The server sends the map as a message: the layout, and per trace either a slot of the
   geometry pack with the runs of its elements to draw ([start, length, ...]) and its style, or
   the whole trace. The pack (every feature's coordinates, hover texts and ids, typed arrays
   and dictionaries) is fetched once from an immutable URL and kept. Switching a layer on or off
   redraws from the last message, in the browser: no request, no geometry. */
(function () {
  var TYPED = {
    f4: Float32Array,
    f8: Float64Array,
    i4: Int32Array,
    u2: Uint16Array,
    u4: Uint32Array,
  };
  var packs = {}; // url -> Promise of the decoded slots
  var lastMessage = null;
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
          return raw.slots.map(decodeSlot);
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

  /* The legend of the layers shown, from the lines the server wrote for every layer. */
  function shownLayout(message, shown) {
    var layout = Object.assign({}, message.layout);
    var legend = layout.meta && layout.meta.legend; // figures/legend.py legend_parts
    if (!legend || !layout.annotations) return layout;
    var lines = [];
    Object.keys(legend.layers).forEach(function (key) {
      if ((shown || []).indexOf(key) >= 0) lines = lines.concat(legend.layers[key]);
    });
    lines = lines.concat(legend.overlays || []);
    layout.annotations = layout.annotations
      .map(function (note) {
        if (note.name !== "legend") return note;
        return lines.length ? Object.assign({}, note, { text: lines.join("<br>") }) : null;
      })
      .filter(function (note) {
        return note !== null;
      });
    return layout;
  }

  function draw(message, shown) {
    return loadPack(message.pack).then(function (slots) {
      var traces = message.traces.map(function (entry) {
        return buildTrace(entry, slots);
      });
      return {
        data: shownTraces(traces, message.layers || [], shown),
        layout: shownLayout(message, shown),
      };
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

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    landfallMap: {
      drawMap: function (message, shown) {
        if (!message) return window.dash_clientside.no_update;
        lastMessage = message;
        return draw(message, shown).then(function (figure) {
          // A later message overtook this one while the pack loaded.
          return lastMessage === message ? figure : window.dash_clientside.no_update;
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
