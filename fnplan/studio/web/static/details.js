// The details panel of the graph view: a step's attributes (editable), schemas and
// position, or an edge.
import { el } from "./dom.js";
import { hooks, state } from "./state.js";

// What the panel shows now; an unchanged step is not drawn again, so a reload (the files
// changed, perhaps by this page's own edit) never throws away what someone is typing.
let shown = null;

export function renderGraphDetails(panel, fresh) {
  const view = state.view || {};
  const key = JSON.stringify([state.name, state.selected, view.steps, view.pos]);
  if (key === shown && !fresh) return;
  shown = key;
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
      onclick: () => hooks.edit([{ op: "remove_step", step: step.name }]),
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
          onclick: () => hooks.edit([{ op: "set_attribute", step: step.name, attribute: name, value: input.value }]),
        }, "Set"),
        el("button", {
          type: "button",
          title: "Unset",
          onclick: () => hooks.edit([{ op: "unset_attribute", step: step.name, attribute: name }]),
        }, "×")));
  });
  const name = el("input", { placeholder: "attribute", "aria-label": "New attribute name", id: "new-attribute" });
  const value = el("input", { class: "value", placeholder: "HCL value", "aria-label": "New attribute value", id: "new-value" });
  rows.push(el("tr", {},
    el("td", {}, name),
    el("td", {}, value),
    el("td", {}, el("button", {
      type: "button",
      onclick: () => hooks.edit([{ op: "set_attribute", step: step.name, attribute: name.value, value: value.value }]),
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
        onclick: () => hooks.edit([{ op: "remove_edge", from: edge.source, to: edge.target, kind: edge.kind }]),
      }, "Delete edge")
      : el("p", {}, `A ${edge.kind} edge is a reference in the target's ${edge.kind === "data" ? "input" : "when"}: change that attribute.`),
  );
}
