// The timeliness chart (no inline script: CSP). Data from the json_script "timeliness-data".
(function () {
  var el = document.getElementById("timeliness-data");
  if (!el) return;
  var d = JSON.parse(el.textContent);
  var chart = document.getElementById("chart-timeliness");
  UWCharts.bar("chart-timeliness", d.labels, d.series.map(function (s) { return {name: s.name, values: s.values, color: s.color, stack: "t"}; }), {horizontal: true, empty: chart ? chart.getAttribute("data-empty") : ""});
})();
