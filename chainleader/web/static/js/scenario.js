/* Scenarios: start a run (POST /api/v1/runs), poll its progress, draw the result with ECharts
   (final output % of baseline with vs without the backup plan, Monte Carlo band), compare two runs. */
(function () {
  "use strict";
  var CL = window.CL;
  var t = CL.t, el = CL.el, fmt = CL.fmt;
  var RUN_COLORS = { no_plan: "#d64541", with_plan: "#3a7bd5" };
  var PALETTE = ["#d64541", "#3a7bd5", "#2e8b57", "#8e5ea2", "#e08e0b", "#1f9fb4", "#6b7280"];
  var charts = [];

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  function baseOption(title, days) {
    return {
      animation: false,
      title: { text: title, left: 8, top: 6, textStyle: { fontSize: 14, fontWeight: 600, color: "#1f2933" } },
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: function (v) { return v === null || v === undefined ? "–" : Number(v).toFixed(1) + "%"; } },
      legend: { top: 30, left: 8, right: 8, type: "scroll" },
      grid: { left: 56, right: 22, top: 78, bottom: 44 },
      xAxis: { type: "category", data: days, name: t("sc.day"), nameLocation: "middle", nameGap: 28, boundaryGap: false },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" },
               min: function (v) { return Math.max(0, Math.min(90, Math.floor(v.min / 10) * 10)); },
               max: function (v) { return Math.max(105, Math.ceil(v.max / 5) * 5); } },
      series: []
    };
  }

  function lineSeries(name, data, color, dashed) {
    return { name: name, type: "line", data: data, showSymbol: false, smooth: false,
             lineStyle: { width: 2, color: color, type: dashed ? "dashed" : "solid" }, itemStyle: { color: color } };
  }

  function bandSeries(result, days) {
    var mc = result.monte_carlo;
    if (!mc || !mc.bands_pct || !mc.bands_pct.p5 || !mc.bands_pct.p95) return [];
    var idx = {};
    (mc.days || days).forEach(function (d, i) { idx[d] = i; });
    var lo = [], span = [], med = [];
    days.forEach(function (d) {
      var i = idx[d];
      if (i === undefined) { lo.push(null); span.push(null); med.push(null); return; }
      lo.push(mc.bands_pct.p5[i]);
      span.push(mc.bands_pct.p95[i] - mc.bands_pct.p5[i]);
      med.push(mc.bands_pct.p50 ? mc.bands_pct.p50[i] : null);
    });
    var bandName = t("sc.band") + " (" + mc.runs + ")";
    return [
      { name: bandName, type: "line", data: lo, stack: "mc", showSymbol: false, lineStyle: { opacity: 0 }, itemStyle: { color: "#8fb3e8" }, tooltip: { show: false } },
      { name: bandName, type: "line", data: span, stack: "mc", showSymbol: false, lineStyle: { opacity: 0 }, areaStyle: { color: "rgba(58,123,213,0.22)" }, itemStyle: { color: "#8fb3e8" }, tooltip: { show: false } },
      lineSeries(t("sc.median"), med, "#1d4f91", true)
    ];
  }

  function drawOutput(node, result, title) {
    var days = result.days || [];
    var opt = baseOption(title || t("sc.chart.output"), days);
    opt.series = bandSeries(result, days);
    Object.keys(result.runs || {}).forEach(function (k) {
      var r = result.runs[k];
      opt.series.push(lineSeries(CL.pick(r, "label"), r.chain_output_pct, RUN_COLORS[k] || "#333", false));
    });
    return draw(node, opt);
  }

  function drawProducts(node, result) {
    var days = result.days || [];
    var opt = baseOption(t("sc.chart.products"), days);
    var keys = Object.keys(result.runs || {});
    var names = {};
    keys.forEach(function (k, ki) {
      (result.runs[k].final_products || []).forEach(function (p) {
        if (names[p.product] === undefined) names[p.product] = Object.keys(names).length;
        var color = PALETTE[names[p.product] % PALETTE.length];
        var label = CL.pick(p, "name") + (keys.length > 1 ? " · " + CL.pick(result.runs[k], "label") : "");
        opt.series.push(lineSeries(label, p.output_pct, color, ki > 0));
      });
    });
    return draw(node, opt);
  }

  function drawCompare(node, results) {
    var days = results[0].days || [];
    var opt = baseOption(t("sc.chart.output"), days);
    results.forEach(function (res, i) {
      Object.keys(res.runs || {}).forEach(function (k) {
        var r = res.runs[k];
        opt.series.push(lineSeries("#" + (i + 1) + " " + CL.pick(res, "title") + " · " + CL.pick(r, "label"),
                                   r.chain_output_pct, PALETTE[(i * 2 + (k === "with_plan" ? 1 : 0)) % PALETTE.length], i > 0));
      });
    });
    return draw(node, opt);
  }

  function draw(node, opt) {
    if (!node || !window.echarts) return null;
    var c = window.echarts.getInstanceByDom(node) || window.echarts.init(node, null, { renderer: "canvas" });
    c.setOption(opt, true);
    charts.push(c);
    return c;
  }

  function figureRows(result) {
    var labels = CL.readJSON("figure-labels") || {};
    var keys = Object.keys(result.runs || {});
    var rows = [];
    Object.keys(labels).forEach(function (f) {
      var vals = keys.map(function (k) { return (result.runs[k].summary || {})[f]; });
      if (vals.every(function (v) { return v === null || v === undefined; })) return;
      rows.push([labels[f]].concat(vals.map(function (v) {
        if (f === "peak_loss" && typeof v === "number") return (v * 100).toFixed(1) + "%";
        return fmt(v, f === "lost_value_yi" ? 2 : 0);
      })));
    });
    return CL.table([{ label: t("sc.figures") }].concat(keys.map(function (k) {
      return { label: CL.pick(result.runs[k], "label"), num: true };
    })), rows);
  }

  /* fill a result block: <div data-result> with .chart-output, .chart-products, .figures-slot, .explain-slot */
  function renderResult(block, result) {
    if (!block || !result) return;
    block.classList.remove("hidden");
    var fig = block.querySelector(".figures-slot");
    if (fig) fig.replaceChildren(figureRows(result));
    var ex = block.querySelector(".explain-slot");
    if (ex) ex.textContent = CL.pick(result, "explanation");
    var warn = block.querySelector(".warnings-slot");
    if (warn) {
      var ws = result.warnings || [];
      warn.replaceChildren.apply(warn, ws.map(function (w) { return el("li", null, [typeof w === "string" ? w : (CL.pick(w, "message") || JSON.stringify(w))]); }));
    }
    drawOutput(block.querySelector(".chart-output"), result);
    drawProducts(block.querySelector(".chart-products"), result);
  }

  function statusText(run) {
    var pr = run.progress || {};
    var s = t("status." + run.status);
    if (pr.step) s += " · " + pr.step;
    if (pr.total) s += " " + pr.done + "/" + pr.total;
    return s;
  }

  function poll(id, bar, label, onDone, onFail) {
    var delay = 500;
    function tick() {
      CL.api("/api/v1/runs/" + encodeURIComponent(id)).then(function (run) {
        var pr = run.progress || {};
        if (bar) {
          if (pr.fraction === null || pr.fraction === undefined) bar.removeAttribute("value");
          else bar.value = Math.round(pr.fraction * 100);
        }
        if (label) label.textContent = statusText(run);
        if (run.status === "done") { if (bar) bar.value = 100; onDone(run); return; }
        if (run.status === "failed") { onFail(CL.lang() === "en" ? run.error_en : run.error_zh); return; }
        delay = Math.min(2000, delay * 1.3);
        setTimeout(tick, delay);
      }, function (err) { onFail(err.message); });
    }
    tick();
  }

  /* ----- the scenario page ----- */
  var form = document.getElementById("run-form");
  if (form) {
    var yaml = document.getElementById("scenario-yaml");
    var bar = document.getElementById("run-progress");
    var label = document.getElementById("run-status");
    var errBox = document.getElementById("run-error");
    var block = document.getElementById("run-result");
    var link = document.getElementById("run-link");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      errBox.classList.add("hidden");
      var runs = parseInt(form.elements.namedItem("runs").value, 10) || 1;
      var body = { dataset: CL.page.dataset, runs: runs };
      if (yaml && yaml.value.trim() !== yaml.defaultValue.trim()) body.scenario_yaml = yaml.value;
      else body.scenario = CL.page.scenario;
      button.disabled = true;
      bar.classList.remove("hidden");
      bar.removeAttribute("value");
      label.textContent = t("sc.running");
      CL.api("/api/v1/runs", { method: "POST", json: body }).then(function (started) {
        poll(started.id, bar, label, function (run) {
          button.disabled = false;
          label.textContent = t("sc.done");
          link.href = "/runs/" + encodeURIComponent(run.id);
          link.classList.remove("hidden");
          renderResult(block, run.result);
        }, fail);
      }, function (err) { fail(err.message); });
    });
    function fail(msg) {
      button.disabled = false;
      bar.classList.add("hidden");
      label.textContent = "";
      errBox.textContent = t("sc.failed") + "：" + (msg || "");
      errBox.classList.remove("hidden");
    }
  }

  /* ----- a run's page ----- */
  var runData = CL.readJSON("run-data");
  if (runData) {
    var blk = document.getElementById("run-result");
    if (runData.result) renderResult(blk, runData.result);
    else if (runData.status === "queued" || runData.status === "running") {
      var b2 = document.getElementById("run-progress");
      var l2 = document.getElementById("run-status");
      poll(runData.id, b2, l2, function (run) { b2.classList.add("hidden"); renderResult(blk, run.result); },
           function (msg) { l2.textContent = t("sc.failed") + "：" + (msg || ""); });
    }
  }

  /* ----- comparing two runs ----- */
  var cmp = CL.readJSON("compare-data");
  if (cmp && cmp.length) {
    var results = [];
    cmp.forEach(function (run, i) {
      if (run.result) {
        results.push(run.result);
        renderResult(document.getElementById("run-result-" + i), run.result);
      }
    });
    if (results.length === 2) drawCompare(document.getElementById("chart-compare"), results);
  }

  /* ----- runs list: at most two boxes ticked ----- */
  var pick = document.getElementById("compare-form");
  if (pick) {
    pick.addEventListener("change", function () {
      var boxes = pick.querySelectorAll("input[name=run]");
      var on = Array.prototype.filter.call(boxes, function (b) { return b.checked; });
      Array.prototype.forEach.call(boxes, function (b) { b.disabled = !b.checked && on.length >= 2; });
      var btn = pick.querySelector("button[type=submit]");
      if (btn) btn.disabled = on.length !== 2;
    });
  }
})();
