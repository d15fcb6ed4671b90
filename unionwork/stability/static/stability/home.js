// The stability overview's charts (no inline script: CSP). Data from the json_script "charts-data";
// translated series names from the charts' data- attributes.
(function () {
  var el = document.getElementById("charts-data");
  if (!el) return;
  var d = JSON.parse(el.textContent);
  function attr(id, name) { var c = document.getElementById(id); return c ? c.getAttribute(name) || "" : ""; }
  var levels = ["#90a4ae", "#f9a825", "#ef6c00", "#b71c1c"];
  UWCharts.bar("chart-kind", d.kind.labels, [{name: attr("chart-kind", "data-series"), values: d.kind.values, color: "#b3261e"}], {horizontal: true});
  UWCharts.bar("chart-severity", d.severity.labels, [{name: attr("chart-severity", "data-series"), values: d.severity.values, colors: levels}]);
  UWCharts.bar("chart-age", d.age.labels, d.age.series.map(function (s, i) { return {name: s.name, values: s.values, color: levels[i], stack: "age"}; }));
  UWCharts.bar("chart-industry", d.industry.labels, [{name: attr("chart-industry", "data-series"), values: d.industry.values, color: "#5c6bc0"}], {horizontal: true, empty: attr("chart-industry", "data-empty")});
})();
