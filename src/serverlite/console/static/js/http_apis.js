// API Gateway HTTP APIs: their stages, routes, authorizers and CORS; per route, the Test panel. Function URLs.
import { api, h, table, props, field, crumbs, errorBox, link, route } from "./dom.js";

export async function render(parts) {
  const { apis, functionUrls } = await api("/api/http-apis");
  if (!parts.length) return { content: list(apis, functionUrls) };
  const httpApi = apis.find((a) => a.id === parts[0] || a.name === parts[0]);
  if (!httpApi) return { content: [h("h1", {}, "No such API"), link("#/http-apis", "All HTTP APIs")] };
  return { content: detail(httpApi, parts[1]) };
}

function list(apis, urls) {
  return [
    h("h1", {}, "HTTP APIs"),
    h("section", { class: "card" }, table("HTTP APIs", ["Name", "ID", "Stages", "Routes"],
      apis.map((a) => [link(route("http-apis", a.id), a.name), h("code", {}, a.id),
        a.stages.map((s) => s.name).join(", "), String(a.routes.length)]),
      { empty: "The template has no HTTP API." })),
    h("h2", {}, "Function URLs"),
    h("section", { class: "card" }, table("Function URLs", ["Function", "URL", "Auth type", "Invoke mode"],
      urls.map((u) => [link(route("functions", u.function), u.function), u.url ? h("code", {}, u.url) : "–",
        u.authType, u.invokeMode]),
      { empty: "No function has a URL." })),
  ];
}

function detail(httpApi, routeKey) {
  const chosen = httpApi.routes.find((r) => r.routeKey === routeKey);
  return [
    crumbs(link("#/http-apis", "HTTP APIs"), httpApi.name),
    h("h1", {}, `${httpApi.name} `, h("span", { class: "muted" }, `(${httpApi.id})`)),
    h("div", { class: "split" },
      h("section", { class: "card", "aria-labelledby": "routes-title" },
        h("h2", { id: "routes-title" }, "Routes"),
        h("ul", { class: "tree", "aria-label": "Routes" }, httpApi.routes.map((r) => h("li", {},
          h("a", { class: "method", href: route("http-apis", httpApi.id, r.routeKey),
            "aria-current": r.routeKey === routeKey ? "true" : null }, r.routeKey)))),
        h("p", {}, link(route("http-apis", httpApi.id), "Stages"))),
      h("div", {}, chosen ? routePane(httpApi, chosen) : stagesPane(httpApi))),
  ];
}

function stagesPane(httpApi) {
  const cors = httpApi.cors;
  return [
    httpApi.stages.map((stage) => h("section", { class: "card", "aria-label": `Stage ${stage.name}` },
      h("h2", {}, `Stage ${stage.name}`),
      props([
        ["Invoke URL", stage.invokeUrl ? h("code", {}, stage.invokeUrl) : "–"],
        ["Auto deploy", stage.autoDeploy ? "yes" : "no"],
        ["Access log group", stage.accessLogGroup ? link(route("logs", stage.accessLogGroup), stage.accessLogGroup) : "off"],
        ["Default throttling", stage.defaultThrottle ? throttleText(stage.defaultThrottle) : "account limits"],
        ["Variables", Object.keys(stage.variables).length ? h("pre", {}, JSON.stringify(stage.variables, null, 2)) : "none"],
      ]))),
    h("section", { class: "card", "aria-label": "CORS" }, h("h2", {}, "CORS"), cors ? props([
      ["Allow origins", cors.allowOrigins.join(", ")],
      ["Allow methods", cors.allowMethods.join(", ")],
      ["Allow headers", cors.allowHeaders.join(", ")],
      ["Expose headers", cors.exposeHeaders.join(", ")],
      ["Max age", cors.maxAge === null ? null : `${cors.maxAge} s`],
      ["Allow credentials", cors.allowCredentials ? "yes" : "no"],
    ]) : h("p", { class: "muted" }, "Not configured.")),
    h("section", { class: "card", "aria-label": "Authorizers" }, h("h2", {}, "Authorizers"),
      table("Authorizers", ["Name", "Type", "Identity source", "Issuer or function"],
        httpApi.authorizers.map((a) => [a.name, a.type, a.identitySource.join(", "), a.issuer || a.function || "–"]),
        { empty: "No authorizers." })),
  ];
}

function throttleText(t) {
  return `rate ${t.rateLimit === null ? "account" : t.rateLimit}/s, burst ${t.burstLimit === null ? "account" : t.burstLimit}`;
}

function routePane(httpApi, r) {
  const integration = r.integration;
  return [
    h("section", { class: "card", "aria-labelledby": "route-title" },
      h("h2", { id: "route-title" }, r.routeKey),
      props([
        ["Authorization", r.authorizer ? `${r.authorizationType} (${r.authorizer})` : r.authorizationType],
        ["Scopes", r.scopes.join(", ")],
        ["Integration", `${integration.type} (Lambda proxy, payload ${integration.payloadFormatVersion})`],
        ["Function", integration.function ? link(route("functions", integration.function), integration.function) : "–"],
        ["Timeout", `${integration.timeoutMs} ms`],
      ])),
    testPanel(httpApi, r),
  ];
}

function testPanel(httpApi, r) {
  const fixed = r.method !== "ANY" && r.method !== "$default";
  const method = h("input", { name: "method", value: fixed ? r.method : "GET", autocomplete: "off",
    readonly: fixed ? true : null });
  const path = h("input", { name: "path", value: r.path || "/", autocomplete: "off", spellcheck: "false" });
  const query = h("input", { name: "query", placeholder: "param1=value1&param2=value2", autocomplete: "off" });
  const headers = h("textarea", { name: "headers", rows: "3", placeholder: "header1:value1\nheader2:value2",
    spellcheck: "false" });
  const body = h("textarea", { name: "body", rows: "4", spellcheck: "false" });
  const run = h("button", { type: "submit", class: "primary" }, "Test");
  const output = h("div", { class: "test-output", "aria-live": "polite" });
  const form = h("form", {
    "aria-label": `Test ${r.routeKey}`,
    onsubmit: async (event) => {
      event.preventDefault();
      run.disabled = true;
      output.replaceChildren(h("p", { class: "muted" }, "Running…"));
      try {
        const result = await api(`/api/http-apis/${encodeURIComponent(httpApi.id)}/test-invoke`, {
          method: "POST",
          json: { method: method.value, path: path.value, query: query.value, headers: headers.value, body: body.value },
        });
        output.replaceChildren(...testResult(result));
      } catch (error) {
        output.replaceChildren(errorBox(error));
      } finally {
        run.disabled = false;
      }
    },
  },
  field("Method", method),
  field("Path", path, "Replace {parameters} with values; no stage prefix. Authorizers are not run."),
  field("Query strings", query),
  field("Headers", headers, "One name:value per line."),
  field("Request body", body),
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
