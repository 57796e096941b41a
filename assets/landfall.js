/* Clientside callbacks: pure presentation changes that need no server round trip. */
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
    toggleFilters: function (nClicks, current) {
      var base = (current || "panel").replace(/\s*open/g, "");
      return nClicks % 2 === 1 ? base + " open" : base;
    },
    mapPicked: function (clickData) {
      // Every clickable feature carries its id (points: "lp:<id>", "fac:<id>", groups:
      // "zoom:lon,lat") or its position in the cable table (cable vertices, a typed array).
      // Dash's clickData leaves out values held in typed arrays, so read the clicked point's
      // customdata from the drawn figure itself.
      var point = clickData && clickData.points && clickData.points[0];
      if (!point) return window.dash_clientside.no_update;
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
      return whole ? relayout : window.dash_clientside.no_update;
    },
    showDetails: function (store) {
      var open = /(^|[?&])sel=/.test(store || "");
      return open ? "details-panel open" : "details-panel";
    },
  },
});
