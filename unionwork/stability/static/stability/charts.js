/* Bar charts of the stability pages (ECharts, vendored). Data come from json_script blocks. */
window.UWCharts = (function () {
  var charts = [];
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  function bar(id, labels, series, opts) {
    opts = opts || {};
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return null; }
    var total = series.reduce(function (n, s) { return n + s.values.reduce(function (a, b) { return a + (b || 0); }, 0); }, 0);
    if (!labels.length || (opts.empty && total === 0)) {
      el.innerHTML = '<div class="uw-muted small py-5 text-center">' + (opts.empty || "—") + "</div>";
      return null;
    }
    var chart = echarts.init(el, null, {renderer: "svg"});
    var category = {type: "category", data: labels, axisLabel: {interval: 0, fontSize: 11, hideOverlap: false}};
    var value = {type: "value", minInterval: 1};
    if (!opts.horizontal && labels.length > 6) { category.axisLabel.rotate = 30; }
    chart.setOption({
      grid: {left: 8, right: 24, top: series.length > 1 ? 30 : 18, bottom: 4, containLabel: true},
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: series.length > 1 ? {top: 0, textStyle: {fontSize: 11}} : undefined,
      xAxis: opts.horizontal ? value : category,
      yAxis: opts.horizontal ? Object.assign({}, category, {inverse: true}) : value,
      series: series.map(function (s) {
        return {
          name: s.name, type: "bar", stack: s.stack, barMaxWidth: 28,
          data: s.colors ? s.values.map(function (v, i) { return {value: v, itemStyle: {color: s.colors[i % s.colors.length]}}; }) : s.values,
          itemStyle: s.color ? {color: s.color} : undefined,
          label: {show: !s.stack, position: opts.horizontal ? "right" : "top", fontSize: 11}
        };
      })
    });
    charts.push(chart);
    return chart;
  }

  return {bar: bar};
})();
