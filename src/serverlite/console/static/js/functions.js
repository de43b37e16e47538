// Lambda: the function list; per function its configuration, the Test panel and recent invocations.
import { api, h, table, props, field, crumbs, errorBox, link, route, time, toast } from "./dom.js";

export async function render(parts) {
  const { functions } = await api("/api/functions");
  if (!parts.length) return { content: list(functions) };
  const fn = functions.find((f) => f.name === parts[0] || f.logicalId === parts[0]);
  if (!fn) return { content: [h("h1", {}, "No such function"), link("#/functions", "All functions")] };
  const [{ events }, { invocations }] = await Promise.all([
    api(`/api/functions/${encodeURIComponent(fn.name)}/events`),
    api(`/api/invocations?function=${encodeURIComponent(fn.name)}`),
  ]);
  return { content: detail(fn, events, invocations) };
}

function list(functions) {
  return [
    h("h1", {}, "Functions"),
    h("section", { class: "card" }, table("Functions",
      ["Name", "Runtime", "Handler", "Memory (MB)", "Timeout (s)", "Warm"],
      functions.map((f) => [link(route("functions", f.name), f.name), f.runtime, h("code", {}, f.handler),
        String(f.memorySize), String(f.timeout), String(f.warm)]),
      { numeric: ["Memory (MB)", "Timeout (s)", "Warm"], empty: "The template has no function." })),
  ];
}

function detail(fn, events, invocations) {
  const recent = h("div", {});
  const showRecent = (items) => recent.replaceChildren(recentTable(items));
  showRecent(invocations);
  return [
    crumbs(link("#/functions", "Functions"), fn.name),
    h("h1", {}, fn.name),
    h("div", { class: "cols" },
      h("section", { class: "card", "aria-labelledby": "config-title" },
        h("h2", { id: "config-title" }, "Configuration"),
        props([
          ["Runtime", fn.runtime], ["Handler", h("code", {}, fn.handler)],
          ["Memory", `${fn.memorySize} MB`], ["Timeout", `${fn.timeout} s`],
          ["Warm environments", h("span", { "data-testid": "warm" }, String(fn.warm))],
          ["Code", h("code", {}, fn.codeDir)],
          ["Log group", link(route("logs", fn.logGroup), fn.logGroup)],
          ["Reserved concurrency", fn.reservedConcurrency === null ? "unreserved" : String(fn.reservedConcurrency)],
        ])),
      h("section", { class: "card", "aria-labelledby": "triggers-title" },
        h("h2", { id: "triggers-title" }, "Triggers"),
        table(`Triggers of ${fn.name}`, ["API", "Method", "Resource"], fn.triggers.map((tr) =>
          [link(route("apis", tr.apiId), tr.api), tr.method, h("code", {}, tr.path)]), { empty: "No API methods." }),
        Object.keys(fn.environment).length ? [h("h3", {}, "Environment variables"),
          table(`Environment of ${fn.name}`, ["Key", "Value"], Object.entries(fn.environment))] : null)),
    testPanel(fn, events, showRecent),
    h("section", { class: "card", "aria-labelledby": "recent-title" },
      h("h2", { id: "recent-title" }, "Recent invocations"), recent),
  ];
}

function recentTable(items) {
  return table("Invocation list", ["Started", "Request ID", "Source", "Duration (ms)", "Status"],
    items.map((r) => [time(r.startedMs), h("code", {}, r.requestId), r.source, r.durationMs.toFixed(2),
      h("span", { class: `badge ${r.status === "Succeeded" ? "ok" : "bad"}` },
        r.errorType ? `${r.status} (${r.errorType})` : r.status)]),
    { numeric: ["Duration (ms)"], empty: "No invocations since the console started." });
}

function testPanel(fn, events, showRecent) {
  const base = `/api/functions/${encodeURIComponent(fn.name)}`;
  const choose = h("select", { name: "saved-event" });
  const name = h("input", { name: "event-name", autocomplete: "off", placeholder: "MyEvent" });
  const body = h("textarea", { name: "event", rows: "6", spellcheck: "false" });
  const output = h("div", { "aria-live": "polite" });
  const fill = (list) => {
    choose.replaceChildren(h("option", { value: "" }, "New event"),
      ...list.map((e) => h("option", { value: e.name }, e.name)));
  };
  const pick = () => {
    const saved = events.find((e) => e.name === choose.value);
    name.value = saved ? saved.name : "";
    body.value = saved ? JSON.stringify(saved.event, null, 2) : "{}";
  };
  fill(events);
  if (events.length) choose.value = events[0].name;
  pick();
  choose.addEventListener("change", pick);
  const run = h("button", { type: "submit", class: "primary" }, "Test");
  const save = h("button", {
    type: "button",
    onclick: async () => {
      output.replaceChildren();
      try {
        const event = JSON.parse(body.value || "{}");
        if (!name.value.trim()) throw new Error("Give the event a name to save it.");
        const answer = await api(`${base}/events/${encodeURIComponent(name.value.trim())}`,
          { method: "PUT", json: { event } });
        events = answer.events;
        fill(events);
        choose.value = name.value.trim();
        toast(`Saved test event ${name.value.trim()}`);
      } catch (error) {
        output.replaceChildren(errorBox(error));
      }
    },
  }, "Save");
  const form = h("form", {
    "aria-label": `Test ${fn.name}`,
    onsubmit: async (event) => {
      event.preventDefault();
      run.disabled = true;
      output.replaceChildren(h("p", { class: "muted" }, "Running…"));
      try {
        const result = await api(`${base}/invoke`, { method: "POST", body: body.value || "{}" });
        output.replaceChildren(...invokeResult(result));
        showRecent((await api(`/api/invocations?function=${encodeURIComponent(fn.name)}`)).invocations);
      } catch (error) {
        output.replaceChildren(errorBox(error));
      } finally {
        run.disabled = false;
      }
    },
  },
  h("div", { class: "row" }, field("Saved event", choose), field("Event name", name)),
  field("Event JSON", body),
  h("div", { class: "actions" }, run, save));
  return h("section", { class: "card", "aria-labelledby": "fn-test-title" },
    h("h2", { id: "fn-test-title" }, "Test"), form, output);
}

function invokeResult(result) {
  const ok = result.status === "Succeeded";
  let payload = result.payload;
  try { payload = JSON.stringify(JSON.parse(payload), null, 2); } catch { /* not JSON: show as is */ }
  return [
    h("h3", {}, "Execution result: ", h("span", { class: `status ${ok ? "ok" : "bad"}`, "data-testid": "invoke-status" },
      ok ? "succeeded" : `failed (${result.errorType || result.functionError})`)),
    props([
      ["Request ID", h("code", {}, result.requestId)],
      ["Duration", `${result.durationMs} ms`],
      result.initDurationMs !== null ? ["Init duration", `${result.initDurationMs.toFixed(2)} ms`] : null,
    ]),
    h("div", { class: "field" }, h("span", { class: "label" }, "Response"),
      h("pre", { "data-testid": "invoke-payload" }, payload)),
    h("div", { class: "field" }, h("span", { class: "label" }, "Log output"),
      h("pre", { class: "log", "data-testid": "invoke-log" }, result.log.join("\n"))),
  ];
}
