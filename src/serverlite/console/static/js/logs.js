// CloudWatch Logs: log groups; per group its streams, events with a filter pattern, and a live tail.
import { api, events, h, table, field, crumbs, errorBox, link, route, time, bytes } from "./dom.js";

export async function render(parts) {
  if (!parts.length) {
    const { groups } = await api("/api/logs/groups");
    return { content: list(groups) };
  }
  return group(parts[0], parts[1] || "");
}

function list(groups) {
  return [
    h("h1", {}, "Log groups"),
    h("section", { class: "card" }, table("Log groups", ["Name", "Created", "Stored"],
      groups.map((g) => [link(route("logs", g.name), g.name), time(g.creationTime), bytes(g.storedBytes)]),
      { numeric: ["Stored"], empty: "No log groups yet: they appear with the first request or invocation." })),
  ];
}

async function group(name, streamName) {
  let streams = [];
  try {
    streams = (await api(`/api/logs/streams?group=${encodeURIComponent(name)}`)).streams;
  } catch (error) {
    if (error.status !== 404) throw error;
  }
  const stream = h("select", { name: "stream" }, h("option", { value: "" }, "All streams"),
    streams.map((s) => h("option", { value: s.name }, s.name)));
  stream.value = streamName;
  const filter = h("input", { name: "filter", type: "search", autocomplete: "off",
    placeholder: 'Filter pattern, e.g. ERROR or "Table created"' });
  const since = h("select", { name: "since" },
    [["", "All time"], ["300000", "Last 5 minutes"], ["3600000", "Last hour"], ["86400000", "Last day"]]
      .map(([value, text]) => h("option", { value }, text)));
  const live = h("button", { type: "button", "aria-pressed": "false" }, "Start live tail");
  const body = h("tbody", {});
  const status = h("p", { class: "muted", "aria-live": "polite" });
  const more = h("div", { class: "actions" });
  let source = null;
  let next = null;

  const row = (e) => h("tr", {}, h("td", { class: "mono nowrap" }, time(e.timestamp)),
    h("td", {}, h("pre", { class: "event" }, e.message)));
  const query = () => {
    const params = new URLSearchParams({ group: name });
    if (stream.value) params.set("stream", stream.value);
    if (filter.value.trim()) params.set("filter", filter.value.trim());
    if (since.value) params.set("since", String(Date.now() - Number(since.value)));
    return params;
  };
  const load = async (append) => {
    const params = query();
    if (append && next) params.set("next", next);
    try {
      const page = await api(`/api/logs/events?${params}`);
      if (!append) body.replaceChildren();
      body.append(...page.events.map(row));
      next = page.nextToken;
      status.textContent = `${body.children.length} event(s)` + (filter.value.trim() ? ` matching ${filter.value.trim()}` : "");
      more.replaceChildren(next ? h("button", { type: "button", onclick: () => load(true) }, "Load more") : "");
    } catch (error) {
      if (error.status === 404) { body.replaceChildren(); status.textContent = "No events yet."; return; }
      status.replaceChildren(errorBox(error));
    }
  };
  const stop = () => {
    if (source) source.close();
    source = null;
    live.textContent = "Start live tail";
    live.setAttribute("aria-pressed", "false");
  };
  live.addEventListener("click", () => {
    if (source) { stop(); return; }
    const params = query();
    params.delete("since");
    source = events(`/api/logs/tail?${params}`, (data) => {
      const e = JSON.parse(data);
      if (!stream.value || e.logStreamName === stream.value) body.append(row(e));
      status.textContent = `${body.children.length} event(s), tailing…`;
    }, (error) => {
      stop();
      if (error) status.replaceChildren(errorBox(error));
    });
    live.textContent = "Stop live tail";
    live.setAttribute("aria-pressed", "true");
  });

  const form = h("form", { "aria-label": "Filter events",
    onsubmit: (event) => { event.preventDefault(); stop(); load(false); } },
  h("div", { class: "row" }, field("Filter pattern", filter), field("Stream", stream), field("Time range", since)),
  h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Search"), live));
  load(false);
  return {
    content: [
      crumbs(link("#/logs", "Log groups"), name),
      h("h1", {}, name),
      h("section", { class: "card", "aria-labelledby": "events-title" },
        h("h2", { id: "events-title" }, "Log events"), form, status,
        h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": "Event list" },
          h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Timestamp"),
            h("th", { scope: "col" }, "Message"))), body)),
        more),
      h("section", { class: "card", "aria-labelledby": "streams-title" },
        h("h2", { id: "streams-title" }, "Log streams"),
        table("Log streams", ["Stream", "Last event", "Stored"], streams.map((s) =>
          [link(route("logs", name, s.name), s.name), time(s.lastEventTimestamp), bytes(s.storedBytes)]),
        { numeric: ["Stored"] })),
    ],
    leave: stop,
  };
}
