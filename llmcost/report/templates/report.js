/* llmcost HTML report: draws the embedded aggregates with Chart.js and makes tables sortable.
   Values from logs reach the page only as text (canvas labels, textContent): never as markup. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("llmcost-data").textContent);
  var PALETTE = ["#2f6fde", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
                 "#ff9da7", "#9c755f", "#bab0ac"];

  function group(intPart) {
    return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  /* An exact decimal string as people read it, every digit kept: "1234.560000000" -> "1,234.56". */
  function exact(text) {
    var neg = text.charAt(0) === "-";
    var body = neg ? text.slice(1) : text;
    var parts = body.split(".");
    var frac = (parts[1] || "").replace(/0+$/, "");
    while (frac.length < 2 && parts.length > 1) frac += "0";
    return (neg ? "-" : "") + group(parts[0]) + (frac ? "." + frac : "");
  }
  function shown(unit, raw) {
    if (raw === null || raw === undefined) return "n/a";
    var text = String(raw);
    if (unit === "usd") return (text.charAt(0) === "-" ? "-$" + exact(text.slice(1)) : "$" + exact(text));
    return exact(text);
  }
  function tick(unit, v) {
    var a = Math.abs(v), s = "";
    var n = a >= 1e9 ? (s = "B", a / 1e9) : a >= 1e6 ? (s = "M", a / 1e6) : a >= 1e3 ? (s = "k", a / 1e3) : a;
    var t = (n >= 100 || s === "" && unit !== "usd" ? Math.round(n) : n.toFixed(n >= 10 ? 1 : 2)) + s;
    return (v < 0 ? "-" : "") + (unit === "usd" ? "$" : "") + t;
  }

  var charts = [];
  function draw(spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas || typeof Chart === "undefined") return;
    var horizontal = !!spec.horizontal, stacked = !!spec.stacked;
    var single = spec.datasets.length === 1;
    var datasets = spec.datasets.map(function (d, i) {
      var colour = PALETTE[i % PALETTE.length];
      return {
        label: d.label,
        data: d.values.map(function (v) { return v === null ? null : Number(v); }),
        exact: d.values,
        backgroundColor: single && spec.type === "bar"
          ? spec.labels.map(function (_, j) { return PALETTE[j % PALETTE.length]; }) : colour,
        borderColor: colour,
        borderWidth: spec.type === "line" ? 2 : 0,
        pointRadius: spec.type === "line" ? 2 : 0,
        spanGaps: true,
        tension: 0.25
      };
    });
    var valueAxis = {
      stacked: stacked, beginAtZero: true,
      ticks: { callback: function (v) { return tick(spec.unit, v); } },
      grid: { color: "#eef1f5" }
    };
    var labelAxis = { stacked: stacked, grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } };
    var config = {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? "y" : "x",
        interaction: { mode: stacked ? "index" : "nearest", intersect: !stacked },
        scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
        plugins: {
          legend: { display: !single, position: "bottom", labels: { boxWidth: 12, usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var raw = ctx.dataset.exact[ctx.dataIndex];
                return ctx.dataset.label + ": " + shown(spec.unit, raw);
              },
              footer: stacked ? function (items) {
                var total = 0;
                items.forEach(function (it) { total += it.parsed[horizontal ? "x" : "y"] || 0; });
                return "total ≈ " + tick(spec.unit, total);
              } : undefined
            }
          }
        }
      }
    };
    charts.push(new Chart(canvas, config));
  }

  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = th.classList.contains("num");
        function key(row) {
          var cell = row.cells[col];
          if (!cell) return "";
          var v = cell.getAttribute("data-v");
          if (numeric) {
            var n = parseFloat(v !== null ? v : cell.textContent.replace(/[$,%\s]/g, ""));
            return isNaN(n) ? null : n;
          }
          return cell.textContent;
        }
        rows.sort(function (a, b) {
          var oa = a.classList.contains("other"), ob = b.classList.contains("other");
          if (oa !== ob) return oa ? 1 : -1;  // the (other) fold stays last
          var x = key(a), y = key(b);
          if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
          var c = numeric ? x - y : String(x).localeCompare(String(y));
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  data.charts.forEach(draw);
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), sortable);
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
