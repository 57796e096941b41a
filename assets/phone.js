/* Landfall on narrow screens: keep Plotly's hover labels inside the window and their graph.

   Plotly places a label beside the hovered point; on a 390 px phone a label next to a point
   near the edge, or wider than the screen (a cable's owners), spills off-screen or is cut at the
   graph's edge. Every label Plotly draws (charts and map alike) is shrunk to the room there
   is if it is wider, then moved back inside. Only the transform Plotly gave the label is changed.
*/
(function () {
  "use strict";
  var MARGIN = 4;

  function fit(label) {
    var given = label.getAttribute("transform") || "";
    if (given === label.getAttribute("data-fitted")) return; // our own change
    // Inside the window and the graph's own drawing (which clips what passes its edge).
    var svg = label.ownerSVGElement;
    var frame = svg ? svg.getBoundingClientRect() : { left: 0, right: Infinity };
    var left = Math.max(0, frame.left) + MARGIN;
    var right = Math.min(document.documentElement.clientWidth, frame.right) - MARGIN;
    var box = label.getBoundingClientRect();
    if (!box.width) return;
    var room = right - left;
    var transform = given;
    if (box.width > room) {
      transform += " scale(" + (room / box.width).toFixed(3) + ")";
      label.setAttribute("transform", transform);
      box = label.getBoundingClientRect();
    }
    var dx = 0;
    if (box.right > right) dx = right - box.right;
    if (box.left + dx < left) dx = left - box.left;
    if (dx) transform = "translate(" + dx.toFixed(1) + ",0) " + transform;
    label.setAttribute("data-fitted", transform);
    label.setAttribute("transform", transform);
  }

  function fitAll() {
    var labels = document.querySelectorAll(".hoverlayer .hovertext");
    for (var i = 0; i < labels.length; i++) fit(labels[i]);
  }

  function watch() {
    new MutationObserver(function (changes) {
      for (var i = 0; i < changes.length; i++) {
        var node = changes[i].target;
        if (node.closest && node.closest(".hoverlayer")) {
          fitAll();
          return;
        }
      }
    }).observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["transform"],
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
