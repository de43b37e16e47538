// Small DOM and fetch helpers shared by every page. Text is always set as text, never parsed as HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "value") el.value = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

export class ApiError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

// The console's API answers only calls carrying the token of the URL printed at start
// (`/?token=...`): kept for this origin, taken out of the address bar, sent with every call.
const TOKEN_KEY = "serverlite-console-token";

function keepToken() {
  const url = new URL(location.href);
  const given = url.searchParams.get("token");
  if (given !== null) {
    localStorage.setItem(TOKEN_KEY, given);
    url.searchParams.delete("token");
    history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  }
  return localStorage.getItem(TOKEN_KEY) || "";
}

const token = keepToken();

function headers(extra = {}) {
  return { "X-Serverlite-Token": token, ...extra };
}

async function failure(response) {
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  const error = (data && data.error) || {};
  return new ApiError(response.status, error.type || response.statusText, error.message || text);
}

// Every call of every page goes through here: JSON in (any body is sent as application/json, the only
// type the API takes for changes) and out; an error answer becomes an ApiError.
export async function api(path, options = {}) {
  const method = options.method || "GET";
  const init = { method, headers: headers() };
  if (method !== "GET" && method !== "HEAD") init.headers["Content-Type"] = "application/json";
  if (options.json !== undefined) init.body = JSON.stringify(options.json);
  else if (options.body !== undefined) init.body = options.body;
  const response = await fetch(path, init);
  if (!response.ok) throw await failure(response);
  const text = await response.text();
  try { return text ? JSON.parse(text) : null; } catch { return null; }
}

// Server-sent events of `path` (EventSource cannot send the token): `onMessage(data)` per event,
// `onEnd(error)` when the stream ends by itself; `close()` ends it quietly.
export function events(path, onMessage, onEnd) {
  const abort = new AbortController();
  const read = async () => {
    const response = await fetch(path, { headers: headers(), signal: abort.signal });
    if (!response.ok) throw await failure(response);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replaceAll("\r\n", "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const data = buffer.slice(0, end).split("\n").filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).replace(/^ /, "")).join("\n");
        buffer = buffer.slice(end + 2);
        if (data) onMessage(data);
      }
    }
  };
  read().then(() => onEnd(null), (error) => { if (!abort.signal.aborted) onEnd(error); });
  return { close: () => abort.abort() };
}

export function time(ms) {
  if (ms === null || ms === undefined) return "–";
  const d = new Date(ms);
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function table(caption, headers, rows, options = {}) {
  const head = h("tr", {}, headers.map((name) =>
    h("th", { scope: "col", class: options.numeric && options.numeric.includes(name) ? "num" : null }, name)));
  const body = rows.length
    ? rows.map((cells) => h("tr", {}, cells.map((cell, i) =>
      h("td", { class: options.numeric && options.numeric.includes(headers[i]) ? "num" : null }, cell))))
    : [h("tr", {}, h("td", { colspan: headers.length, class: "muted" }, options.empty || "Nothing yet."))];
  return h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": caption },
    h("table", {}, h("thead", {}, head), h("tbody", {}, body)));
}

export function props(pairs) {
  return h("dl", { class: "props" }, pairs.filter(Boolean).map(([name, value]) =>
    [h("dt", {}, name), h("dd", {}, value === null || value === undefined || value === "" ? "–" : value)]));
}

export function field(label, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), control,
    hint ? h("small", { class: "muted" }, hint) : null);
}

export function crumbs(...parts) {
  return h("nav", { class: "crumbs", "aria-label": "Breadcrumb" },
    parts.map((part, i) => [i ? " › " : "", part]));
}

export function toast(message) {
  const box = document.getElementById("toast");
  box.textContent = message;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.textContent = ""; }, 4000);
}

export function errorBox(error) {
  return h("p", { class: "error", role: "alert" }, error instanceof ApiError
    ? `${error.type}: ${error.message}` : String(error));
}

export function link(href, text) {
  return h("a", { href }, text);
}

export function route(...parts) {
  return "#/" + parts.map((p) => encodeURIComponent(p)).join("/");
}
