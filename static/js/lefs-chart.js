// Draws the athlete page's LEFS chart from the JSON in #lefs-data (Chart.js, vendored):
// the totals over time, each change of at least the MCID marked apart with its label.
(function () {
  "use strict";

  function shortDate(iso) {
    var d = new Date(iso + "T00:00:00");
    return d.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "2-digit" });
  }

  function draw() {
    var source = document.getElementById("lefs-data");
    var canvas = document.getElementById("lefs-chart");
    if (!source || !canvas || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var points = data.points;
    // A change that reached the MCID is named under its date too ("+12 (MCID)").
    var labels = points.map(function (p) {
      return p.mcid_reached ? [shortDate(p.date), p.label] : shortDate(p.date);
    });
    new Chart(canvas, {
      type: "line",
      data: {
        labels: labels,
        datasets: [
          {
            label: "LEFS total",
            data: points.map(function (p) { return p.total; }),
            borderColor: "#1f6f8b",
            backgroundColor: "#1f6f8b",
            pointRadius: 4,
          },
          {
            label: "Change of " + data.mcid + "+ points (MCID)",
            data: points.map(function (p) { return p.mcid_reached ? p.total : null; }),
            showLine: false,
            pointStyle: "rectRot",
            pointRadius: 8,
            pointHoverRadius: 9,
            borderColor: "#d97706",
            backgroundColor: "#d97706",
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              afterLabel: function (context) {
                var label = points[context.dataIndex].label;
                return label ? "Change: " + label : "";
              },
            },
          },
        },
        scales: { y: { min: 0, max: data.total_max, title: { display: true, text: "total" } } },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
