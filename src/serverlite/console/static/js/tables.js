// DynamoDB: tables (key schema, indexes, item count), create/delete, and the item browser.
import { api, h, table, props, field, crumbs, errorBox, link, route, toast } from "./dom.js";

const ddb = (operation, request) => api(`/api/dynamodb/${operation}`, { method: "POST", json: request });

export async function render(parts) {
  if (!parts.length) {
    const { tables } = await api("/api/tables");
    return { content: list(tables) };
  }
  const { Table: description } = await ddb("DescribeTable", { TableName: parts[0] });
  return { content: detail(description) };
}

function keysOf(description, schema = description.KeySchema) {
  const types = Object.fromEntries(description.AttributeDefinitions.map((a) => [a.AttributeName, a.AttributeType]));
  const key = (kind) => {
    const k = schema.find((s) => s.KeyType === kind);
    return k ? { name: k.AttributeName, type: types[k.AttributeName] } : null;
  };
  return { hash: key("HASH"), range: key("RANGE") };
}

const keyText = (k) => (k ? `${k.name} (${k.type})` : "–");

function indexes(description) {
  return [...(description.GlobalSecondaryIndexes || []).map((i) => ({ ...i, kind: "GSI" })),
    ...(description.LocalSecondaryIndexes || []).map((i) => ({ ...i, kind: "LSI" }))];
}

function list(tables) {
  return [
    h("h1", {}, "Tables"),
    h("section", { class: "card" }, table("Tables",
      ["Name", "Status", "Partition key", "Sort key", "Indexes", "Items", "Actions"],
      tables.map((t) => {
        const keys = keysOf(t);
        return [link(route("tables", t.TableName), t.TableName), t.TableStatus, keyText(keys.hash),
          keyText(keys.range), String(indexes(t).length), String(t.ItemCount),
          h("button", { type: "button", class: "danger small", "aria-label": `Delete table ${t.TableName}`,
            onclick: () => deleteTable(t.TableName) }, "Delete")];
      }),
      { numeric: ["Indexes", "Items"], empty: "No tables yet." })),
    createForm(),
  ];
}

async function deleteTable(name) {
  if (!confirm(`Delete table ${name} and all its items?`)) return;
  try {
    await ddb("DeleteTable", { TableName: name });
    toast(`Deleted table ${name}`);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } catch (error) {
    toast(error.message);
  }
}

function typeSelect(name) {
  return h("select", { name }, ["S", "N", "B"].map((t) => h("option", { value: t }, t)));
}

function createForm() {
  const name = h("input", { name: "table-name", required: true, autocomplete: "off" });
  const hash = h("input", { name: "partition-key", required: true, autocomplete: "off" });
  const hashType = typeSelect("partition-key-type");
  const range = h("input", { name: "sort-key", autocomplete: "off" });
  const rangeType = typeSelect("sort-key-type");
  const output = h("div", { "aria-live": "polite" });
  const form = h("form", {
    "aria-label": "Create table",
    onsubmit: async (event) => {
      event.preventDefault();
      const schema = [{ AttributeName: hash.value, KeyType: "HASH" }];
      const attributes = [{ AttributeName: hash.value, AttributeType: hashType.value }];
      if (range.value) {
        schema.push({ AttributeName: range.value, KeyType: "RANGE" });
        attributes.push({ AttributeName: range.value, AttributeType: rangeType.value });
      }
      try {
        await ddb("CreateTable", { TableName: name.value, KeySchema: schema, AttributeDefinitions: attributes,
          BillingMode: "PAY_PER_REQUEST" });
        toast(`Created table ${name.value}`);
        location.hash = route("tables", name.value);
      } catch (error) {
        output.replaceChildren(errorBox(error));
      }
    },
  },
  field("Table name", name),
  h("div", { class: "row" }, field("Partition key", hash), field("Partition key type", hashType)),
  h("div", { class: "row" }, field("Sort key (optional)", range), field("Sort key type", rangeType)),
  h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Create table")));
  return h("section", { class: "card", "aria-labelledby": "create-title" },
    h("h2", { id: "create-title" }, "Create table"), form, output);
}

function detail(description) {
  const keys = keysOf(description);
  const count = h("span", { "data-testid": "item-count" }, String(description.ItemCount));
  const recount = async () => {
    const { Table: now } = await ddb("DescribeTable", { TableName: description.TableName });
    count.textContent = String(now.ItemCount);
  };
  const browser = itemBrowser(description, recount);
  return [
    crumbs(link("#/tables", "Tables"), description.TableName),
    h("h1", {}, description.TableName),
    h("section", { class: "card", "aria-labelledby": "overview-title" },
      h("h2", { id: "overview-title" }, "Overview"),
      props([
        ["Status", description.TableStatus],
        ["Partition key", keyText(keys.hash)],
        ["Sort key", keyText(keys.range)],
        ["Item count", count],
        ["Billing", (description.BillingModeSummary || {}).BillingMode || "PROVISIONED"],
        ["ARN", h("code", {}, description.TableArn)],
      ]),
      indexes(description).length ? [h("h3", {}, "Indexes"), table("Indexes", ["Name", "Kind", "Partition key",
        "Sort key", "Projection", "Items"], indexes(description).map((i) => {
        const k = keysOf(description, i.KeySchema);
        return [i.IndexName, i.kind, keyText(k.hash), keyText(k.range), i.Projection.ProjectionType,
          String(i.ItemCount ?? "–")];
      }))] : null),
    browser,
  ];
}

// DynamoDB JSON of a value, shortened for a table cell: strings and numbers bare, the rest as JSON.
function cell(value) {
  if (value === undefined) return "";
  const [type, v] = Object.entries(value)[0];
  if (type === "S" || type === "N") return v;
  if (type === "BOOL") return String(v);
  if (type === "NULL") return "null";
  return JSON.stringify(value);
}

function itemBrowser(description, changed) {
  const keys = keysOf(description);
  const state = { pages: [undefined], page: 0, request: null };
  const modeName = `mode-${Math.random().toString(36).slice(2, 7)}`;
  const scan = h("input", { type: "radio", name: modeName, value: "scan", checked: true, id: "mode-scan" });
  const query = h("input", { type: "radio", name: modeName, value: "query", id: "mode-query" });
  const index = h("select", { name: "index" }, h("option", { value: "" }, "Table"),
    indexes(description).map((i) => h("option", { value: i.IndexName }, i.IndexName)));
  const pk = h("input", { name: "partition-value", autocomplete: "off" });
  const skOp = h("select", { name: "sort-operator" },
    ["=", "<", "<=", ">", ">=", "begins_with", "between"].map((o) => h("option", { value: o }, o)));
  const sk = h("input", { name: "sort-value", autocomplete: "off" });
  const sk2 = h("input", { name: "sort-value-2", autocomplete: "off", placeholder: "between: upper bound" });
  const filter = h("input", { name: "filter", autocomplete: "off", placeholder: "AlbumTitle = :album" });
  const values = h("input", { name: "values", autocomplete: "off", spellcheck: "false",
    placeholder: '{":album": {"S": "Somewhat Famous"}}' });
  const limit = h("input", { name: "limit", type: "number", min: "1", max: "1000", value: "25" });
  const queryFields = h("div", { class: "query-fields" },
    h("div", { class: "row" }, field("Index", index), field("Partition key value", pk)),
    h("div", { class: "row" }, field("Sort key condition", skOp), field("Sort key value", sk), field("Upper bound", sk2)));
  const results = h("div", { "aria-live": "polite" });
  const pager = h("div", { class: "actions" });
  const editorBox = h("div", {});

  const currentKeys = () => (index.value
    ? keysOf(description, indexes(description).find((i) => i.IndexName === index.value).KeySchema) : keys);
  const syncMode = () => {
    queryFields.hidden = !query.checked;
    const k = currentKeys();
    pk.previousSibling.textContent = `Partition key value (${keyText(k.hash)})`;
    sk.previousSibling.textContent = k.range ? `Sort key value (${keyText(k.range)})` : "Sort key value (no sort key)";
    sk.disabled = skOp.disabled = sk2.disabled = !k.range;
  };
  scan.addEventListener("change", syncMode);
  query.addEventListener("change", syncMode);
  index.addEventListener("change", syncMode);

  const buildRequest = () => {
    const request = { TableName: description.TableName, Limit: Number(limit.value) || 25 };
    const names = {};
    const vals = values.value.trim() ? JSON.parse(values.value) : {};
    if (filter.value.trim()) request.FilterExpression = filter.value.trim();
    if (query.checked) {
      const k = currentKeys();
      if (index.value) request.IndexName = index.value;
      names["#pk"] = k.hash.name;
      vals[":pk"] = { [k.hash.type]: pk.value };
      let condition = "#pk = :pk";
      if (k.range && sk.value) {
        names["#sk"] = k.range.name;
        vals[":sk"] = { [k.range.type]: sk.value };
        if (skOp.value === "begins_with") condition += " AND begins_with(#sk, :sk)";
        else if (skOp.value === "between") {
          vals[":sk2"] = { [k.range.type]: sk2.value };
          condition += " AND #sk BETWEEN :sk AND :sk2";
        } else condition += ` AND #sk ${skOp.value} :sk`;
      }
      request.KeyConditionExpression = condition;
    }
    if (Object.keys(names).length) request.ExpressionAttributeNames = names;
    if (Object.keys(vals).length) request.ExpressionAttributeValues = vals;
    return request;
  };

  const run = async () => {
    const request = { ...state.request };
    const start = state.pages[state.page];
    if (start) request.ExclusiveStartKey = start;
    try {
      const answer = await ddb(query.checked ? "Query" : "Scan", request);
      state.pages[state.page + 1] = answer.LastEvaluatedKey;
      showItems(answer);
    } catch (error) {
      results.replaceChildren(errorBox(error));
      pager.replaceChildren();
    }
  };

  const showItems = (answer) => {
    const items = answer.Items || [];
    const keyNames = [keys.hash.name, keys.range && keys.range.name].filter(Boolean);
    const others = [...new Set(items.flatMap((i) => Object.keys(i)))].filter((n) => !keyNames.includes(n)).sort();
    const columns = [...keyNames, ...others];
    const keyOf = (item) => Object.fromEntries(keyNames.map((n) => [n, item[n]]));
    results.replaceChildren(
      h("p", { class: "muted" }, `Page ${state.page + 1}: ${answer.Count} item(s) returned, ${answer.ScannedCount} scanned.`),
      table("Item list", [...columns, "Actions"], items.map((item) => [
        ...columns.map((c) => cell(item[c])),
        h("div", { class: "actions" },
          h("button", { type: "button", class: "small", "aria-label": `Edit item ${keyNames.map((n) => cell(item[n])).join(" / ")}`,
            onclick: () => openEditor(item) }, "Edit"),
          h("button", { type: "button", class: "small danger", "aria-label": `Delete item ${keyNames.map((n) => cell(item[n])).join(" / ")}`,
            onclick: () => deleteItem(keyOf(item)) }, "Delete")),
      ]), { empty: "No items match." }));
    pager.replaceChildren(
      h("button", { type: "button", disabled: state.page === 0, onclick: () => { state.page -= 1; run(); } }, "Previous page"),
      h("button", { type: "button", disabled: !answer.LastEvaluatedKey, onclick: () => { state.page += 1; run(); } }, "Next page"));
  };

  const deleteItem = async (key) => {
    if (!confirm("Delete this item?")) return;
    try {
      await ddb("DeleteItem", { TableName: description.TableName, Key: key });
      toast("Item deleted");
      run();
      changed();
    } catch (error) {
      results.prepend(errorBox(error));
    }
  };

  const openEditor = (item) => {
    const creating = !item;
    const template = {};
    for (const k of [keys.hash, keys.range].filter(Boolean)) template[k.name] = { [k.type]: "" };
    const text = h("textarea", { name: "item-json", rows: "10", spellcheck: "false" },
      JSON.stringify(item || template, null, 2));
    const problem = h("div", { "aria-live": "assertive" });
    const editor = h("form", {
      "aria-label": creating ? "Create item" : "Edit item",
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          const parsed = JSON.parse(text.value);
          await ddb("PutItem", { TableName: description.TableName, Item: parsed });
          toast(creating ? "Item created" : "Item saved");
          editorBox.replaceChildren();
          state.page = 0;
          state.pages = [undefined];
          if (!state.request) state.request = buildRequest();
          run();
          changed();
        } catch (error) {
          problem.replaceChildren(errorBox(error));
        }
      },
    },
    h("h3", {}, creating ? "Create item" : "Edit item"),
    field("Item (DynamoDB JSON)", text, "Attribute name → {\"S\": …} / {\"N\": …} / {\"M\": …} …"),
    problem,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, creating ? "Create item" : "Save item"),
      h("button", { type: "button", onclick: () => editorBox.replaceChildren() }, "Cancel")));
    editorBox.replaceChildren(editor);
    text.focus();
  };

  const form = h("form", {
    "aria-label": "Find items",
    onsubmit: (event) => {
      event.preventDefault();
      try {
        state.request = buildRequest();
      } catch (error) {
        results.replaceChildren(errorBox(`Expression attribute values: ${error.message}`));
        return;
      }
      state.page = 0;
      state.pages = [undefined];
      run();
    },
  },
  h("fieldset", {}, h("legend", {}, "Operation"), h("div", { class: "radios" },
    h("label", {}, scan, "Scan"), h("label", {}, query, "Query"))),
  queryFields,
  h("div", { class: "row" }, field("Filter expression", filter), field("Expression attribute values", values),
    field("Page size", limit)),
  h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Run"),
    h("button", { type: "button", onclick: () => openEditor(null) }, "Create item")));
  syncMode();
  state.request = buildRequest();
  run();
  return h("section", { class: "card", "aria-labelledby": "items-title" },
    h("h2", { id: "items-title" }, "Items"), form, editorBox, results, pager);
}
