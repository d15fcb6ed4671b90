// The founding page's charts: data from the json_script "founding-charts" (no inline script: CSP).
(function () {
  const data = JSON.parse(document.getElementById("founding-charts").textContent);
  const red = "#b3261e", grey = "#c9ccd1", blue = "#2f6fb3";
  const charts = [];
  function make(id, option) {
    const el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return;
    const c = echarts.init(el, null, {renderer: "canvas"});
    c.setOption(option);
    charts.push(c);
  }
  function rateBars(d, horizontal) {
    const rates = d.rates.map(v => v === null ? 0 : v);
    const cat = {type: "category", data: d.short || d.labels, axisLabel: {interval: 0, fontSize: 11, width: 120, overflow: "truncate"}, inverse: horizontal};
    const val = {type: "value", max: 100, axisLabel: {formatter: "{value}%"}};
    return {
      tooltip: {trigger: "axis", formatter: p => { const i = p[0].dataIndex; return `${d.labels[i]}<br>建会率 ${d.rates[i] === null ? "—" : d.rates[i] + "%"}<br>应建会 ${d.expected[i]}，已建会 ${d.founded[i]}`; }},
      grid: {left: horizontal ? 130 : 40, right: 40, top: 10, bottom: horizontal ? 20 : 60},
      xAxis: horizontal ? val : Object.assign(cat, {axisLabel: {rotate: d.short ? 0 : 30, interval: 0, fontSize: 11}}),
      yAxis: horizontal ? cat : val,
      series: [{type: "bar", data: rates, itemStyle: {color: red}, barMaxWidth: 18,
                label: {show: true, position: horizontal ? "right" : "top", formatter: p => d.rates[p.dataIndex] === null ? "—" : d.rates[p.dataIndex] + "%", fontSize: 10}}],
    };
  }
  make("chart-children", rateBars(data.children, true));
  make("chart-ownership", rateBars(data.ownership, false));
  make("chart-industry", rateBars(data.industry, false));
  const t = data.three_year;
  make("chart-three-year", {
    tooltip: {trigger: "axis"},
    legend: {data: ["当月新建", "累计建会", "累计目标进度"], top: 0, left: "center"},
    grid: {left: 50, right: 50, top: 50, bottom: 30},
    xAxis: {type: "category", data: t.labels, axisLabel: {fontSize: 11}},
    yAxis: [{type: "value", name: "累计"}, {type: "value", name: "当月", splitLine: {show: false}}],
    series: [
      {name: "当月新建", type: "bar", yAxisIndex: 1, data: t.founded, itemStyle: {color: grey}},
      {name: "累计建会", type: "line", data: t.cumulative, itemStyle: {color: red}, symbolSize: 4},
      {name: "累计目标进度", type: "line", data: t.plan, itemStyle: {color: blue}, lineStyle: {type: "dashed"}, symbol: "none", connectNulls: false},
    ],
  });
  window.addEventListener("resize", () => charts.forEach(c => c.resize()));
})();
