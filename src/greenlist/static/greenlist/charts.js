// Draws every chart on the page: <div data-chart="ID"> reads its ECharts option from the JSON
// block #ID written by Django's json_script (no inline script, so a strict CSP holds).
(function () {
  function draw() {
    if (typeof echarts === "undefined") { return; }
    var drawn = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) { return; }
      var option = JSON.parse(source.textContent);
      el.style.height = (option.height_px || 340) + "px";
      delete option.height_px;
      var chart = echarts.init(el);
      chart.setOption(option);
      drawn.push(chart);
    });
    window.addEventListener("resize", function () {
      drawn.forEach(function (chart) { chart.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
