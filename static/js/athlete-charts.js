// Draws the athlete page's three charts from the JSON in #chart-data (Chart.js, vendored).
(function () {
  "use strict";

  function shortDate(iso) {
    var d = new Date(iso + "T00:00:00");
    return d.toLocaleDateString(undefined, { day: "numeric", month: "short" });
  }

  function referenceLine(label, value, count, color) {
    return {
      label: label,
      data: new Array(count).fill(value),
      borderColor: color,
      borderDash: [6, 4],
      borderWidth: 1.5,
      pointRadius: 0,
      pointHitRadius: 0,
      fill: false,
    };
  }

  var palette = ["#1f6f8b", "#d97706", "#7c3aed", "#0f766e", "#be123c"];

  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;

    var painLabels = data.pain.map(function (p) { return shortDate(p.date); });
    new Chart(document.getElementById("pain-chart"), {
      type: "line",
      data: {
        labels: painLabels,
        datasets: [
          { label: "During", data: data.pain.map(function (p) { return p.during; }), borderColor: palette[0], backgroundColor: palette[0], spanGaps: true },
          { label: "After", data: data.pain.map(function (p) { return p.after; }), borderColor: palette[1], backgroundColor: palette[1], spanGaps: true },
          { label: "Next morning", data: data.pain.map(function (p) { return p.next_morning; }), borderColor: palette[2], backgroundColor: palette[2], spanGaps: true },
          referenceLine("Gate (" + data.gate_pain_max + ")", data.gate_pain_max, painLabels.length, "#1e7d46"),
          referenceLine("Ceiling (5)", 5, painLabels.length, "#b42318"),
        ],
      },
      options: { scales: { y: { min: 0, max: 10, ticks: { stepSize: 1 } } } },
    });

    var weekLabels = data.weeks.map(shortDate);
    var activities = Object.keys(data.minutes);
    new Chart(document.getElementById("minutes-chart"), {
      type: "bar",
      data: {
        labels: weekLabels,
        datasets: activities.map(function (name, i) {
          return { label: name, data: data.minutes[name], backgroundColor: palette[i % palette.length] };
        }),
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: "minutes" } } } },
    });

    // One line through every session's cadence; the ones the watch measured (read from a
    // file) are drawn as larger diamonds, their own legend entry, instead of the line's dots.
    var cadenceLabels = data.cadence.map(function (c) { return shortDate(c.date); });
    var measured = data.cadence.map(function (c) { return Boolean(c.measured); });
    var cadenceSets = [
      {
        label: "Cadence",
        data: data.cadence.map(function (c) { return c.spm; }),
        borderColor: palette[0],
        backgroundColor: palette[0],
        pointStyle: "circle",
        pointRadius: measured.map(function (m) { return m ? 0 : 3; }),
      },
    ];
    if (measured.indexOf(true) >= 0) {
      cadenceSets.push({
        label: "Measured by the watch",
        data: data.cadence.map(function (c, i) { return measured[i] ? c.spm : null; }),
        showLine: false,
        pointStyle: "rectRot",
        pointRadius: 7,
        pointHoverRadius: 8,
        borderColor: palette[1],
        backgroundColor: palette[1],
      });
    }
    if (data.target_cadence) {
      var target = referenceLine("Target (" + data.target_cadence + ")", data.target_cadence, cadenceLabels.length, "#1e7d46");
      target.pointStyle = "line";
      cadenceSets.push(target);
    }
    new Chart(document.getElementById("cadence-chart"), {
      type: "line",
      data: { labels: cadenceLabels, datasets: cadenceSets },
      options: {
        plugins: { legend: { labels: { usePointStyle: true } } },
        scales: { y: { suggestedMin: 150, suggestedMax: 190, title: { display: true, text: "steps/min" } } },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
