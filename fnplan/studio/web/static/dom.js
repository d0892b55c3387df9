// Small helpers: building HTML and SVG elements, calling the studio's API, messages.
import { API } from "./state.js";

const SVG = "http://www.w3.org/2000/svg";

export const $ = (selector) => document.querySelector(selector);

export function el(tag, attributes = {}, ...children) {
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

export function svg(tag, attributes = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

export async function call(method, path, body) {
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

export function showError(error) {
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

export function status(text) {
  $("#status").textContent = text;
}
