/* Chain map: tiers left -> right (preset positions), colour = warning level, size = sqrt(value),
   diamonds = chokepoints; click a product for its side panel. Built to stay interactive at 5,000 nodes:
   preset layout (no physics), textures while panning/zooming; above 1,500 products the edges are drawn on a
   canvas under cytoscape (only a selected node's paths become cytoscape edges) and labels wait for a zoom-in. */
(function () {
  "use strict";
  /* performance marks (cl-map-*) let benchmarks/bench_web.py say where the time goes */
  function mark(name) { if (window.performance && performance.mark) performance.mark("cl-map-" + name); }
  mark("start");
  var CL = window.CL;
  var t = CL.t, el = CL.el, fmt = CL.fmt;
  var COLORS = { red: "#d64541", yellow: "#f0ad4e", blue: "#3a7bd5", none: "#9aa3ad" };
  var container = document.getElementById("cy");
  var cfg = CL.readJSON("map-config") || {};
  var payload = CL.readJSON("map-data") || { nodes: [], edges: [] };
  var panel = document.getElementById("nodepanel");
  var countEl = document.getElementById("map-counts");
  var cy = null;
  var selected = null;
  var bigGraph = false;
  var edgeLayer = null;  // big graphs: the bill-of-materials edges on a plain canvas under cytoscape

  function apiBase() { return "/api/v1/chains/" + encodeURIComponent(cfg.dataset) + "/" + encodeURIComponent(cfg.chain); }

  /* positions: each tier is a band of columns; within a tier, nodes ordered by the mean rank of the
     products they feed (barycentre, right to left) so edges cross less. O(nodes + edges). */
  function layout(nodes, edges) {
    var byTier = {};
    var maxTier = 0;
    nodes.forEach(function (n) {
      var k = n.tier || 0;
      (byTier[k] = byTier[k] || []).push(n);
      if (k > maxTier) maxTier = k;
    });
    var targets = {};
    edges.forEach(function (e) { (targets[e.source] = targets[e.source] || []).push(e.target); });
    var total = nodes.length;
    var perCol = Math.max(14, Math.ceil(Math.sqrt(total) * 2.5));
    var rank = {};
    var pos = {};
    var gapY = total > 1500 ? 34 : 46;
    var colW = total > 1500 ? 150 : 190;
    var tierCols = {};
    var k, i;
    for (k = maxTier; k >= 0; k--) {
      var list = byTier[k] || [];
      list.forEach(function (n) {
        var ts = targets[n.id] || [];
        var s = 0, c = 0;
        ts.forEach(function (tg) { if (rank[tg] !== undefined) { s += rank[tg]; c++; } });
        n._bary = c ? s / c : Infinity;
      });
      list.sort(function (a, b) {
        if (a._bary !== b._bary) return a._bary < b._bary ? -1 : 1;
        return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      });
      var cols = Math.max(1, Math.ceil(list.length / perCol));
      tierCols[k] = cols;
      for (i = 0; i < list.length; i++) rank[list[i].id] = i / Math.max(1, list.length - 1);
    }
    var x = 0;
    var tierX = {};
    for (k = 0; k <= maxTier; k++) {
      var lst = byTier[k] || [];
      var ncol = tierCols[k] || 1;
      var rows = Math.ceil(lst.length / ncol);
      tierX[k] = x;
      for (i = 0; i < lst.length; i++) {
        var col = Math.floor(i / Math.max(1, rows));
        var row = i % Math.max(1, rows);
        pos[lst[i].id] = { x: x + col * colW * 0.55, y: (row - (rows - 1) / 2) * gapY };
      }
      x += colW + (ncol - 1) * colW * 0.55;
    }
    // stretch vertically so the drawing fills the container's shape (a wide, flat drawing fits too small)
    var minY = Infinity, maxY = -Infinity, maxX = 0;
    Object.keys(pos).forEach(function (id) {
      var q = pos[id];
      if (q.y < minY) minY = q.y;
      if (q.y > maxY) maxY = q.y;
      if (q.x > maxX) maxX = q.x;
    });
    var h = maxY - minY, w = maxX;
    var ratio = container.clientHeight / Math.max(1, container.clientWidth);
    if (h > 0 && w > 0 && h / w < ratio) {
      var stretch = Math.min(3, (ratio * w) / h);
      Object.keys(pos).forEach(function (id) { pos[id].y *= stretch; });
    }
    return pos;
  }

  var view = { zoom: 1, pan: { x: 0, y: 0 } };

  /* zoom and pan that fit the node positions into the container (node size as margin) */
  function fitView(els) {
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity, m = 0;
    els.forEach(function (e) {
      if (e.group !== "nodes") return;
      var p = e.position;
      if (p.x < x0) x0 = p.x;
      if (p.x > x1) x1 = p.x;
      if (p.y < y0) y0 = p.y;
      if (p.y > y1) y1 = p.y;
      if (e.data.size > m) m = e.data.size;
    });
    if (x0 === Infinity) return { zoom: 1, pan: { x: 0, y: 0 } };
    var pad = 30;
    x0 -= m; x1 += m; y0 -= m; y1 += m + 14;  // room for the label under the lowest node
    var w = Math.max(1, container.clientWidth - 2 * pad), h = Math.max(1, container.clientHeight - 2 * pad);
    var zoom = Math.min(4, Math.max(0.02, Math.min(w / (x1 - x0), h / (y1 - y0))));
    return { zoom: zoom, pan: { x: pad + (w - zoom * (x1 - x0)) / 2 - zoom * x0, y: pad + (h - zoom * (y1 - y0)) / 2 - zoom * y0 } };
  }

  function elements(data) {
    var nodes = data.nodes || [];
    var edges = data.edges || [];
    var maxV = 0;
    nodes.forEach(function (n) { if (n.value && n.value > maxV) maxV = n.value; });
    var pos = layout(nodes, edges);
    var big = nodes.length > 1500;
    var minS = big ? 10 : 16, span = big ? 26 : 44;
    var ids = {};
    var out = nodes.map(function (n) {
      ids[n.id] = true;
      var size = (n.value && maxV > 0) ? minS + span * Math.sqrt(n.value / maxV) : minS;
      // big graphs: a few size steps, so cytoscape's texture cache shares one texture among many nodes
      if (big) size = minS + Math.round((size - minS) / span * 5) * span / 5;
      var name = CL.pick(n, "name");
      var grade = n.grade ? t("grade." + n.grade) : "";
      return {
        group: "nodes",
        data: { id: n.id, label: grade ? name + " · " + grade : name, risk: n.risk || "none",
                size: size, choke: n.chokepoint ? 1 : 0, key: n.key_link ? 1 : 0, fin: n.final ? 1 : 0 },
        position: pos[n.id]
      };
    });
    // inputs of one product in one input group are interchangeable (OR); different groups are all needed (AND)
    var groupSize = {};
    edges.forEach(function (e) { var k = e.target + "|" + (e.group || ""); groupSize[k] = (groupSize[k] || 0) + 1; });
    edges.forEach(function (e, i) {
      if (ids[e.source] && ids[e.target]) {
        var alt = e.group && groupSize[e.target + "|" + e.group] > 1 ? 1 : 0;
        out.push({ group: "edges", data: { id: "e" + i, source: e.source, target: e.target, alt: alt } });
      }
    });
    return out;
  }

  /* big graphs get the cheap style: no borders, opaque single-colour haystack edges, no dashes, labels
     only when zoomed in (cytoscape skips text below min-zoomed-font-size) */
  function style(n) {
    var big = n > 1500;
    var mid = n > 300;
    var edge;
    if (big) edge = { "curve-style": "haystack", "haystack-radius": 0, "width": 0.6, "line-color": "#d3d8de" };
    else if (mid) edge = { "curve-style": "haystack", "haystack-radius": 0, "width": 0.8, "line-color": "#b9c0c9" };
    else edge = { "curve-style": "straight", "width": 1, "line-color": "#b0b8c2", "target-arrow-shape": "triangle",
                  "target-arrow-color": "#b0b8c2", "arrow-scale": 0.7 };
    var sheet = [
      { selector: "node", style: {
        "background-color": COLORS.none, "width": "data(size)", "height": "data(size)",
        "label": "data(label)", "font-size": big ? 9 : (mid ? 12 : 15), "min-zoomed-font-size": big ? 9 : 7,
        "text-valign": "bottom", "text-margin-y": 3, "color": "#1f2933",
        "text-background-color": "#ffffff", "text-background-opacity": big ? 0 : 0.75, "text-background-padding": 1,
        "font-family": "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif",
        "border-width": big ? 0 : 1, "border-color": "#ffffff" } },
      { selector: "node[risk = 'red']", style: { "background-color": COLORS.red } },
      { selector: "node[risk = 'yellow']", style: { "background-color": COLORS.yellow } },
      { selector: "node[risk = 'blue']", style: { "background-color": COLORS.blue } },
      { selector: "node[key = 1]", style: { "border-width": big ? 1.5 : 2.5, "border-color": "#7a5200" } },
      { selector: "node[choke = 1]", style: { "shape": "diamond", "border-width": big ? 2 : 3, "border-color": "#111111" } },
      { selector: "node[fin = 1]", style: { "shape": "round-rectangle" } },
      { selector: "edge", style: edge }
    ];
    // big graphs: edges take no pointer events, so hit-testing a mouse move or click looks at nodes only
    if (big) edge.events = "no";
    if (big) delete sheet[0].style.label;  // big graphs: labels come with zooming in (labelsOnZoom)
    if (!big) sheet.push({ selector: "edge[alt = 1]", style: { "line-style": "dashed" } });
    return sheet.concat([
      { selector: ".faded", style: { "opacity": 0.12 } },
      { selector: "edge.hl", style: { "line-color": "#1d4f91", "target-arrow-color": "#1d4f91", "opacity": 1, "width": 2, "line-style": "solid" } },
      { selector: "node.hl", style: big ? { "border-width": 2, "border-color": "#1d4f91" } : { "opacity": 1 } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#1d4f91", "overlay-opacity": 0 } }
    ]);
  }

  function build(data) {
    mark("build");
    var els = elements(data);
    mark("elements");
    var n = (data.nodes || []).length;
    bigGraph = n > 1500;
    view = fitView(els);
    if (cy) cy.destroy();
    if (edgeLayer) edgeLayer.remove();
    edgeLayer = null;
    if (bigGraph) {
      // 15,000 edges as cytoscape elements cost a second of styling, bounding boxes and texture caching before
      // the first frame; as one canvas path they draw in milliseconds. The edges of a selected node's paths
      // are added to cytoscape as real, highlighted edges (highlight()).
      edgeLayer = makeEdgeLayer(els.filter(function (e) { return e.group === "edges"; }),
                                els.filter(function (e) { return e.group === "nodes"; }));
      els = els.filter(function (e) { return e.group === "nodes"; });
    }
    cy = window.cytoscape({
      container: container,
      elements: els,
      // the viewport is computed from the preset positions: cytoscape's own fit would measure every label
      layout: { name: "preset", fit: false },
      zoom: view.zoom, pan: view.pan,
      style: style(n),
      minZoom: 0.02, maxZoom: 4,
      textureOnViewport: true, hideEdgesOnViewport: n > 1500, motionBlur: false,
      pixelRatio: n > 1500 ? 1 : "auto", boxSelectionEnabled: false, autoungrabify: true
    });
    mark("cytoscape");
    cy.on("tap", "node", function (ev) { mark("tap"); select(ev.target.id()); });
    cy.on("tap", function (ev) { if (ev.target === cy) clearHighlight(); });
    if (countEl) countEl.textContent = n + " " + t("map.nodes") + " · " + (data.edges || []).length + " " + t("map.edges");
    if (bigGraph) labelsOnZoom(cy);
    if (edgeLayer) {
      cy.on("viewport resize", edgeLayer.draw);
      edgeLayer.draw();
    }
    // ready = drawn: the first frame is on the canvas and clicks are answered
    cy.one("render", function () {
      mark("rendered");
      document.body.setAttribute("data-map-ready", "1");
      window.CL_MAP_READY = true;
    });
  }

  /* labels of a big graph are only legible from zoom ~1 (min-zoomed-font-size); measuring 5,000 labels that
     cannot be read would slow the first drawing, so the label style is added on the first zoom-in */
  function labelsOnZoom(c) {
    function check() {
      if (c.zoom() < 0.9) return;
      c.off("zoom", check);
      c.style().selector("node").style("label", "data(label)").update();
    }
    c.on("zoom", check);
  }

  /* the edge layer: one canvas under cytoscape's, redrawn with its pan and zoom; adjacency for the paths */
  function makeEdgeLayer(edgeEls, nodeEls) {
    var at = {};
    nodeEls.forEach(function (e) { at[e.data.id] = e.position; });
    var m = edgeEls.length, xy = new Float64Array(4 * m);
    var up = {}, down = {};
    edgeEls.forEach(function (e, i) {
      var a = at[e.data.source], b = at[e.data.target];
      xy[4 * i] = a.x; xy[4 * i + 1] = a.y; xy[4 * i + 2] = b.x; xy[4 * i + 3] = b.y;
      (down[e.data.source] = down[e.data.source] || []).push(e.data.target);
      (up[e.data.target] = up[e.data.target] || []).push(e.data.source);
    });
    var canvas = document.createElement("canvas");
    canvas.className = "edgelayer";
    canvas.setAttribute("aria-hidden", "true");
    container.insertBefore(canvas, container.firstChild);
    var ctx = canvas.getContext("2d");
    function draw() {
      if (!cy) return;
      var w = container.clientWidth, h = container.clientHeight;
      if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
      var z = cy.zoom(), p = cy.pan();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, w, h);
      ctx.setTransform(z, 0, 0, z, p.x, p.y);
      ctx.lineWidth = Math.max(0.6, 0.6 * z) / z;  // as the haystack edges: 0.6 units, at least 0.6 px
      ctx.strokeStyle = "#d3d8de";
      ctx.beginPath();
      for (var i = 0; i < m; i++) {
        ctx.moveTo(xy[4 * i], xy[4 * i + 1]);
        ctx.lineTo(xy[4 * i + 2], xy[4 * i + 3]);
      }
      ctx.stroke();
    }
    /* every product upstream of id (its inputs, their inputs, ...) and downstream, and the edges between */
    function paths(id) {
      var nodes = {}, edges = [];
      nodes[id] = true;
      [[up, true], [down, false]].forEach(function (dir) {
        var adj = dir[0], seen = {}, stack = [id];
        seen[id] = true;
        while (stack.length) {
          var v = stack.pop();
          (adj[v] || []).forEach(function (u) {
            edges.push(dir[1] ? [u, v] : [v, u]);
            if (!seen[u]) { seen[u] = true; nodes[u] = true; stack.push(u); }
          });
        }
      });
      return { nodes: Object.keys(nodes), edges: edges };
    }
    return { draw: draw, paths: paths, remove: function () { canvas.remove(); } };
  }

  function clearHighlight() {
    if (!cy) return;
    cy.batch(function () {
      if (edgeLayer) cy.remove(cy.edges());
      cy.elements().removeClass("faded hl");
    });
  }

  function highlight(id) {
    var node = cy.getElementById(id);
    if (node.empty()) return;
    if (edgeLayer) {
      var found = edgeLayer.paths(id);
      cy.batch(function () {
        cy.remove(cy.edges());
        cy.nodes(".hl").removeClass("hl");
        cy.add(found.edges.map(function (st, i) {
          return { group: "edges", data: { id: "hl" + i, source: st[0], target: st[1] }, classes: "hl" };
        }));
        cy.collection(found.nodes.map(function (v) { return cy.getElementById(v); })).addClass("hl");
      });
      cy.elements(":selected").unselect();
      node.select();
      return;
    }
    var hood = node.predecessors().union(node.successors()).union(node);
    cy.batch(function () {
      cy.elements().addClass("faded").removeClass("hl");
      hood.removeClass("faded").addClass("hl");
    });
    cy.elements(":selected").unselect();
    node.select();
  }

  function select(id) {
    selected = id;
    highlight(id);
    mark("highlighted");
    openPanel(id);
    if (history.replaceState) {
      var u = new URL(window.location.href);
      u.searchParams.set("node", id);
      history.replaceState(null, "", u.toString());
    }
  }

  /* ----- side panel ----- */
  function countryName(code) { return code ? ((cfg.country_names || {})[code] || code) : "–"; }
  function productLink(ref) {
    var a = el("a", { href: "#", "data-node": ref.id }, [CL.pick(ref, "name")]);
    return a;
  }
  function section(title, body) { return el("section", null, [el("h4", { text: title }), body]); }

  function renderPanel(d) {
    var p = d.product || {};
    var risk = d.risk;
    var body = [];
    body.push(el("button", { cls: "btn small close", type: "button", "data-close": "1" }, [t("node.close")]));
    body.push(el("h3", null, [CL.pick(p, "name")]));
    var tags = el("div", { cls: "counts" }, [CL.sevBadge(risk ? risk.severity : "none")]);
    if (risk && risk.score !== undefined) tags.appendChild(el("span", { cls: "muted small" }, [t("col.score") + " " + fmt(risk.score, 2)]));
    tags.appendChild(el("span", { cls: "tag" }, [t("stage." + p.stage)]));
    if (p.grade) tags.appendChild(el("span", { cls: "tag" }, [t("grade." + p.grade)]));
    if (p.key_link) tags.appendChild(el("span", { cls: "tag key" }, [t("map.key_link")]));
    if (risk && (risk.rules || []).indexOf("chokepoint") >= 0) tags.appendChild(el("span", { cls: "tag choke" }, [t("map.chokepoint")]));
    body.push(tags);
    if (risk) {
      body.push(el("p", { cls: "explain" }, [CL.pick(risk, "explanation")]));
    }
    // enterprises and capacities
    var ents = d.enterprises || [];
    var entRows = ents.map(function (e) {
      var where = e.province ? ((cfg.province_names || {})[e.province] || e.province_name_zh || e.province) : "";
      if (!e.province) where = countryName(e.country);
      return [CL.pick(e, "name"), where, fmt(e.capacity), fmt(e.output), e.standard_grade || "–", e.ramp_up_days === null || e.ramp_up_days === undefined ? "–" : fmt(e.ramp_up_days, 0)];
    });
    var entBody = ents.length ? CL.table([
      { label: t("col.enterprise") }, { label: t("col.province") }, { label: t("col.capacity"), num: true },
      { label: t("col.output"), num: true }, { label: t("col.grade") }, { label: t("col.ramp"), num: true }], entRows)
      : el("p", { cls: "muted" }, [t("node.none")]);
    entBody.classList.add("ents");
    var entWrap = el("div", null, [entBody]);
    if (d.hidden && (d.hidden.note_zh || d.hidden.note_en)) entWrap.appendChild(el("p", { cls: "muted small" }, [CL.pick(d.hidden, "note")]));
    body.push(section(t("node.enterprises") + (p.unit ? " (" + p.unit + ")" : ""), entWrap));
    // evidence
    var ev = [];
    if (p.evidence && (p.evidence.source || p.evidence.as_of)) {
      ev.push(el("li", null, [(p.evidence.source || "–") + (p.evidence.as_of ? " · " + p.evidence.as_of : "") + (p.evidence.confidence ? " · " + p.evidence.confidence : "")]));
    }
    ents.forEach(function (e) {
      if (e.evidence && e.evidence.source) {
        ev.push(el("li", null, [CL.pick(e, "name") + "：" + e.evidence.source + (e.evidence.as_of ? " · " + e.evidence.as_of : "") + (e.evidence.confidence ? " · " + e.evidence.confidence : "")]));
      }
    });
    if (risk && risk.rules && risk.rules.length) {
      var rl = (cfg.rule_labels || {});
      ev.unshift(el("li", null, [t("col.rules") + "：" + risk.rules.map(function (r) { return rl[r] || r; }).join("、")]));
    }
    body.push(section(t("node.evidence"), ev.length ? el("ul", { cls: "small" }, ev.slice(0, 12)) : el("p", { cls: "muted" }, [t("node.none")])));
    // backups
    var cands = d.candidates || [];
    var candBody = cands.length ? CL.table([
      { label: "#" }, { label: t("col.enterprise") }, { label: t("col.province") }, { label: t("col.standard") },
      { label: t("col.grade") }, { label: t("col.headroom"), num: true }, { label: t("col.ramp"), num: true }],
      cands.map(function (c) {
        return [c.rank, CL.pick(c, "name"), c.province ? (cfg.province_names || {})[c.province] || c.province : countryName(c.country),
                t("std." + c.standard), c.grade === null || c.grade === undefined ? "–" : c.grade, fmt(c.headroom), c.ramp_up_days === null || c.ramp_up_days === undefined ? "–" : fmt(c.ramp_up_days, 0)];
      })) : el("p", { cls: "muted" }, [t("node.none")]);
    candBody.classList.add("cands");
    body.push(section(t("node.backups"), candBody));
    // inputs / used in
    function refs(list) {
      if (!list || !list.length) return el("p", { cls: "muted" }, [t("node.none")]);
      var ul = el("ul", { cls: "small" });
      list.forEach(function (r) { ul.appendChild(el("li", null, [productLink(r), r.group ? " (" + r.group + ")" : ""])); });
      return ul;
    }
    body.push(section(t("node.inputs"), refs(d.inputs)));
    body.push(section(t("node.users"), refs(d.used_in)));
    panel.replaceChildren.apply(panel, body);
    mark("panel");
  }

  function openPanel(id) {
    panel.classList.remove("hidden");
    panel.replaceChildren(el("p", { cls: "muted" }, [t("node.loading")]));
    CL.api(apiBase() + "/nodes/" + encodeURIComponent(id)).then(function (d) {
      if (selected === id) renderPanel(d);
    }, function (err) {
      panel.replaceChildren(el("p", { cls: "notice error" }, [t("node.failed") + "：" + err.message]));
    });
  }

  panel.addEventListener("click", function (ev) {
    var target = ev.target;
    if (!(target instanceof Element)) return;
    var link = target.closest("[data-node]");
    if (link) {
      ev.preventDefault();
      var id = link.getAttribute("data-node");
      if (cy && !cy.getElementById(id).empty()) {
        select(id);
        cy.animate({ center: { eles: cy.getElementById(id) }, zoom: Math.max(cy.zoom(), 0.8) }, { duration: 250 });
      } else {
        selected = id;
        openPanel(id);
      }
      return;
    }
    if (target.closest("[data-close]")) {
      panel.classList.add("hidden");
      selected = null;
      clearHighlight();
    }
  });

  /* ----- filters: refetch the map ----- */
  var form = document.getElementById("map-filter");
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      refetch();
    });
    form.addEventListener("change", function () { refetch(); });
  }
  function refetch() {
    var region = form.elements.namedItem("region").value;
    var country = form.elements.namedItem("country").value;
    var q = new URLSearchParams();
    if (region) q.set("region", region);
    if (country) q.set("country", country);
    document.body.removeAttribute("data-map-ready");
    CL.api(apiBase() + "/map" + (q.toString() ? "?" + q.toString() : "")).then(function (data) {
      payload = data;
      build(data);
      var u = new URL(window.location.href);
      u.searchParams.delete("region"); u.searchParams.delete("country"); u.searchParams.delete("node");
      q.forEach(function (v, k) { u.searchParams.set(k, v); });
      if (history.replaceState) history.replaceState(null, "", u.toString());
    }, function (err) {
      if (countEl) countEl.textContent = t("node.failed") + "：" + err.message;
    });
  }

  var fitBtn = document.getElementById("map-fit");
  if (fitBtn) fitBtn.addEventListener("click", function () {
    if (cy) cy.viewport(fitView(cy.nodes().map(function (nd) { return { group: "nodes", position: nd.position(), data: nd.data() }; })));
  });

  build(payload);
  var initial = new URL(window.location.href).searchParams.get("node");
  if (initial && cy && !cy.getElementById(initial).empty()) select(initial);
})();
