// The graph canvas: nodes, edges and groups drawn from the server's layout (no layout
// engine here), with zoom and pan.
import { $, svg } from "./dom.js";
import { hooks, state } from "./state.js";

export function draw(graph, decorate = {}) {
  const viewport = $("#viewport");
  viewport.replaceChildren();
  const boxes = new Map(graph.nodes.filter((n) => n.box).map((n) => [n.id, n.box]));
  for (const group of graph.groups) drawGroup(viewport, group, boxes);
  const parallel = new Map(); // edges between the same two steps are drawn side by side
  for (const edge of graph.edges) {
    const pair = `${edge.source}->${edge.target}`;
    const shift = parallel.get(pair) || 0;
    parallel.set(pair, shift + 1);
    drawEdge(viewport, edge, boxes, decorate.edges || {}, shift);
  }
  for (const node of graph.nodes) {
    if (node.box) drawNode(viewport, node, decorate.nodes || {});
  }
  applyTransform();
  state.draws += 1;
  const canvas = $("#graph");
  canvas.dataset.draws = String(state.draws);
  canvas.dataset.nodes = String(graph.nodes.length);
  performance.mark("fnplan:drawn");
}

function drawNode(parent, node, classes) {
  const box = node.box;
  const group = svg("g", {
    class: ["node", `type-${node.type}`, classes[node.id] || ""].join(" ").trim(),
    "data-id": node.id,
    "data-step": node.name,
    tabindex: 0,
    role: "button",
    "aria-label": `step ${node.name} (${node.type})`,
    transform: `translate(${box.x - box.width / 2},${box.y - box.height / 2})`,
  });
  group.append(svg("rect", { width: box.width, height: box.height, rx: 6 }));
  const label = svg("text", { x: box.width / 2, y: box.height / 2 });
  label.textContent = node.name;
  const title = svg("title");
  title.textContent = [node.id, node.type, node.target, node.pos].filter(Boolean).join("\n");
  group.append(label, title);
  group.addEventListener("click", (event) => {
    event.stopPropagation();
    hooks.nodeClicked(node.id);
  });
  group.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      hooks.nodeClicked(node.id);
    }
  });
  if (state.selected && state.selected.kind === "node" && state.selected.id === node.id) {
    group.classList.add("selected");
  }
  parent.append(group);
}

export function edgeKey(edge) {
  return `${edge.source}->${edge.target}:${edge.kind}`;
}

function edgePoints(edge, boxes, shift) {
  const from = boxes.get(edge.source);
  const to = boxes.get(edge.target);
  if (!from || !to) return [];
  const route = edge.route && edge.route.length > 1 ? edge.route : [
    [from.x, from.y + from.height / 2],
    [to.x, to.y - to.height / 2],
  ];
  const dx = shift % 2 ? -8 * Math.ceil(shift / 2) : 8 * Math.ceil(shift / 2);
  return route.map(([x, y]) => [x + dx, y]);
}

function drawEdge(parent, edge, boxes, classes, shift) {
  const points = edgePoints(edge, boxes, shift);
  if (points.length < 2) return;
  const key = edgeKey(edge);
  const text = points.map(([x, y]) => `${x},${y}`).join(" ");
  const selected = state.selected && state.selected.kind === "edge" && edgeKey(state.selected.edge) === key;
  const line = svg("polyline", {
    points: text,
    class: ["edge", `kind-${edge.kind}`, classes[key] || "", selected ? "selected" : ""].join(" ").trim(),
    "marker-end": "url(#arrow)",
    "data-edge": key,
  });
  const hit = svg("polyline", { points: text, class: "edge-hit" });
  hit.addEventListener("click", (event) => {
    event.stopPropagation();
    state.selected = { kind: "edge", edge };
    hooks.redraw();
  });
  parent.append(line, hit);
  const detail = edge.kind === "data" ? edge.fields.join(", ") : edge.condition;
  if (detail) {
    const middle = points[Math.floor(points.length / 2)];
    const previous = points[Math.floor(points.length / 2) - 1];
    const left = shift % 2 === 1; // the edge drawn left of its twin is labelled on the left
    const label = svg("text", {
      class: left ? "edge-label left" : "edge-label",
      x: (middle[0] + previous[0]) / 2 + (left ? -4 : 4),
      y: (middle[1] + previous[1]) / 2,
    });
    label.textContent = detail;
    parent.append(label);
  }
}

function drawGroup(parent, group, boxes) {
  const members = group.members.map((id) => boxes.get(id)).filter(Boolean);
  if (!members.length) return;
  const left = Math.min(...members.map((b) => b.x - b.width / 2)) - 10;
  const right = Math.max(...members.map((b) => b.x + b.width / 2)) + 10;
  const top = Math.min(...members.map((b) => b.y - b.height / 2)) - 18;
  const bottom = Math.max(...members.map((b) => b.y + b.height / 2)) + 10;
  const g = svg("g", { class: "group", "data-group": group.id });
  g.append(svg("rect", { x: left, y: top, width: right - left, height: bottom - top, rx: 8 }));
  const label = svg("text", { x: left + 6, y: top + 12 });
  label.textContent = `${group.label} (${group.kind})`;
  g.append(label);
  parent.append(g);
}

// ---------------------------------------------------------------- zoom and pan
function applyTransform() {
  const { x, y, k } = state.transform;
  $("#viewport").setAttribute("transform", `translate(${x},${y}) scale(${k})`);
}

function zoom(factor, cx, cy) {
  const t = state.transform;
  const k = Math.min(4, Math.max(0.05, t.k * factor));
  t.x = cx - ((cx - t.x) * k) / t.k;
  t.y = cy - ((cy - t.y) * k) / t.k;
  t.k = k;
  applyTransform();
}

export function fit(graph) {
  const area = $("#graph").getBoundingClientRect();
  if (!graph || !graph.width || !area.width) return;
  const k = Math.min(1.5, (area.width - 40) / graph.width, (area.height - 40) / (graph.height || 1));
  state.transform = { k, x: (area.width - graph.width * k) / 2, y: 20 };
  applyTransform();
}

export function currentGraph() {
  if (state.tab === "plan" && state.plan && state.name) {
    const diff = state.plan.workflows[`workflow.${state.name}`];
    if (diff) return diff.graph;
  }
  return state.view ? state.view.graph : null;
}

export function setUpCanvas() {
  const canvas = $("#graph");
  let drag = null;
  canvas.addEventListener("wheel", (event) => {
    event.preventDefault();
    const area = canvas.getBoundingClientRect();
    zoom(event.deltaY < 0 ? 1.1 : 1 / 1.1, event.clientX - area.left, event.clientY - area.top);
  }, { passive: false });
  canvas.addEventListener("mousedown", (event) => {
    drag = { x: event.clientX, y: event.clientY, moved: false };
    canvas.classList.add("panning");
  });
  window.addEventListener("mousemove", (event) => {
    if (!drag) return;
    state.transform.x += event.clientX - drag.x;
    state.transform.y += event.clientY - drag.y;
    drag.moved = drag.moved || Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) > 2;
    drag.x = event.clientX;
    drag.y = event.clientY;
    applyTransform();
  });
  window.addEventListener("mouseup", () => {
    drag = null;
    canvas.classList.remove("panning");
  });
  canvas.addEventListener("click", () => {
    if (state.selected) {
      state.selected = null;
      hooks.redraw();
    }
  });
  const middle = () => {
    const area = canvas.getBoundingClientRect();
    return [area.width / 2, area.height / 2];
  };
  $("#zoom-in").addEventListener("click", () => zoom(1.25, ...middle()));
  $("#zoom-out").addEventListener("click", () => zoom(1 / 1.25, ...middle()));
  $("#zoom-fit").addEventListener("click", () => fit(currentGraph()));
}
