// The runs view: executions, starting a run, and one execution followed live (SSE).
import { call, el, showError } from "./dom.js";
import { API, hooks, state } from "./state.js";

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

export async function loadExecutions() {
  if (!state.name) return [];
  try {
    const { executions } = await call("GET", `/workflows/${encodeURIComponent(state.name)}/runs`);
    state.executions = executions;
  } catch (error) {
    showError(error);
    state.executions = [];
  }
  hooks.redraw();
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
    hooks.redraw();
  });
  run.stream.addEventListener("end", () => {
    run.stream.close();
    run.ended = true;
    loadExecutions();
  });
  hooks.redraw();
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

// The form is built once per visit of the tab, so re-rendering as records arrive never
// takes the input away from someone typing it.
export function renderRuns(panel) {
  if (!state.name) {
    panel.replaceChildren(el("p", {}, "Choose a workflow to see its runs."));
    return;
  }
  if (!panel.querySelector("#run-input")) {
    const input = el("textarea", { id: "run-input", rows: 4, "aria-label": "Run input (JSON)" });
    input.value = state.runInput || "{}";
    input.addEventListener("input", () => (state.runInput = input.value));
    panel.replaceChildren(
      el("h2", {}, "Start a run"),
      input,
      el("button", { type: "button", id: "start-run", onclick: () => startRun(input.value) }, "Run"),
      el("div", { id: "run-live" }),
      el("h2", {}, "Executions"),
      el("ul", { id: "executions" }),
    );
  }
  panel.querySelector("#run-live").replaceChildren(...(state.run ? runView(state.run).filter(Boolean) : []));
  panel.querySelector("#executions").replaceChildren(...(state.executions || []).map(executionItem));
}

function executionItem(execution) {
  const id = execution.execution_id;
  return el("li", { class: state.run && state.run.id === id ? "current" : null },
    el("a", {
      href: "#",
      "data-execution": id,
      onclick: (event) => {
        event.preventDefault();
        followRun(id);
      },
    }, id),
    ` ${execution.status}${execution.failed_step ? ` at ${execution.failed_step}` : ""}`);
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
    el("pre", { id: "run-log" }, run.records.flatMap(logLines).join("\n")),
  ];
}

// A record's line as `fnplan logs` prints it, then what the attempt printed.
function logLines(record) {
  const lines = [record.lines[0]];
  for (const [stream, text] of Object.entries(record.captured || {})) {
    lines.push(`    ${stream}:`, ...text.trimEnd().split("\n").map((line) => `      ${line}`));
  }
  return lines;
}

export function runClasses() {
  if (!state.run) return {};
  const nodes = {};
  for (const [name, s] of Object.entries(stepStates(state.run.records, state.run.id))) {
    nodes[`step.${name}`] = `state-${s.state}`;
  }
  return { nodes };
}
