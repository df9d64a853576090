// Draws every chart of the page from the Vega-Lite spec inlined beside it. No network: the spec
// and its data are in the page, Vega is in assets/vega.js. No eval either: with `ast: true` Vega
// keeps each expression's syntax tree and vega-embed evaluates it with the CSP-compliant
// interpreter it bundles (vega-interpreter), so the server's policy needs no 'unsafe-eval'.
(function () {
  var charts = document.querySelectorAll("div.vega[data-spec]");
  charts.forEach(function (target) {
    var source = document.getElementById(target.getAttribute("data-spec"));
    if (!source || typeof vegaEmbed !== "function") { return; }
    var spec = JSON.parse(source.textContent);
    vegaEmbed(target, spec, { renderer: "svg", actions: false, ast: true })
      .then(function () { target.setAttribute("data-rendered", "true"); })
      .catch(function (error) {
        target.setAttribute("data-error", "true");
        target.textContent = "The chart could not be drawn: " + error.message;
      });
  });
})();
