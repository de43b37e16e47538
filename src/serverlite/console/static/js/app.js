// The console's router: `#/section/...` picks a page module; each page renders into <main>.
import { api, h, errorBox } from "./dom.js";
import * as apis from "./apis.js";
import * as httpApis from "./http_apis.js";
import * as functions from "./functions.js";
import * as tables from "./tables.js";
import * as logs from "./logs.js";

const pages = { apis, "http-apis": httpApis, functions, tables, logs };
const main = document.getElementById("main");
let overview = null;
let leave = null;

async function home() {
  const counts = overview.counts;
  const tile = (href, title, n, what) => h("a", { class: "card tile", href },
    h("h2", {}, title), h("div", { class: "big" }, n), h("div", { class: "muted" }, what));
  return [
    h("h1", {}, "Local stack"),
    h("div", { class: "cards" },
      tile("#/apis", "API Gateway", counts.apis, "REST APIs"),
      tile("#/http-apis", "HTTP APIs", counts.httpApis, `HTTP APIs · ${counts.functionUrls} function URLs`),
      tile("#/functions", "Lambda", counts.functions, "functions"),
      tile("#/tables", "DynamoDB", counts.tables, "tables in the template"),
      tile("#/logs", "CloudWatch Logs", "⇢", "log groups")),
    h("section", { class: "card", "aria-labelledby": "endpoints" },
      h("h2", { id: "endpoints" }, "Endpoints"),
      h("dl", { class: "props" },
        h("dt", {}, "Template"), h("dd", {}, h("code", {}, overview.template)),
        h("dt", {}, "Gateway"), h("dd", {}, overview.gatewayUrl || "–"),
        h("dt", {}, "DynamoDB"), h("dd", {}, overview.dynamodbUrl),
        h("dt", {}, "Region / account"), h("dd", {}, `${overview.region} / ${overview.accountId}`))),
  ];
}

async function render() {
  if (leave) { leave(); leave = null; }
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const section = parts[0] || "";
  for (const a of document.querySelectorAll(".top nav a")) {
    if (a.dataset.section === section) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const page = pages[section];
  let content;
  try {
    if (!overview) overview = await api("/api/overview");
    document.getElementById("region").textContent = overview.region;
    if (page) {
      const rendered = await page.render(parts.slice(1), overview);
      content = rendered.content;
      leave = rendered.leave || null;
    } else {
      content = await home();
    }
  } catch (error) {
    content = [h("h1", {}, "Something went wrong"), errorBox(error)];
  }
  main.replaceChildren(...[content].flat(Infinity).filter(Boolean));
  const heading = main.querySelector("h1");
  document.title = (heading ? heading.textContent + " · " : "") + "serverlite console";
  if (render.moved) main.focus({ preventScroll: false });
  render.moved = true;
}

window.addEventListener("hashchange", render);
render();
