// The plan view: the project's plan and this workflow's graph diff, marked on the graph.
import { call, el, showError, status } from "./dom.js";
import { hooks, state } from "./state.js";

export async function loadPlan() {
  status("planning…");
  try {
    state.plan = await call("GET", "/plan");
    showError(null);
    status("");
  } catch (error) {
    showError(error);
    status("");
  }
  hooks.redraw();
}

export function renderPlan(panel) {
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

export function planMarks() {
  const diff = state.plan && state.name && state.plan.workflows[`workflow.${state.name}`];
  if (!diff) return {};
  const nodes = {};
  const edges = {};
  for (const [key, mark] of Object.entries(diff.marks)) {
    (key.includes("->") ? edges : nodes)[key] = `mark-${mark}`;
  }
  return { nodes, edges };
}
