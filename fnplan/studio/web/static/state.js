// What the page knows, shared by its modules; `hooks` are the main module's actions
// the others call (redraw the graph and the panel, apply graph operations).
export const API = "/ui/api";

export const state = {
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
  filesBroken: false, // the files on disk did not load at the last change
  polling: null, // the timer refreshing the executions list
};

export const hooks = {
  redraw: () => {},
  edit: async () => false,
  nodeClicked: () => {},
};
