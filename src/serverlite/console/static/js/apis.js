// API Gateway: REST APIs, their stages and resource trees; per method, the integration and the Test panel.
import { api, h, table, props, field, crumbs, errorBox, link, route } from "./dom.js";

export async function render(parts) {
  const { apis } = await api("/api/apis");
  if (!parts.length) return { content: list(apis) };
  const restApi = apis.find((a) => a.id === parts[0] || a.name === parts[0]);
  if (!restApi) return { content: [h("h1", {}, "No such API"), link("#/apis", "All APIs")] };
  return { content: detail(restApi, parts[1], parts[2]) };
}

function list(apis) {
  return [
    h("h1", {}, "REST APIs"),
    h("section", { class: "card" }, table("REST APIs", ["Name", "ID", "Endpoint type", "Stages", "Resources"],
      apis.map((a) => [link(route("apis", a.id), a.name), h("code", {}, a.id), a.endpointType,
        a.stages.map((s) => s.name).join(", "), String(a.resources.length)]),
      { empty: "The template has no REST API." })),
  ];
}

function detail(restApi, resourceId, httpMethod) {
  const resource = restApi.resources.find((r) => r.id === resourceId);
  const method = resource && resource.methods.find((m) => m.httpMethod === httpMethod);
  const pane = method ? methodPane(restApi, resource, method)
    : resource ? resourcePane(restApi, resource) : stagesPane(restApi);
  return [
    crumbs(link("#/apis", "APIs"), restApi.name),
    h("h1", {}, `${restApi.name} `, h("span", { class: "muted" }, `(${restApi.id})`)),
    h("div", { class: "split" },
      h("section", { class: "card", "aria-labelledby": "tree-title" },
        h("h2", { id: "tree-title" }, "Resources"),
        tree(restApi, resourceId, httpMethod),
        h("p", {}, link(route("apis", restApi.id), "Stages"))),
      h("div", {}, pane)),
  ];
}

function tree(restApi, resourceId, httpMethod) {
  // Nest by path: a resource's parent is the longest other path that prefixes it.
  const children = new Map();
  const byPath = new Map(restApi.resources.map((r) => [r.path, r]));
  const parentOf = (path) => {
    let p = path;
    while (p !== "/") {
      p = p.slice(0, p.lastIndexOf("/")) || "/";
      if (byPath.has(p)) return p;
    }
    return null;
  };
  for (const r of restApi.resources) {
    const parent = r.path === "/" ? null : parentOf(r.path);
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(r);
  }
  const node = (r) => {
    const name = r.path === "/" ? "/" : "/" + r.path.split("/").pop();
    return h("li", {},
      h("div", { class: "res" }, link(route("apis", restApi.id, r.id), name)),
      r.methods.length ? h("div", { class: "methods" }, r.methods.map((m) =>
        h("a", { class: "method", href: route("apis", restApi.id, r.id, m.httpMethod),
          "aria-label": `${m.httpMethod} ${r.path}`,
          "aria-current": r.id === resourceId && m.httpMethod === httpMethod ? "true" : null },
        m.httpMethod))) : null,
      children.has(r.path) ? h("ul", {}, children.get(r.path).map(node)) : null);
  };
  return h("ul", { class: "tree", "aria-label": "Resource tree" }, (children.get(null) || []).map(node));
}

function stagesPane(restApi) {
  return restApi.stages.map((stage) => h("section", { class: "card", "aria-label": `Stage ${stage.name}` },
    h("h2", {}, `Stage ${stage.name}`),
    props([
      ["Invoke URL", stage.invokeUrl ? h("code", {}, stage.invokeUrl) : "–"],
      ["Deployment", stage.deploymentId],
      ["Access log group", stage.accessLogGroup ? link(route("logs", stage.accessLogGroup), stage.accessLogGroup) : "off"],
      ["Execution log group", link(route("logs", `API-Gateway-Execution-Logs_${restApi.id}/${stage.name}`),
        `API-Gateway-Execution-Logs_${restApi.id}/${stage.name}`)],
      ["Tracing", stage.tracingEnabled ? "X-Ray on" : "off"],
      ["Variables", Object.keys(stage.variables).length ? h("pre", {}, JSON.stringify(stage.variables, null, 2)) : "none"],
    ]),
    stage.methodSettings.length ? [h("h3", {}, "Method settings"),
      table(`Method settings of ${stage.name}`, ["Resource", "Method", "Logging", "Data trace", "Metrics"],
        stage.methodSettings.map((s) => [s.resourcePath, s.httpMethod, s.loggingLevel,
          s.dataTraceEnabled ? "yes" : "no", s.metricsEnabled ? "yes" : "no"]))] : null));
}

function resourcePane(restApi, resource) {
  return h("section", { class: "card" },
    h("h2", {}, resource.path),
    props([["Resource ID", h("code", {}, resource.id)], ["Path", h("code", {}, resource.path)]]),
    h("h3", {}, "Methods"),
    table(`Methods of ${resource.path}`, ["Method", "Integration", "Function", "Authorization"],
      resource.methods.map((m) => [link(route("apis", restApi.id, resource.id, m.httpMethod), m.httpMethod),
        m.integration.type, m.integration.function || "–", m.authorizationType]),
      { empty: "No methods on this resource." }));
}

function methodPane(restApi, resource, method) {
  const integration = method.integration;
  const templates = Object.entries(integration.requestTemplates);
  return [
    h("section", { class: "card", "aria-labelledby": "method-title" },
      h("h2", { id: "method-title" }, `${method.httpMethod} ${resource.path}`),
      h("div", { class: "cols" },
        h("div", {}, h("h3", {}, "Method request"), props([
          ["Authorization", method.authorizationType],
          ["API key required", method.apiKeyRequired ? "yes" : "no"],
          ["Operation name", method.operationName],
        ])),
        h("div", {}, h("h3", {}, "Integration request"), props([
          ["Type", `${integration.type}${integration.proxy ? " (Lambda proxy)" : ""}`],
          ["Function", integration.function ? link(route("functions", integration.function), integration.function) : "–"],
          ["Timeout", `${integration.timeoutMs} ms`],
          integration.proxy ? null : ["Passthrough", integration.passthroughBehavior],
          ["URI", h("code", {}, integration.uri)],
        ]))),
      templates.length ? [h("h3", {}, "Mapping templates"), templates.map(([type, body]) =>
        [h("div", { class: "muted" }, type), h("pre", {}, body)])] : null),
    testPanel(restApi, resource, method),
  ];
}

function testPanel(restApi, resource, method) {
  const path = h("input", { name: "path", value: resource.path, autocomplete: "off", spellcheck: "false" });
  const query = h("input", { name: "query", placeholder: "param1=value1&param2=value2", autocomplete: "off" });
  const headers = h("textarea", { name: "headers", rows: "3", placeholder: "header1:value1\nheader2:value2",
    spellcheck: "false" });
  const body = h("textarea", { name: "body", rows: "4", spellcheck: "false" });
  const run = h("button", { type: "submit", class: "primary" }, "Test");
  const output = h("div", { class: "test-output", "aria-live": "polite" });
  const form = h("form", {
    "aria-label": `Test ${method.httpMethod} ${resource.path}`,
    onsubmit: async (event) => {
      event.preventDefault();
      run.disabled = true;
      output.replaceChildren(h("p", { class: "muted" }, "Running…"));
      try {
        const result = await api(`/api/apis/${encodeURIComponent(restApi.id)}/test-invoke`, {
          method: "POST",
          json: { method: method.httpMethod, path: path.value, query: query.value, headers: headers.value,
            body: body.value },
        });
        output.replaceChildren(...testResult(result));
      } catch (error) {
        output.replaceChildren(errorBox(error));
      } finally {
        run.disabled = false;
      }
    },
  },
  field("Path", path, "Replace {parameters} with values."),
  field("Query strings", query),
  field("Headers", headers, "One name:value per line."),
  method.httpMethod === "GET" ? null : field("Request body", body),
  h("div", { class: "actions" }, run));
  return h("section", { class: "card", "aria-labelledby": "test-title" },
    h("h2", { id: "test-title" }, "Test"), form, output);
}

function testResult(result) {
  const ok = result.status < 400;
  return [
    h("h3", {}, "Response"),
    h("p", {}, "Status: ", h("span", { class: `status ${ok ? "ok" : "bad"}`, "data-testid": "test-status" },
      String(result.status)), h("span", { class: "muted" }, ` · Latency ${result.latencyMs} ms`)),
    h("div", { class: "field" }, h("span", { class: "label" }, "Response body"),
      h("pre", { "data-testid": "test-body" }, result.body)),
    h("div", { class: "field" }, h("span", { class: "label" }, "Response headers"),
      h("pre", {}, result.headers.map(([k, v]) => `${k}: ${v}`).join("\n"))),
    h("div", { class: "field" }, h("span", { class: "label" }, "Logs"),
      h("pre", { class: "log", "data-testid": "test-log" }, result.log.join("\n"))),
  ];
}
