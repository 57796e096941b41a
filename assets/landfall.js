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
    showDetails: function (store) {
      var open = /(^|[?&])sel=/.test(store || "");
      return open ? "details-panel open" : "details-panel";
    },
  },
});
