/* Clientside callbacks: pure presentation changes that need no server round trip. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  landfall: {
    toggleTheme: function (nClicks, current) {
      return current === "dark" ? "light" : "dark";
    },
    applyTheme: function (theme) {
      var name = theme === "dark" ? "dark" : "light";
      document.documentElement.setAttribute("data-theme", name);
      return name === "dark" ? "Light theme" : "Dark theme";
    },
  },
});
