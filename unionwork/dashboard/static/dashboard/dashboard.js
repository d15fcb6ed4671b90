// Draws the dashboard's charts from the JSON the page embeds; a click on a bar opens that child's dashboard.
(function () {
  var el = document.getElementById("chart-data");
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  var red = "#b3261e";
  // One ranking per group of children (districts, zones, industrial unions ...), never mixed.
  (data.rankings || []).forEach(function (r) {
    var rankingEl = document.getElementById(r.id);
    if (!rankingEl) return;
    var chart = echarts.init(rankingEl, null, { renderer: "svg" });
    var series = { type: "bar", data: r.values.slice().reverse(), itemStyle: { color: red },
      label: { show: true, position: "right", formatter: function (p) { return p.value === null || p.value === undefined ? "—" : p.value + r.unit; } } };
    if (r.target !== null && r.target !== undefined && r.unit) {
      series.markLine = { symbol: "none", data: [{ xAxis: r.target, name: "目标" }], lineStyle: { color: "#198754", type: "dashed" },
        label: { formatter: "目标 {c}" + r.unit } };
    }
    chart.setOption({
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: "{value}" + r.unit } },
      yAxis: { type: "category", data: r.labels.slice().reverse(), axisLabel: { width: 150, overflow: "truncate" } },
      tooltip: { trigger: "axis" },
      series: [series],
    });
    var ids = r.ids.slice().reverse();
    chart.on("click", function (p) {
      var id = ids[p.dataIndex];
      if (id) window.location.href = "/dashboard/" + id + "/" + window.location.search;
    });
    window.addEventListener("resize", function () { chart.resize(); });
    rankingEl.dataset.drawn = "1";
  });
  var trendEl = document.getElementById("chart-trend");
  if (trendEl) {
    var t = data.trend;
    var tc = echarts.init(trendEl, null, { renderer: "svg" });
    tc.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: t.months },
      yAxis: { type: "value" },
      tooltip: { trigger: "axis" },
      series: [{ type: "line", data: t.values, connectNulls: false, showSymbol: true, showAllSymbol: true, symbolSize: 7, smooth: false, itemStyle: { color: red }, areaStyle: { opacity: 0.08 } }],
    });
    window.addEventListener("resize", function () { tc.resize(); });
    trendEl.dataset.drawn = "1";
  }
})();
