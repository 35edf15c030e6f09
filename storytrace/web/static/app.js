// storytrace explorer: the outlet network as a small force layout (no library, no CDN).
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";

function el(name, attrs) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  return node;
}

function layout(nodes, edges, width, height) {
  // Fruchterman-Reingold: springs along edges, repulsion between all nodes, and a weak
  // pull to the centre so that unconnected groups stay near; then fit to the box.
  const k = 60;
  nodes.forEach((n, i) => {
    const angle = (2 * Math.PI * i) / nodes.length;
    n.x = 200 * Math.cos(angle);
    n.y = 200 * Math.sin(angle);
  });
  for (let step = 0, temp = 60; step < 300; step++, temp *= 0.985) {
    nodes.forEach((n) => { n.dx = -0.05 * n.x * Math.hypot(n.x, n.y) / k; n.dy = -0.05 * n.y * Math.hypot(n.x, n.y) / k; });
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const a = nodes[i], b = nodes[j];
        let dx = a.x - b.x, dy = a.y - b.y;
        const dist = Math.max(Math.hypot(dx, dy), 0.01);
        const force = (k * k) / dist;
        dx = (dx / dist) * force; dy = (dy / dist) * force;
        a.dx += dx; a.dy += dy; b.dx -= dx; b.dy -= dy;
      }
    }
    edges.forEach((e) => {
      const dx = e.s.x - e.t.x, dy = e.s.y - e.t.y;
      const dist = Math.max(Math.hypot(dx, dy), 0.01);
      const force = (dist * dist) / k;
      e.s.dx -= (dx / dist) * force; e.s.dy -= (dy / dist) * force;
      e.t.dx += (dx / dist) * force; e.t.dy += (dy / dist) * force;
    });
    nodes.forEach((n) => {
      const d = Math.max(Math.hypot(n.dx, n.dy), 0.01);
      n.x += (n.dx / d) * Math.min(d, temp);
      n.y += (n.dy / d) * Math.min(d, temp);
    });
  }
  fit(nodes, width, height);
}

function fit(nodes, width, height) {
  // Scale the layout into the box, leaving room on the right for labels.
  const left = 20, right = width - 120, top = 20, bottom = height - 20;
  const xs = nodes.map((n) => n.x), ys = nodes.map((n) => n.y);
  const minX = Math.min(...xs), maxX = Math.max(...xs), minY = Math.min(...ys), maxY = Math.max(...ys);
  const scale = Math.min((right - left) / Math.max(maxX - minX, 1),
    (bottom - top) / Math.max(maxY - minY, 1), 2.5);
  const offX = left + ((right - left) - (maxX - minX) * scale) / 2;
  const offY = top + ((bottom - top) - (maxY - minY) * scale) / 2;
  nodes.forEach((n) => { n.x = offX + (n.x - minX) * scale; n.y = offY + (n.y - minY) * scale; });
}

function drawNetwork(box, data) {
  const width = box.clientWidth || 800, height = box.clientHeight || 460;
  const byId = new Map(data.nodes.map((n) => [n.id, { ...n }]));
  const nodes = [...byId.values()];
  const edges = data.edges
    .filter((e) => byId.has(e.source) && byId.has(e.target))
    .map((e) => ({ ...e, s: byId.get(e.source), t: byId.get(e.target) }));
  if (!nodes.length) {
    box.textContent = "No copy links between outlets yet.";
    return;
  }
  layout(nodes, edges, width, height);
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
  const defs = el("defs");
  const marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 22, refY: 5,
    markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto" });
  marker.appendChild(el("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#94a3b8" }));
  defs.appendChild(marker);
  svg.appendChild(defs);
  const maxW = Math.max(...edges.map((e) => e.n), 1);
  edges.forEach((e) => {
    e.line = el("line", { "stroke-width": 1 + (3 * e.n) / maxW, "marker-end": "url(#arrow)" });
    const title = el("title");
    const lag = e.median_lag_days === null ? "?" : e.median_lag_days;
    title.textContent = `${e.source} → ${e.target}: ${e.n} copies, median lag ${lag} days`;
    e.line.appendChild(title);
    svg.appendChild(e.line);
  });
  const maxN = Math.max(...nodes.map((n) => n.weight), 1);
  nodes.forEach((n) => {
    n.circle = el("circle", { r: 5 + (9 * n.weight) / maxN, "data-outlet": n.id });
    if (n.id === box.dataset.focus) n.circle.classList.add("focus");
    const title = el("title");
    title.textContent = `${n.id} (${n.weight} copy links)`;
    n.circle.appendChild(title);
    n.label = el("text", { dx: 9, dy: 4 });
    n.label.textContent = n.id;
    svg.appendChild(n.circle);
    svg.appendChild(n.label);
    enableDrag(svg, n, () => place(nodes, edges));
  });
  place(nodes, edges);
  box.replaceChildren(svg);
}

function place(nodes, edges) {
  edges.forEach((e) => {
    e.line.setAttribute("x1", e.s.x); e.line.setAttribute("y1", e.s.y);
    e.line.setAttribute("x2", e.t.x); e.line.setAttribute("y2", e.t.y);
  });
  nodes.forEach((n) => {
    n.circle.setAttribute("cx", n.x); n.circle.setAttribute("cy", n.y);
    n.label.setAttribute("x", n.x); n.label.setAttribute("y", n.y);
  });
}

function enableDrag(svg, node, redraw) {
  let moved = false;
  node.circle.addEventListener("pointerdown", (down) => {
    moved = false;
    node.circle.setPointerCapture(down.pointerId);
    const move = (event) => {
      const point = svg.createSVGPoint();
      point.x = event.clientX; point.y = event.clientY;
      const local = point.matrixTransform(svg.getScreenCTM().inverse());
      node.x = local.x; node.y = local.y;
      moved = true;
      redraw();
    };
    const up = () => {
      node.circle.removeEventListener("pointermove", move);
      node.circle.removeEventListener("pointerup", up);
    };
    node.circle.addEventListener("pointermove", move);
    node.circle.addEventListener("pointerup", up);
  });
  node.circle.addEventListener("click", () => {
    if (!moved) window.location.href = "/outlets/" + encodeURIComponent(node.id);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("network");
  if (!box) return;
  fetch(box.dataset.src)
    .then((response) => response.json())
    .then((data) => drawNetwork(box, data))
    .catch(() => { box.textContent = "Could not load the outlet network."; });
});
