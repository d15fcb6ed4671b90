// The ranking's chart: each unit's points by section, bonus and deduction, stacked (data from the
// json_script "assessment-chart"; no inline script: CSP).
(function () {
  const holder = document.getElementById("assessment-chart");
  const el = document.getElementById("chart-sections");
  if (!holder || !el || typeof echarts === "undefined") return;
  const d = JSON.parse(holder.textContent);
  const palette = ["#b3261e", "#2f6fb3", "#3b8a3e", "#c77700", "#6d4c9f", "#00838f", "#8d6e63", "#5f6368"];
  const series = d.sections.map((s, i) => ({
    name: s.name, type: "bar", stack: "points", data: s.data, itemStyle: {color: palette[i % palette.length]}, barMaxWidth: 22,
  }));
  series.push({name: "加分", type: "bar", stack: "points", data: d.bonus, itemStyle: {color: "#9ccc65"}, barMaxWidth: 22});
  series.push({name: "扣分", type: "bar", stack: "points", data: d.deduction, itemStyle: {color: "#9e9e9e"}, barMaxWidth: 22});
  const chart = echarts.init(el, null, {renderer: "canvas"});
  chart.setOption({
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    legend: {top: 0, type: "scroll"},
    grid: {left: 150, right: 30, top: 40, bottom: 20},
    xAxis: {type: "value", max: 110},
    yAxis: {type: "category", data: d.units, inverse: true, axisLabel: {width: 140, overflow: "truncate", fontSize: 11}},
    series: series,
  });
  window.addEventListener("resize", () => chart.resize());
})();
