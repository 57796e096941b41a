/*
 * Place-name colours follow the page's theme.
 *
 * The map's MapLibre style is the same in both themes (figures/place_labels.py: a style change
 * makes Plotly lose its land and border layers), and its label colours read the global state
 * "theme". This sets that state from <html data-theme> whenever the theme changes or Plotly
 * draws the map.
 */
(function () {
  "use strict";

  var MAP = "#map .js-plotly-plot";

  function maplibre(gd) {
    var layout = gd && gd._fullLayout;
    var subplot = layout && layout.map && layout.map._subplot;
    return subplot && subplot.map;
  }

  function sync() {
    var gd = document.querySelector(MAP);
    var map = maplibre(gd);
    if (!map || !map.getStyle || !map.isStyleLoaded()) return;
    var theme = document.documentElement.getAttribute("data-theme") === "dark" ? "dark" : "light";
    if (map.getGlobalState && map.getGlobalState().theme === theme) return;
    map.setGlobalStateProperty("theme", theme);
  }

  function hook() {
    var gd = document.querySelector(MAP);
    if (gd && gd.on && !gd.dataset.labelsTheme) {
      gd.dataset.labelsTheme = "1";
      gd.on("plotly_afterplot", sync);
    }
    sync();
  }

  new MutationObserver(sync).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["data-theme"],
  });
  // The map's element is created by Dash after this script runs, and again if Dash replaces it.
  new MutationObserver(hook).observe(document.documentElement, { childList: true, subtree: true });
})();
