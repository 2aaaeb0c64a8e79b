/* corridor report: draws the map and the Sankey diagram from the data embedded in the page.
   Plain JavaScript and SVG: no library, no network. */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var DATA = JSON.parse(document.getElementById("corridor-data").textContent);
  var RUNS = {};
  DATA.runs.forEach(function (run) {
    RUNS[run.name] = run;
    run.sourceById = {};
    run.sources.forEach(function (s) { run.sourceById[s.id] = s; });
  });
  var SANKEY_COLORS = ["#1f5f8b", "#c0504d", "#4f8a3b", "#8064a2", "#d68a1c", "#2a9d8f",
    "#b5651d", "#6c757d", "#e377c2", "#17becf", "#7f7f3f", "#9467bd"];
  var state = { run: DATA.runs[0], commodity: null };
  var tooltip = document.getElementById("tooltip");

  // ---------------------------------------------------------------- helpers
  function svg(name, attrs, parent) {
    var el = document.createElementNS(SVG_NS, name);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(el); }
    return el;
  }

  function html(name, className, text, parent) {
    var el = document.createElement(name);
    if (className) { el.className = className; }
    if (text !== undefined && text !== null) { el.textContent = text; }
    if (parent) { parent.appendChild(el); }
    return el;
  }

  var SUPERSCRIPT = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴",
    "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };

  function fmt(x) {
    if (x === null || x === undefined || Number.isNaN(x)) { return "–"; }
    if (x === 0) { return "0"; }
    var a = Math.abs(x);
    if (a >= 1e6) {
      var e = Math.floor(Math.log10(a));
      var m = Number((x / Math.pow(10, e)).toFixed(2));
      if (Math.abs(m) >= 10) { m /= 10; e += 1; }  // 9.999e9 is 1.00×10¹⁰
      var sup = String(e).split("").map(function (c) { return SUPERSCRIPT[c]; }).join("");
      return m.toFixed(2) + "×10" + sup;
    }
    if (a >= 100) { return Math.round(x).toLocaleString("en-US"); }
    if (a >= 1) { return x.toFixed(2).replace(/\.?0+$/, ""); }
    return x.toPrecision(2);
  }

  function pct(x) { return x === null || x === undefined ? "–" : Math.round(100 * x) + " %"; }

  function sum(items) { return items.reduce(function (a, n) { return a + n.value; }, 0); }

  // ---------------------------------------------------------------- tooltip
  function showTip(evt, title, rows, sourceIds) {
    tooltip.replaceChildren();
    html("div", "tt-title", title, tooltip);
    rows.forEach(function (row) {
      var line = html("div", "tt-row", null, tooltip);
      html("span", "tt-key", row[0], line);
      html("span", "tt-value", row[1], line);
    });
    (sourceIds || []).forEach(function (id) {
      var s = state.run.sourceById[id] || { publisher: "?", url: "" };
      html("div", "tt-src", "[" + id + "] " + s.publisher + (s.url ? " — " + s.url : ""), tooltip);
    });
    tooltip.hidden = false;
    moveTip(evt);
  }

  function moveTip(evt) {
    var w = tooltip.offsetWidth, h = tooltip.offsetHeight;
    var x = evt.clientX + 14, y = evt.clientY + 14;
    if (x + w > window.innerWidth - 4) { x = Math.max(4, evt.clientX - w - 14); }
    if (y + h > window.innerHeight - 4) { y = Math.max(4, evt.clientY - h - 14); }
    tooltip.style.left = x + "px";
    tooltip.style.top = y + "px";
  }

  function hideTip() { tooltip.hidden = true; }

  function hover(el, content) {
    el.addEventListener("mouseenter", function (evt) { content(evt); });
    el.addEventListener("mousemove", moveTip);
    el.addEventListener("mouseleave", hideTip);
  }

  // ---------------------------------------------------------------- map
  var B = DATA.bounds;  // [min lon, min lat, max lon, max lat]
  var KX = Math.cos(((B[1] + B[3]) / 2) * Math.PI / 180);
  var UNIT = 10;  // map units per degree of latitude
  var FULL = { x: 0, y: 0, w: (B[2] - B[0]) * KX * UNIT, h: (B[3] - B[1]) * UNIT };
  var FOCUS_PAD = 24;  // pixels around the corridor's box in its view
  var map = { host: document.getElementById("map") };

  function project(lon, lat) { return [(lon - B[0]) * KX * UNIT, (B[3] - lat) * UNIT]; }

  function hostSize() {
    return { w: map.host.clientWidth || 1000, h: map.host.clientHeight || 560 };
  }

  function within(start, size, fullStart, fullSize) {
    // a start that keeps [start, start + size] on the basemap, or centres it when too big
    if (size >= fullSize) { return fullStart + (fullSize - size) / 2; }
    return Math.min(Math.max(start, fullStart), fullStart + fullSize - size);
  }

  function setView(view, onBasemap) {
    // widen or heighten the box to the host's aspect so that a pixel is square; the
    // corridor's box (onBasemap) also keeps FOCUS_PAD pixels free around it for labels
    var size = hostSize(), pad = onBasemap ? Math.min(FOCUS_PAD, size.w / 8, size.h / 8) : 0;
    var aspect = (size.w - 2 * pad) / (size.h - 2 * pad);
    var w = view.w, h = view.h;
    if (w / h > aspect) { h = w / aspect; } else { w = h * aspect; }
    var s = w / (size.w - 2 * pad);  // map units per pixel
    w = size.w * s; h = size.h * s;
    var x = view.x + view.w / 2 - w / 2, y = view.y + view.h / 2 - h / 2;
    if (onBasemap) {  // a portrait phone heightens the box: keep it over the drawn countries
      x = within(x, w, FULL.x, FULL.w);
      y = within(y, h, FULL.y, FULL.h);
    }
    map.view = { x: x, y: y, w: w, h: h };
    map.asked = { view: view, onBasemap: onBasemap };  // what a resize fits again
    map.svg.setAttribute("viewBox", [map.view.x, map.view.y, w, h].join(" "));
    scaleMarks();
  }

  function scaleMarks() {
    var s = map.view.w / hostSize().w;  // map units per pixel
    map.svg.querySelectorAll("circle.node").forEach(function (c) {
      c.setAttribute("r", (c.classList.contains("major") ? 3.5 : 2.5) * s);
    });
    // labels in order of importance, each at the first free place around its node
    // (right above, right below, left above, left below); one with no free place is hidden.
    // minor nodes are labelled only once zoomed in three times past the whole region
    var placed = [], size = hostSize(), zoomed = map.view.w < FULL.w / 3;
    map.svg.querySelectorAll("text.label").forEach(function (t) {
      if (t.classList.contains("minor") && !zoomed) { t.style.display = "none"; return; }
      var spot = labelSpot(t, placed, size, s);
      t.style.display = spot ? "" : "none";
      if (!spot) { return; }
      placed.push(spot.box);
      t.setAttribute("x", Number(t.dataset.x) + spot.dx * s);
      t.setAttribute("y", Number(t.dataset.y) + spot.dy * s);
      t.setAttribute("text-anchor", spot.dx < 0 ? "end" : "start");
      t.setAttribute("font-size", 11 * s);
    });
  }

  // offsets in pixels from the node to the text's anchor (baseline) of each place tried
  var LABEL_SPOTS = [{ dx: 5, dy: -4 }, { dx: 5, dy: 13 }, { dx: -5, dy: -4 }, { dx: -5, dy: 13 }];

  function labelSpot(t, placed, size, s) {
    var v = map.view, w = Number(t.dataset.w) || 6.6 * t.textContent.length, h = 13;
    var px = (Number(t.dataset.x) - v.x) / s, py = (Number(t.dataset.y) - v.y) / s;
    var inView = px >= 0 && px <= size.w && py >= 0 && py <= size.h;
    var free = null;
    LABEL_SPOTS.some(function (spot) {
      var box = { x: spot.dx < 0 ? px + spot.dx - w : px + spot.dx, y: py + spot.dy - 11, w: w, h: h };
      var clash = placed.some(function (o) {
        return box.x < o.x + o.w && o.x < box.x + box.w && box.y < o.y + o.h && o.y < box.y + box.h;
      });
      var cut = box.x < 0 || box.x + w > size.w || box.y < 0 || box.y + h > size.h;
      if (clash || (inView && cut)) { return false; }
      free = { dx: spot.dx, dy: spot.dy, box: box };
      return true;
    });
    return free;
  }

  function nodesView(run) {
    var xs = [], ys = [];
    run.nodes.forEach(function (n) {
      var p = project(n.lon, n.lat);
      xs.push(p[0]); ys.push(p[1]);
    });
    if (!xs.length) { return FULL; }
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var m = 0.04 * Math.max(x1 - x0, y1 - y0, 10);
    return { x: x0 - m, y: y0 - m, w: x1 - x0 + 2 * m, h: y1 - y0 + 2 * m };
  }

  function focusView() {
    // the corridor's core (DATA.focus, set by the page's writer), else the whole network
    var F = DATA.focus;
    if (!F) { return nodesView(state.run); }
    var a = project(F[0], F[3]), b = project(F[2], F[1]);
    return { x: a[0], y: a[1], w: b[0] - a[0], h: b[1] - a[1] };
  }

  function initMap() {
    map.svg = svg("svg", { id: "map-svg", role: "img", "aria-label": "flow map" });
    map.host.insertBefore(map.svg, map.host.firstChild);
    var base = svg("g", { "class": "basemap" }, map.svg);
    DATA.basemap.forEach(function (country) {
      var d = country.rings.map(function (ring) {
        return "M" + ring.map(function (p) {
          var q = project(p[0], p[1]);
          return q[0].toFixed(1) + "," + q[1].toFixed(1);
        }).join("L") + "Z";
      }).join("");
      svg("path", { "class": "country", d: d, "fill-rule": "evenodd", "data-iso": country.iso }, base);
    });
    map.links = svg("g", { "class": "links" }, map.svg);
    map.nodes = svg("g", { "class": "nodes" }, map.svg);
    map.labels = svg("g", { "class": "labels" }, map.svg);
    setView(focusView(), true);
    wireZoom();
  }

  function wireZoom() {
    map.svg.addEventListener("wheel", function (evt) {
      evt.preventDefault();
      var rect = map.svg.getBoundingClientRect();
      var v = map.view, f = Math.exp(evt.deltaY * 0.0015);
      var w = Math.min(Math.max(v.w * f, FULL.w / 60), FULL.w * 1.5);
      f = w / v.w;
      var mx = v.x + (evt.clientX - rect.left) / rect.width * v.w;
      var my = v.y + (evt.clientY - rect.top) / rect.height * v.h;
      setView({ x: mx - (mx - v.x) * f, y: my - (my - v.y) * f, w: v.w * f, h: v.h * f });
    }, { passive: false });
    var drag = null;
    map.svg.addEventListener("pointerdown", function (evt) {
      drag = { x: evt.clientX, y: evt.clientY, view: map.view };
      map.svg.setPointerCapture(evt.pointerId);
      map.host.classList.add("dragging");
    });
    map.svg.addEventListener("pointermove", function (evt) {
      if (!drag) { return; }
      var s = drag.view.w / map.svg.getBoundingClientRect().width;
      setView({ x: drag.view.x - (evt.clientX - drag.x) * s, y: drag.view.y - (evt.clientY - drag.y) * s,
        w: drag.view.w, h: drag.view.h });
    });
    function stop() { drag = null; map.host.classList.remove("dragging"); }
    map.svg.addEventListener("pointerup", stop);
    map.svg.addEventListener("pointercancel", stop);
    var corridor = document.getElementById("map-corridor");
    corridor.hidden = !DATA.focus;
    corridor.addEventListener("click", function () { setView(focusView(), true); });
    document.getElementById("map-whole").addEventListener("click", function () {
      setView(nodesView(state.run));
    });
    // fit the box last asked for, not the one shown: refitting that would grow it each time
    window.addEventListener("resize", function () { setView(map.asked.view, map.asked.onBasemap); });
  }

  function linkPath(link, index, count) {
    var a = project(link.coords[0][0], link.coords[0][1]);
    var b = project(link.coords[1][0], link.coords[1][1]);
    if (count < 2) { return "M" + a.join(",") + "L" + b.join(","); }
    // parallel links between the same nodes bend apart
    var dx = b[0] - a[0], dy = b[1] - a[1], len = Math.sqrt(dx * dx + dy * dy) || 1;
    var k = (index - (count - 1) / 2) * 0.18 * len;
    var sign = link.from < link.to ? 1 : -1;
    var cx = (a[0] + b[0]) / 2 - dy / len * k * sign, cy = (a[1] + b[1]) / 2 + dx / len * k * sign;
    return "M" + a.join(",") + "Q" + cx + "," + cy + " " + b.join(",");
  }

  function linkTip(evt, link) {
    var flows = link.flows.length
      ? link.flows.map(function (f) { return fmt(f.flow) + " " + f.unit + " " + f.commodity.replace(/_/g, " "); }).join("; ")
      : "no flow";
    var rows = [
      ["id", link.id],
      ["mode", link.mode],
      ["commodities", link.commodities.join(", ").replace(/_/g, " ")],
      ["flow", flows],
      ["capacity", link.capacity === null ? "not limited in the data" : fmt(link.capacity) + " " + link.unit],
      ["capacity used", link.capacity === null ? "–" : fmt(link.capacity_used) + " " + link.unit + " (" + pct(link.utilisation) + ")"],
      ["one more unit is worth", link.worth],
      ["status", link.status + (link.binding ? " · capacity binds" : "")],
      ["sources", link.sources.length ? "" : "none recorded"]
    ];
    showTip(evt, link.name, rows, link.sources);
  }

  function nodeTip(evt, node) {
    showTip(evt, node.name, [["id", node.id], ["kind", node.kind], ["country", node.country],
      ["sources", node.sources.length ? "" : "none recorded"]], node.sources);
  }

  function drawMap(run) {
    [map.links, map.nodes, map.labels].forEach(function (g) { g.replaceChildren(); });
    var pairs = {};
    run.links.forEach(function (link) {
      var key = [link.from, link.to].sort().join("|");
      pairs[key] = (pairs[key] || 0) + 1;
    });
    var seen = {};
    // unused links first, so that used ones are drawn on top
    var order = run.links.slice().sort(function (a, b) { return (a.used - b.used) || (a.share - b.share); });
    order.forEach(function (link) {
      var key = [link.from, link.to].sort().join("|");
      seen[key] = (seen[key] || 0) + 1;
      var d = linkPath(link, seen[key] - 1, pairs[key]);
      var width = link.used ? 1.5 + 7 * Math.min(link.share, 1) : 1;
      var color = link.used ? (DATA.modes[link.mode] || "#555") : DATA.colors.unused;
      var g = svg("g", { "class": "link-group", "data-id": link.id }, map.links);
      if (link.binding) {
        svg("path", { "class": "link-halo", d: d, stroke: DATA.colors.binding,
          "stroke-width": width + 6, "stroke-dasharray": "6 4" }, g);
      }
      var line = svg("path", { "class": "link-line", d: d, stroke: color, "stroke-width": width,
        "data-id": link.id, "data-mode": link.mode }, g);
      if (!link.used && link.status !== "operating") { line.setAttribute("stroke-dasharray", "2 3"); }
      svg("path", { "class": "link-hit", d: d, "data-id": link.id }, g);
      hover(g, function (evt) { linkTip(evt, link); });
    });
    var byWeight = run.nodes.slice().sort(function (a, b) {
      return (b.major - a.major) || (b.weight - a.weight);
    });
    byWeight.forEach(function (node) {
      var p = project(node.lon, node.lat);
      var c = svg("circle", { "class": "node" + (node.major ? " major" : ""), cx: p[0], cy: p[1],
        r: 1, "data-id": node.id }, map.nodes);
      hover(c, function (evt) { nodeTip(evt, node); });
      var t = svg("text", { "class": "label" + (node.major ? "" : " minor"), "data-x": p[0],
        "data-y": p[1], "data-id": node.id }, map.labels);
      t.textContent = node.label;
    });
    // each label's width in pixels at 11 px, measured once (placing labels needs it)
    map.labels.querySelectorAll("text.label").forEach(function (t) {
      t.setAttribute("font-size", 11);
      t.dataset.w = t.getComputedTextLength().toFixed(1);
    });
    map.host.dataset.run = run.name;
    scaleMarks();
  }

  // ---------------------------------------------------------------- Sankey
  function orderByParents(column, bands, position) {
    // order a column by the mean position of the nodes feeding it (fewer crossings)
    column.forEach(function (n) {
      var w = 0, s = 0;
      bands.forEach(function (b) {
        if (b.target === n.id && position[b.source] !== undefined) { w += b.value; s += b.value * position[b.source]; }
      });
      n.rank = w > 0 ? s / w : 0;
    });
    column.sort(function (a, b) { return a.rank - b.rank || b.value - a.value; });
    column.forEach(function (n, i) { position[n.id] = i; });
  }

  function drawSankey(run, commodity) {
    var host = document.getElementById("sankey");
    host.replaceChildren();
    var data = run.sankey[commodity];
    document.getElementById("sankey-unit").textContent = data ? "values in " + data.unit : "";
    if (!data) { html("p", "empty", "No flows in this run.", host); return; }
    var W = 1100, NODE_W = 14, PAD = 14, M = { l: 250, r: 290, t: 30, b: 12 };
    var cols = [[], [], []], byId = {};
    data.nodes.forEach(function (n) {
      var copy = { id: n.id, name: n.name, label: n.label, column: n.column, value: n.value, out: [], in: [] };
      cols[n.column].push(copy);
      byId[n.id] = copy;
    });
    var position = {};
    cols[0].sort(function (a, b) { return b.value - a.value; });
    cols[0].forEach(function (n, i) { position[n.id] = i; });
    orderByParents(cols[1], data.links, position);
    orderByParents(cols[2], data.links, position);
    var maxN = Math.max.apply(null, cols.map(function (c) { return c.length; }));
    var H = Math.max(240, maxN * 38 + M.t + M.b);
    var innerH = H - M.t - M.b;
    var ky = Math.min.apply(null, cols.filter(function (c) { return c.length; }).map(function (c) {
      return (innerH - (c.length - 1) * PAD) / (sum(c) || 1);
    }));
    var xs = [M.l, M.l + (W - M.l - M.r - NODE_W) / 2, W - M.r - NODE_W];
    var color = {};
    cols.forEach(function (c, ci) {
      var y = M.t + (innerH - (sum(c) * ky + (c.length - 1) * PAD)) / 2;
      c.forEach(function (n, i) {
        n.x = xs[ci]; n.y = y; n.h = Math.max(n.value * ky, 1);
        y += n.h + PAD;
        color[n.id] = ci === 1 ? "#6b7280" : SANKEY_COLORS[i % SANKEY_COLORS.length];
      });
    });
    var bands = data.links.map(function (b) {
      var band = { source: byId[b.source], target: byId[b.target], value: b.value };
      band.source.out.push(band); band.target.in.push(band);
      return band;
    });
    Object.keys(byId).forEach(function (id) {
      var n = byId[id], y = n.y;
      n.out.sort(function (a, b) { return a.target.y - b.target.y; });
      n.out.forEach(function (b) { b.h = Math.max(b.value * ky, 0.8); b.sy = y; y += b.value * ky; });
      y = n.y;
      n.in.sort(function (a, b) { return a.source.y - b.source.y; });
      n.in.forEach(function (b) { b.ty = y; y += b.value * ky; });
    });
    var root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "Sankey diagram" }, host);
    ["supplier", "transit countries", "market"].forEach(function (t, i) {
      var x = i === 0 ? xs[0] + NODE_W : i === 2 ? xs[2] : xs[1] + NODE_W / 2;
      var text = svg("text", { "class": "column", x: x, y: 16, "text-anchor": i === 0 ? "end" : i === 2 ? "start" : "middle" }, root);
      text.textContent = t;
    });
    var gb = svg("g", { "class": "bands" }, root);
    bands.forEach(function (b) {
      var x0 = b.source.x + NODE_W, x1 = b.target.x, xm = (x0 + x1) / 2;
      var d = "M" + x0 + "," + b.sy + "C" + xm + "," + b.sy + " " + xm + "," + b.ty + " " + x1 + "," + b.ty +
        "L" + x1 + "," + (b.ty + b.h) + "C" + xm + "," + (b.ty + b.h) + " " + xm + "," + (b.sy + b.h) + " " +
        x0 + "," + (b.sy + b.h) + "Z";
      var fill = b.source.column === 0 ? color[b.source.id] : color[b.target.id];
      var path = svg("path", { "class": "band", d: d, fill: fill }, gb);
      hover(path, function (evt) {
        showTip(evt, b.source.name + " → " + b.target.name, [["volume", fmt(b.value) + " " + data.unit]]);
      });
    });
    var gn = svg("g", { "class": "snodes" }, root);
    Object.keys(byId).forEach(function (id) {
      var n = byId[id];
      var rect = svg("rect", { "class": "snode", x: n.x, y: n.y, width: NODE_W, height: n.h, fill: color[id] }, gn);
      hover(rect, function (evt) { showTip(evt, n.name, [["volume", fmt(n.value) + " " + data.unit]]); });
      var left = n.column === 0;
      var text = svg("text", { x: left ? n.x - 6 : n.x + NODE_W + 6, y: n.y + n.h / 2,
        "dominant-baseline": "middle", "text-anchor": left ? "end" : "start" }, gn);
      text.textContent = n.label + "  " + fmt(n.value);
    });
  }

  function fillCommodities(run) {
    var select = document.getElementById("commodity-select");
    var names = Object.keys(run.sankey).sort();
    select.replaceChildren();
    names.forEach(function (c) {
      var opt = html("option", null, c.replace(/_/g, " ") + " (" + run.sankey[c].unit + ")", select);
      opt.value = c;
    });
    if (names.indexOf(state.commodity) < 0) {
      // default: the commodity with the most routes
      state.commodity = names.slice().sort(function (a, b) {
        return run.sankey[b].links.length - run.sankey[a].links.length;
      })[0] || null;
    }
    if (state.commodity) { select.value = state.commodity; }
  }

  // ---------------------------------------------------------------- runs
  function selectRun(name) {
    state.run = RUNS[name];
    document.querySelectorAll(".run-block").forEach(function (el) {
      el.classList.toggle("hidden", el.dataset.run !== name);
    });
    hideTip();
    drawMap(state.run);
    fillCommodities(state.run);
    drawSankey(state.run, state.commodity);
  }

  initMap();
  document.getElementById("commodity-select").addEventListener("change", function (evt) {
    state.commodity = evt.target.value;
    drawSankey(state.run, state.commodity);
  });
  var runSelect = document.getElementById("run-select");
  if (runSelect) {
    runSelect.addEventListener("change", function (evt) { selectRun(evt.target.value); });
  }
  selectRun(state.run.name);
  document.body.dataset.ready = "true";
})();
