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
