// fnplan studio: draws the laid-out graphs the server computes (no layout here), edits them
// through graph operations, shows the plan's graph diff and follows runs live.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const API = "/ui/api";
const state = {
  name: null, // the workflow of this page (/ui/workflows/NAME)
  view: null, // its graph and step details from the server
  tab: "graph",
  selected: null, // {kind: "node", id} or {kind: "edge", edge}
  connectFrom: null,
  connecting: false,
  transform: { x: 20, y: 20, k: 1 },
  fitted: false,
  plan: null,
  run: null, // {id, records, stream}
  draws: 0,
};

// ---------------------------------------------------------------- helpers
const $ = (selector) => document.querySelector(selector);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

function svg(tag, attributes = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

async function call(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.body = JSON.stringify(body);
    options.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(API + path, options);
  const data = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw Object.assign(new Error(data.error || response.statusText), data);
  return data;
}

function showError(error) {
  const box = $("#error");
  if (!error) {
    box.hidden = true;
    box.textContent = "";
    return;
  }
  const lines = [error.pos ? `${error.pos}: ${error.message}` : error.message];
  if (error.allowed) lines.push(`allowed: ${error.allowed.join(", ")}`);
  if (error.hint) lines.push(`hint: ${error.hint}`);
  box.textContent = lines.join("\n");
  box.hidden = false;
}

function status(text) {
  $("#status").textContent = text;
}

// ---------------------------------------------------------------- drawing
function draw(graph, decorate = {}) {
  const viewport = $("#viewport");
  viewport.replaceChildren();
  const boxes = new Map(graph.nodes.filter((n) => n.box).map((n) => [n.id, n.box]));
  for (const group of graph.groups) drawGroup(viewport, group, boxes);
  for (const edge of graph.edges) drawEdge(viewport, edge, boxes, decorate.edges || {});
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
    nodeClicked(node.id);
  });
  if (state.selected && state.selected.kind === "node" && state.selected.id === node.id) {
    group.classList.add("selected");
  }
  parent.append(group);
}

function edgeKey(edge) {
  return `${edge.source}->${edge.target}:${edge.kind}`;
}

function edgePoints(edge, boxes) {
  if (edge.route && edge.route.length > 1) return edge.route;
  const from = boxes.get(edge.source);
  const to = boxes.get(edge.target);
  if (!from || !to) return [];
  return [
    [from.x, from.y + from.height / 2],
    [to.x, to.y - to.height / 2],
  ];
}

function drawEdge(parent, edge, boxes, classes) {
  const points = edgePoints(edge, boxes);
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
    refreshDrawing();
    renderDetails();
  });
  parent.append(line, hit);
  const detail = edge.kind === "data" ? edge.fields.join(", ") : edge.condition;
  if (detail) {
    const middle = points[Math.floor(points.length / 2)];
    const previous = points[Math.floor(points.length / 2) - 1];
    const label = svg("text", {
      class: "edge-label",
      x: (middle[0] + previous[0]) / 2 + 4,
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

function fit(graph) {
  const area = $("#graph").getBoundingClientRect();
  if (!graph || !graph.width || !area.width) return;
  const k = Math.min(1.5, (area.width - 40) / graph.width, (area.height - 40) / (graph.height || 1));
  state.transform = { k, x: (area.width - graph.width * k) / 2, y: 20 };
  applyTransform();
}

function currentGraph() {
  if (state.tab === "plan" && state.plan && state.name) {
    const diff = state.plan.workflows[`workflow.${state.name}`];
    if (diff) return diff.graph;
  }
  return state.view ? state.view.graph : null;
}

function setUpCanvas() {
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
      refreshDrawing();
      renderDetails();
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

// ---------------------------------------------------------------- workflows and editing
async function loadWorkflows() {
  const { workflows } = await call("GET", "/workflows");
  const list = $("#workflows");
  list.replaceChildren(
    ...workflows.map((w) =>
      el("li", {},
        el("a", {
          href: `/ui/workflows/${encodeURIComponent(w.name)}`,
          class: w.name === state.name ? "current" : null,
        }, w.name, " ", el("small", {}, `${w.steps} steps`))),
    ),
  );
}

async function loadWorkflow() {
  if (!state.name) return;
  state.view = await call("GET", `/workflows/${encodeURIComponent(state.name)}`);
  const select = $("#add-step select");
  const chosen = select.value;
  select.replaceChildren(...state.view.functions.map((f) => el("option", { value: f }, f)));
  if (state.view.functions.includes(chosen)) select.value = chosen;
  if (state.selected && state.selected.kind === "node" && !state.view.steps[state.selected.id]) {
    state.selected = null;
  }
  refreshDrawing();
  if (!state.fitted) {
    fit(state.view.graph);
    state.fitted = true;
  }
  renderDetails();
}

async function edit(operations) {
  try {
    const result = await call("POST", `/workflows/${encodeURIComponent(state.name)}/ops`, operations);
    showError(null);
    status(result.files.map((f) => `${f.file} +${f.added} -${f.removed}`).join(", ") || "no change");
    await loadWorkflow();
    return true;
  } catch (error) {
    showError(error);
    return false;
  }
}

function nodeClicked(id) {
  if (state.connecting) {
    if (!state.connectFrom) {
      state.connectFrom = id;
      document.querySelector(`.node[data-id="${CSS.escape(id)}"]`).classList.add("connect-source");
      status(`connect ${id} to…`);
      return;
    }
    const from = state.connectFrom;
    setConnecting(false);
    edit([{ op: "add_edge", from, to: id, kind: $("#edge-kind").value }]);
    return;
  }
  state.selected = { kind: "node", id };
  refreshDrawing();
  renderDetails();
}

function setConnecting(on) {
  state.connecting = on;
  state.connectFrom = null;
  $("#connect").setAttribute("aria-pressed", String(on));
  document.querySelectorAll(".connect-source").forEach((n) => n.classList.remove("connect-source"));
  status(on ? "click the step the edge leaves, then the step it enters" : "");
}

function setUpEditing() {
  $("#add-step").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const step = form.elements.step.value.trim();
    const attributes = { function: form.elements.function.value };
    if (await edit([{ op: "add_step", step, attributes }])) {
      form.reset();
      state.selected = { kind: "node", id: `step.${step}` };
      await loadWorkflow();
    }
  });
  $("#connect").addEventListener("click", () => setConnecting(!state.connecting));
}

// ---------------------------------------------------------------- details panel
function renderDetails() {
  const panel = $("#details");
  if (state.tab === "plan") return renderPlan(panel);
  if (state.tab === "runs") return renderRuns(panel);
  if (!state.view) {
    panel.replaceChildren(el("p", {}, "No workflow chosen."));
    return;
  }
  if (state.selected && state.selected.kind === "edge") return renderEdge(panel, state.selected.edge);
  const step = state.selected && state.view.steps[state.selected.id];
  if (!step) {
    panel.replaceChildren(
      el("h2", {}, `workflow.${state.name}`),
      el("dl", {}, el("dt", {}, "declared at"), el("dd", {}, state.view.pos || "")),
      el("p", {}, "Click a step for its attributes, schemas and position."),
    );
    return;
  }
  panel.replaceChildren(
    el("h2", { id: "step-title" }, `step.${step.name}`),
    el("dl", {},
      el("dt", {}, "type"), el("dd", {}, step.type),
      el("dt", {}, "declared at"), el("dd", { id: "step-pos" }, step.pos || "")),
    el("h3", {}, "Attributes"),
    attributeTable(step),
    el("h3", {}, "Input schema"),
    el("pre", { id: "input-schema" }, schemaText(step.input_schema)),
    el("h3", {}, "Output schema"),
    el("pre", { id: "output-schema" }, schemaText(step.output_schema)),
    el("p", {}, el("button", {
      type: "button",
      class: "danger",
      id: "delete-step",
      onclick: () => edit([{ op: "remove_step", step: step.name }]),
    }, "Delete step")),
  );
}

function schemaText(schema) {
  return schema ? JSON.stringify(schema, null, 2) : "(none declared)";
}

function attributeTable(step) {
  const rows = Object.entries(step.attributes).map(([name, value]) => {
    const input = el("input", { class: "value", value, "data-attribute": name, "aria-label": name });
    return el("tr", {},
      el("td", {}, name),
      el("td", {}, input),
      el("td", { class: "row-actions" },
        el("button", {
          type: "button",
          title: "Set",
          onclick: () => edit([{ op: "set_attribute", step: step.name, attribute: name, value: input.value }]),
        }, "Set"),
        el("button", {
          type: "button",
          title: "Unset",
          onclick: () => edit([{ op: "unset_attribute", step: step.name, attribute: name }]),
        }, "×")));
  });
  const name = el("input", { placeholder: "attribute", "aria-label": "New attribute name", id: "new-attribute" });
  const value = el("input", { class: "value", placeholder: "HCL value", "aria-label": "New attribute value", id: "new-value" });
  rows.push(el("tr", {},
    el("td", {}, name),
    el("td", {}, value),
    el("td", {}, el("button", {
      type: "button",
      onclick: () => edit([{ op: "set_attribute", step: step.name, attribute: name.value, value: value.value }]),
    }, "Add"))));
  return el("table", { id: "attributes" }, rows);
}

function renderEdge(panel, edge) {
  const removable = edge.kind === "sequential" || edge.kind === "error";
  panel.replaceChildren(
    el("h2", {}, `${edge.kind} edge`),
    el("dl", {},
      el("dt", {}, "from"), el("dd", {}, edge.source),
      el("dt", {}, "to"), el("dd", {}, edge.target),
      edge.fields.length ? [el("dt", {}, "fields"), el("dd", {}, edge.fields.join(", "))] : null,
      edge.condition ? [el("dt", {}, "condition"), el("dd", {}, edge.condition)] : null),
    removable
      ? el("button", {
        type: "button",
        class: "danger",
        onclick: () => edit([{ op: "remove_edge", from: edge.source, to: edge.target, kind: edge.kind }]),
      }, "Delete edge")
      : el("p", {}, `A ${edge.kind} edge is a reference in the target's ${edge.kind === "data" ? "input" : "when"}: change that attribute.`),
  );
}

// ---------------------------------------------------------------- plan
async function loadPlan() {
  status("planning…");
  try {
    state.plan = await call("GET", "/plan");
    showError(null);
    status("");
  } catch (error) {
    showError(error);
    status("");
  }
  refreshDrawing();
  renderDetails();
}

function renderPlan(panel) {
  const plan = state.plan;
  if (!plan) {
    panel.replaceChildren(el("p", {}, "Planning…"));
    return;
  }
  const mine = state.name && plan.workflows[`workflow.${state.name}`];
  panel.replaceChildren(
    el("h2", { id: "plan-summary" }, plan.summary),
    state.name
      ? el("p", {}, mine ? "The graph shows this workflow's changes: added green, removed red, changed amber."
        : "This workflow does not change.")
      : null,
    el("ul", { id: "plan-changes" },
      plan.changes.map((c) => el("li", { class: `change-${c.action}` },
        `${c.action} ${c.address}`,
        c.reasons.length ? el("ul", {}, c.reasons.map((r) => el("li", {}, r))) : null))),
  );
}

function planMarks() {
  const diff = state.plan && state.name && state.plan.workflows[`workflow.${state.name}`];
  if (!diff) return {};
  const nodes = {};
  const edges = {};
  for (const [key, mark] of Object.entries(diff.marks)) {
    (key.includes("->") ? edges : nodes)[key] = `mark-${mark}`;
  }
  return { nodes, edges };
}

// ---------------------------------------------------------------- runs
const STATES = {
  started: "running",
  retrying: "retrying",
  succeeded: "succeeded",
  failed: "failed",
  skipped: "skipped",
  caught: "caught",
  reused: "reused",
};

function stepStates(records, executionId) {
  const steps = {};
  for (const record of records) {
    if (!record.step || record.execution_id !== executionId || !STATES[record.event]) continue;
    const step = steps[record.step] || (steps[record.step] = { attempt: 0, duration_ms: null, error: null });
    step.state = STATES[record.event];
    if (record.attempt) step.attempt = Math.max(step.attempt, record.attempt);
    if (record.duration_ms !== null && record.event !== "started") step.duration_ms = record.duration_ms;
    if (record.error) step.error = `${record.error.type}: ${record.error.message}`;
  }
  return steps;
}

function runStatus(records) {
  const end = records.find((r) => !r.step && (r.event === "run_succeeded" || r.event === "run_failed"));
  return end ? end.event.replace("run_", "") : "running";
}

async function loadExecutions() {
  if (!state.name) return [];
  try {
    const { executions } = await call("GET", `/workflows/${encodeURIComponent(state.name)}/runs`);
    state.executions = executions;
  } catch (error) {
    showError(error);
    state.executions = [];
  }
  renderDetails();
  return state.executions;
}

function followRun(executionId) {
  if (state.run && state.run.stream) state.run.stream.close();
  const run = { id: executionId, records: [], stream: null };
  state.run = run;
  const url = `${API}/workflows/${encodeURIComponent(state.name)}/runs/${encodeURIComponent(executionId)}`;
  run.stream = new EventSource(url);
  run.stream.addEventListener("record", (event) => {
    run.records.push(JSON.parse(event.data));
    refreshDrawing();
    renderDetails();
  });
  run.stream.addEventListener("end", () => {
    run.stream.close();
    run.ended = true;
    loadExecutions();
  });
  renderDetails();
}

async function startRun(text) {
  let input;
  try {
    input = JSON.parse(text || "{}");
  } catch (error) {
    showError({ message: `the input is not JSON: ${error.message}` });
    return;
  }
  try {
    const { execution_id: id } = await call("POST", `/workflows/${encodeURIComponent(state.name)}/runs`, { input });
    showError(null);
    followRun(id);
    loadExecutions();
  } catch (error) {
    showError(error);
  }
}

function renderRuns(panel) {
  if (!state.name) {
    panel.replaceChildren(el("p", {}, "Choose a workflow to see its runs."));
    return;
  }
  const input = el("textarea", { id: "run-input", rows: 4, "aria-label": "Run input (JSON)" });
  input.value = state.runInput || "{}";
  input.addEventListener("input", () => (state.runInput = input.value));
  const parts = [
    el("h2", {}, "Start a run"),
    input,
    el("button", { type: "button", id: "start-run", onclick: () => startRun(input.value) }, "Run"),
  ];
  if (state.run) parts.push(...runView(state.run));
  parts.push(
    el("h2", {}, "Executions"),
    el("ul", { id: "executions" }, (state.executions || []).map((e) =>
      el("li", { class: state.run && state.run.id === e.execution_id ? "current" : null },
        el("a", {
          href: "#",
          "data-execution": e.execution_id,
          onclick: (event) => {
            event.preventDefault();
            followRun(e.execution_id);
          },
        }, e.execution_id), ` ${e.status}${e.failed_step ? ` at ${e.failed_step}` : ""}`))),
  );
  panel.replaceChildren(...parts);
}

function runView(run) {
  const steps = stepStates(run.records, run.id);
  const rows = Object.entries(steps).map(([name, s]) =>
    el("tr", { class: s.state === "failed" ? "failed" : null, "data-step": name, "data-state": s.state },
      el("td", {}, name),
      el("td", {}, s.state),
      el("td", {}, s.attempt || ""),
      el("td", {}, s.duration_ms === null ? "" : `${Math.round(s.duration_ms)} ms`)));
  const errors = Object.entries(steps).filter(([, s]) => s.error).map(([name, s]) => `${name}: ${s.error}`);
  return [
    el("h2", {}, "Execution ", el("code", { id: "run-id" }, run.id)),
    el("p", { id: "run-status", "data-status": runStatus(run.records) }, runStatus(run.records)),
    el("table", { id: "run-steps" },
      el("tr", {}, el("th", {}, "step"), el("th", {}, "state"), el("th", {}, "attempt"), el("th", {}, "duration")),
      rows),
    errors.length ? el("pre", { id: "run-errors" }, errors.join("\n")) : null,
    el("h3", {}, "Log"),
    el("pre", { id: "run-log" }, run.records.flatMap((r) => r.lines).join("\n")),
  ];
}

function runClasses() {
  if (!state.run) return {};
  const nodes = {};
  for (const [name, s] of Object.entries(stepStates(state.run.records, state.run.id))) {
    nodes[`step.${name}`] = `state-${s.state}`;
  }
  return { nodes };
}

// ---------------------------------------------------------------- tabs, refresh, start
function refreshDrawing() {
  const graph = currentGraph();
  if (!graph) return;
  const decorate = state.tab === "plan" ? planMarks() : state.tab === "runs" ? runClasses() : {};
  draw(graph, decorate);
}

function selectTab(tab) {
  state.tab = tab;
  document.body.dataset.tab = tab;
  setConnecting(false);
  document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === tab));
  if (tab === "plan") loadPlan();
  if (tab === "runs") loadExecutions();
  refreshDrawing();
  renderDetails();
}

function watchFiles() {
  const stream = new EventSource(`${API}/changes`);
  let seen = null;
  stream.addEventListener("files", async (event) => {
    const { version } = JSON.parse(event.data);
    if (seen !== null && version !== seen) {
      status("files changed: reloaded");
      await Promise.all([loadWorkflows(), loadWorkflow()]).catch(showError);
      if (state.tab === "plan") loadPlan();
    }
    seen = version;
    document.body.dataset.filesVersion = version;
  });
}

function pageWorkflow() {
  const match = location.pathname.match(/^\/ui\/workflows\/([^/]+)\/?$/);
  return match ? decodeURIComponent(match[1]) : null;
}

async function start() {
  if (new URLSearchParams(location.search).has("token")) {
    history.replaceState(null, "", location.pathname); // the cookie holds it now
  }
  state.name = pageWorkflow();
  document.body.dataset.tab = "graph";
  $("#workflow-title").textContent = state.name ? `workflow.${state.name}` : "";
  $("#empty").hidden = Boolean(state.name);
  setUpCanvas();
  setUpEditing();
  document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => selectTab(b.dataset.tab)));
  try {
    await Promise.all([loadWorkflows(), loadWorkflow()]);
  } catch (error) {
    showError(error);
  }
  renderDetails();
  watchFiles();
}

start();
