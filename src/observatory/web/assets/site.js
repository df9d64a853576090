// Draws every chart of the page from the Vega-Lite spec inlined beside it. No network: the spec
// and its data are in the page, Vega is in assets/vega.js.
(function () {
  var charts = document.querySelectorAll("div.vega[data-spec]");
  charts.forEach(function (target) {
    var source = document.getElementById(target.getAttribute("data-spec"));
    if (!source || typeof vegaEmbed !== "function") { return; }
    var spec = JSON.parse(source.textContent);
    vegaEmbed(target, spec, { renderer: "svg", actions: false })
      .then(function () { target.setAttribute("data-rendered", "true"); })
      .catch(function (error) {
        target.setAttribute("data-error", "true");
        target.textContent = "The chart could not be drawn: " + error.message;
      });
  });
})();
