// fnplan studio: draws the laid-out graphs the server computes, edits them through graph
// operations, shows the plan's graph diff and follows runs live. This module loads the
// workflow, applies edits and switches views; the others draw and render panels.
import { currentGraph, draw, fit, setUpCanvas } from "./canvas.js";
import { renderGraphDetails } from "./details.js";
import { $, call, el, showError, status } from "./dom.js";
import { loadPlan, planMarks, renderPlan } from "./plan.js";
import { loadExecutions, renderRuns, runClasses } from "./runs.js";
import { API, hooks, state } from "./state.js";

// how often the runs view asks for the list of executions
const RUNS_POLL_MS = 3000;

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
  const callable = [...state.view.functions, ...state.view.workflows];
  select.replaceChildren(...callable.map((address) => el("option", { value: address }, address)));
  if (callable.includes(chosen)) select.value = chosen;
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
    const target = form.elements.target.value; // function.X or workflow.X
    const attributes = { [target.split(".")[0]]: target };
    if (await edit([{ op: "add_step", step, attributes }])) {
      form.reset();
      state.selected = { kind: "node", id: `step.${step}` };
      await loadWorkflow();
    }
  });
  $("#connect").addEventListener("click", () => setConnecting(!state.connecting));
}

function renderDetails() {
  const panel = $("#details");
  const fresh = panel.dataset.view !== state.tab; // another view's panel is showing
  panel.dataset.view = state.tab;
  if (state.tab === "plan") renderPlan(panel);
  else if (state.tab === "runs") renderRuns(panel);
  else renderGraphDetails(panel, fresh);
}

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
  clearInterval(state.polling);
  if (tab === "plan") loadPlan();
  if (tab === "runs") {
    loadExecutions();
    state.polling = setInterval(loadExecutions, RUNS_POLL_MS); // runs started elsewhere too
  }
  refreshDrawing();
  renderDetails();
}

function watchFiles() {
  const stream = new EventSource(`${API}/changes`);
  let seen = null;
  stream.addEventListener("files", async (event) => {
    const { version } = JSON.parse(event.data);
    if (seen !== null && version !== seen) {
      try {
        await Promise.all([loadWorkflows(), loadWorkflow()]);
        if (state.filesBroken) showError(null); // (a refused edit's error stays)
        state.filesBroken = false;
        status("files changed: reloaded");
      } catch (error) {
        showError(error);
        state.filesBroken = true;
        status("the files changed and do not load");
      }
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

hooks.redraw = () => {
  refreshDrawing();
  renderDetails();
};
hooks.edit = edit;
hooks.nodeClicked = nodeClicked;

start();
