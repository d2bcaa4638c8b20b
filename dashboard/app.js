// hookgate's dashboard: plain DOM, no framework, nothing loaded from elsewhere.
// The admin token lives in this tab's sessionStorage and travels only as a bearer header.
"use strict";

const TOKEN_KEY = "hookgate.admin-token";
const $ = (id) => document.getElementById(id);
const VIEWS = ["view-signin", "view-list", "view-create", "view-webhook", "view-edit"];
let schemes = [];
let current = null; // the webhook shown in view-webhook
let deliveries = [];

class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.code = problem && problem.code;
  }
}

async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) || ""}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = { detail: text }; }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 || err.code === "admin_disabled") signedOut(err);
    throw err;
  }
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return node;
}

// A path wraps after a `/` (a <wbr> there) rather than in the middle of a segment.
function breakableAtSlashes(path) {
  return path.split(/(?<=\/)/).flatMap((part, i) => (i ? [el("wbr"), part] : [part]));
}

function show(view) {
  for (const v of VIEWS) $(v).hidden = v !== view;
  $("nav").hidden = view === "view-signin";
  const heading = $(view).querySelector("h2");
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}

let toastTimer = null;
function toast(message, bad = false) {
  const t = $("toast");
  t.textContent = message;
  t.className = bad ? "bad" : "";
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.textContent = ""; }, 8000);
}

function failed(err) {
  toast(`${err.message}${err.code ? ` (${err.code})` : ""}`, true);
}

function when(iso) {
  if (!iso) return "never";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

function signedOut(err) {
  sessionStorage.removeItem(TOKEN_KEY);
  show("view-signin");
  $("signin-error").textContent = err.code === "admin_disabled"
    ? "The admin API is closed: this deployment has no ADMIN_TOKEN. Set it with `wrangler secret put ADMIN_TOKEN`."
    : "That admin token was not accepted (401 unauthorized). Check the Worker's ADMIN_TOKEN and sign in again.";
}

// ---- sign in ----
async function signIn(event) {
  event.preventDefault();
  $("signin-error").textContent = "";
  sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
  $("token").value = "";
  try {
    await loadSchemes();
    await showList();
  } catch (err) {
    if (err.status !== 401) $("signin-error").textContent = err.message;
  }
}

async function loadSchemes() {
  const data = await api("GET", "/admin/v1/schemes");
  schemes = data.schemes;
  const select = $("f-scheme");
  select.replaceChildren(...schemes.map((s) => el("option", { value: s.name }, `${s.provider} (${s.name})`)));
  $("f-style").replaceChildren(...data.styles.map((s) => el("option", { value: s }, s)));
  describeScheme();
}

function describeScheme() {
  const s = schemes.find((x) => x.name === $("f-scheme").value);
  const help = $("scheme-help");
  help.replaceChildren();
  if (s) {
    help.append(`The sender sends: ${s.summary}${s.tolerance_s ? ` (timestamps within ${s.tolerance_s} s)` : ""}. `);
    // Only the provider's own https pages are links; hookgate's generic schemes point
    // into its README, which the dashboard does not serve.
    if (s.docs.startsWith("https://")) {
      help.append(el("a", { href: s.docs, target: "_blank", rel: "noopener noreferrer" }, `${s.provider}'s documentation`));
    }
  }
  // What the operator pastes from the provider (public key, verify token, app secret).
  const fields = (s && s.operator_fields) || [];
  $("scheme-fields").replaceChildren(...fields.flatMap((f) => [
    el("label", { for: `f-auth-${f.field}` }, `auth.${f.field}`),
    el("input", {
      id: `f-auth-${f.field}`, "data-auth-field": f.field, "data-auth-type": f.type || "text",
      placeholder: f.type === "list" ? `${f.description} (separate with commas)`
        : f.type === "boolean" ? `${f.description} (true or false)` : f.description,
      "aria-describedby": "scheme-help", ...(f.required ? { required: "" } : {}),
    }),
  ]));
}

// ---- list ----
// One call per page of up to 100 webhooks (the API's cursor), never a call per webhook:
// when each was last triggered and its last hour are on the webhook's own page.
const LIST_PAGE = 100;

async function showList() {
  show("view-list");
  const body = $("webhook-list").tBodies[0];
  body.replaceChildren();
  $("list-empty").hidden = true;
  let cursor = null;
  let shown = 0;
  do {
    const query = `limit=${LIST_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = await api("GET", `/admin/v1/webhooks?${query}`);
    body.append(...page.webhooks.map(listRow));
    shown += page.webhooks.length;
    cursor = page.next_cursor;
  } while (cursor);
  $("list-empty").hidden = shown > 0;
}

function listRow(w) {
  const target = w.target.queue ? `queue ${w.target.queue}` : `origin ${w.target.origin.url}`;
  return el("tr", { "data-id": w.id },
    el("td", { "data-label": "Name" }, w.name),
    el("td", { "data-label": "Path", class: "wraps" }, el("code", {}, ...breakableAtSlashes(w.path))),
    el("td", { "data-label": "Scheme" }, w.auth.scheme),
    el("td", { "data-label": "Style" }, w.style),
    el("td", { "data-label": "Target", class: "wraps" }, target),
    el("td", { "data-label": "Enabled" }, el("span", { class: `pill ${w.enabled ? "yes" : "no"}` }, w.enabled ? "enabled" : "disabled")),
    el("td", {}, el("button", { type: "button", class: "open", onclick: () => openWebhook(w.id) }, "Open")));
}

// ---- create ----
function showCreate() {
  $("create-form").reset();
  $("f-target").value = "EVENTS";
  $("created").hidden = true;
  $("create-error").textContent = "";
  describeScheme();
  show("view-create");
}

async function create(event) {
  event.preventDefault();
  $("create-error").textContent = "";
  const kind = $("f-target-kind").value;
  const target = kind === "queue"
    ? { queue: $("f-target").value.trim() }
    : { origin: { url: $("f-target").value.trim(), mode: kind === "origin-sync" ? "sync" : "async" } };
  const spec = { path: $("f-path").value.trim(), auth: { scheme: $("f-scheme").value }, target };
  for (const input of $("scheme-fields").querySelectorAll("input[data-auth-field]")) {
    const value = input.value.trim();
    if (!value) continue;
    // A list (SNS's topic ARNs) and a boolean (auto_confirm) are sent as JSON ones.
    spec.auth[input.dataset.authField] = input.dataset.authType === "list"
      ? value.split(/[\s,]+/).filter(Boolean)
      : input.dataset.authType === "boolean" ? value === "true" : value;
  }
  if ($("f-name").value.trim()) spec.name = $("f-name").value.trim();
  if ($("f-style").value !== "hookgate") spec.style = $("f-style").value;
  try {
    const w = await api("POST", "/admin/v1/webhooks", spec);
    $("created-url").textContent = w.url;
    // An asana webhook has none yet: Asana sends it in its handshake while armed.
    $("created-secret").textContent = w.secret
      || (w.auth.arming ? `none yet: Asana's handshake sets it (armed until ${w.auth.arming.armed_until})` : "");
    $("created-forwarding").textContent = w.forwarding_secret || "";
    $("created-curl").textContent = w.example_curl || "";
    $("created").hidden = false;
    $("created-open").onclick = () => openWebhook(w.id);
    toast(`Created ${w.name}.`);
    $("created").querySelector("h3").focus();
  } catch (err) {
    $("create-error").textContent = `${err.message}${err.code ? ` (${err.code})` : ""}`;
  }
}

async function copy(event) {
  const source = $(event.target.dataset.copy);
  try {
    await navigator.clipboard.writeText(source.textContent);
    toast("Copied.");
  } catch (_) {
    const range = document.createRange();
    range.selectNodeContents(source);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    toast("Selected: press Ctrl+C to copy.");
  }
}

// ---- one webhook ----
async function openWebhook(id) {
  try {
    current = await api("GET", `/admin/v1/webhooks/${id}`);
  } catch (err) { failed(err); return; }
  $("wh-secret-panel").hidden = true;
  $("test-report").hidden = true;
  $("delivery-detail").hidden = true;
  renderWebhook();
  show("view-webhook");
  await Promise.all([loadDeliveries(), loadChart()]);
}

function renderWebhook() {
  const w = current;
  $("wh-title").textContent = w.name;
  const target = w.target.queue ? `queue ${w.target.queue}` : `origin ${w.target.origin.url} (${w.target.origin.mode})`;
  $("wh-summary").textContent = `${w.path} · ${w.auth.scheme} · style ${w.style} · ${target} · ` +
    `${w.enabled ? "enabled" : "disabled"} · last triggered ${when(w.last_triggered_at)}`;
  $("wh-enabled-btn").textContent = w.enabled ? "Disable" : "Enable";
}

async function toggleEnabled() {
  try {
    const updated = await api("PATCH", `/admin/v1/webhooks/${current.id}`, { enabled: !current.enabled });
    current = { ...current, ...updated };
    renderWebhook();
    toast(current.enabled ? "Enabled: senders are accepted again." : "Disabled: senders now get 403 webhook_disabled.");
  } catch (err) { failed(err); }
}

async function rotate() {
  try {
    const w = await api("POST", `/admin/v1/webhooks/${current.id}/rotate-secret`, {});
    $("rotated-secret").textContent = w.secret;
    $("rotated-curl").textContent = w.example_curl || "";
    $("wh-secret-panel").hidden = false;
    current = { ...current, ...w };
    toast("Secret rotated.");
  } catch (err) { failed(err); }
}

async function sendTest() {
  try {
    const r = await api("POST", `/admin/v1/webhooks/${current.id}/test`);
    $("test-steps").replaceChildren(...r.steps.map((s) => el("li", { class: s.result },
      `${s.step}: ${s.result}${s.code ? ` (${s.code})` : ""}${s.detail ? ` — ${typeof s.detail === "string" ? s.detail : JSON.stringify(s.detail)}` : ""}`)));
    $("test-outcome").textContent = `Outcome: ${r.outcome}; the sender would get ${r.response.status}.`;
    $("test-report").hidden = false;
    toast(`Test event ${r.outcome}.`, r.outcome === "refused");
    await Promise.all([loadDeliveries(), loadChart()]);
  } catch (err) { failed(err); }
}

function askDelete() {
  $("confirm-text").textContent = `Delete ${current.name} (${current.path})? Senders get 404 from the next request on. This cannot be undone.`;
  $("confirm-dialog").showModal();
  $("confirm-cancel").focus();
}

async function confirmDelete() {
  $("confirm-dialog").close();
  try {
    await api("DELETE", `/admin/v1/webhooks/${current.id}`);
    toast(`Deleted ${current.name}.`);
    current = null;
    await showList();
  } catch (err) { failed(err); }
}

// ---- deliveries ----
async function loadDeliveries() {
  const data = await api("GET", `/admin/v1/webhooks/${current.id}/deliveries?limit=100`);
  deliveries = data.deliveries;
  renderDeliveries();
}

function renderDeliveries() {
  const want = $("outcome-filter").value;
  const rows = deliveries
    .filter((d) => !want || d.outcome === want)
    .map((d) => el("tr", { "data-id": d.id, "data-outcome": d.outcome },
      el("td", {}, when(d.received_at)),
      el("td", {}, d.method),
      el("td", {}, el("span", { class: `pill ${d.outcome}` }, d.outcome.replace(/_/g, " ")), d.test ? " (test)" : ""),
      el("td", {}, d.status),
      el("td", {}, `${d.size} B`),
      el("td", {}, d.key_source),
      el("td", {}, el("button", { type: "button", class: "detail", onclick: () => showDelivery(d.id) }, "Details"))));
  $("deliveries").tBodies[0].replaceChildren(...rows);
}

async function showDelivery(id) {
  const entry = deliveries.find((d) => d.id === id) || { id };
  let detail = null;
  try { detail = await api("GET", `/admin/v1/webhooks/${current.id}/deliveries/${id}`); } catch (_) { detail = null; }
  const d = { ...entry, ...(detail || {}) };
  $("detail-id").textContent = id;
  $("detail-summary").textContent = `${d.outcome || ""} ${d.status || ""} · ${when(d.received_at)} · from ${d.source_ip || "unknown"}` +
    `${d.state ? ` · delivery ${d.state}` : ""}`;
  const req = d.request || { headers: {}, body: "" };
  $("detail-headers").textContent = Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join("\n") || "(none kept)";
  $("detail-body").textContent = (req.body || "(empty)") + (req.truncated ? "\n… (truncated)" : "");
  const attempts = (d.attempts || []).map((a) => el("li", {}, JSON.stringify(a)));
  $("detail-attempts").replaceChildren(...(attempts.length ? attempts : [el("li", {}, "none: delivered to a queue, or not yet attempted")]));
  $("replay-btn").disabled = !d.state;
  $("replay-btn").onclick = () => replay(id);
  $("delivery-detail").hidden = false;
  $("detail-id").scrollIntoView({ block: "nearest" });
}

async function replay(id) {
  try {
    await api("POST", `/admin/v1/webhooks/${current.id}/deliveries/${id}/replay`);
    toast(`Replaying ${id}.`);
  } catch (err) { failed(err); }
}

// ---- bulk replay ----
async function bulkReplay(event) {
  event.preventDefault();
  const webhook = current.id;
  const since = new Date(Date.now() - Number($("bulk-since").value)).toISOString();
  const progress = $("bulk-replay-progress");
  $("bulk-replay-btn").disabled = true;
  try {
    let r = await api("POST", `/admin/v1/webhooks/${webhook}/replays`, { state: "dead_lettered", since });
    for (;;) {
      progress.textContent = `${r.state}: ${r.delivered} of ${r.matched} delivered, ${r.failed} failed`;
      if (r.state === "completed" || r.state === "stopped" || current.id !== webhook) break;
      await new Promise((done) => setTimeout(done, 1000));
      r = await api("GET", `/admin/v1/webhooks/${webhook}/replays/${r.id}`);
    }
    if (current.id === webhook) await loadDeliveries();
  } catch (err) { failed(err); } finally { $("bulk-replay-btn").disabled = false; }
}

// ---- chart ----
const SERIES = ["accepted", "refused", "duplicate", "rate_limited"];

async function loadChart() {
  const stats = await api("GET", `/admin/v1/webhooks/${current.id}/stats`);
  const svg = $("chart");
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  const max = Math.max(1, ...stats.minutes.map((m) => SERIES.reduce((n, s) => n + m[s], 0)));
  const width = 600 / stats.minutes.length;
  stats.minutes.forEach((m, i) => {
    let y = 110;
    for (const s of SERIES) {
      if (!m[s]) continue;
      const h = (m[s] / max) * 100;
      y -= h;
      const rect = document.createElementNS(ns, "rect");
      rect.setAttribute("x", String(i * width + 1));
      rect.setAttribute("y", String(y));
      rect.setAttribute("width", String(Math.max(1, width - 2)));
      rect.setAttribute("height", String(h));
      rect.setAttribute("class", s);
      const title = document.createElementNS(ns, "title");
      title.textContent = `${when(m.minute)}: ${m[s]} ${s.replace("_", " ")}`;
      rect.append(title);
      svg.append(rect);
    }
  });
  const axis = document.createElementNS(ns, "line");
  for (const [k, v] of [["x1", "0"], ["x2", "600"], ["y1", "110"], ["y2", "110"], ["class", "axis"]]) axis.setAttribute(k, v);
  svg.append(axis);
  const h = stats.last_hour;
  $("chart-legend").replaceChildren(...SERIES.map((s) => el("span", { class: s }, `${s.replace("_", " ")} ${h[s]}`)));
}

// ---- edit ----
function showEdit() {
  const w = current;
  $("e-name").value = w.name;
  $("e-limit").value = w.rate_limit.limit;
  $("e-window").value = w.rate_limit.window_s;
  $("e-body-hash").value = w.idempotency.body_hash_window_s;
  $("e-filter").value = w.filter === undefined ? "" : (typeof w.filter === "string" ? w.filter : JSON.stringify(w.filter, null, 2));
  $("edit-error").textContent = "";
  show("view-edit");
}

async function saveEdit(event) {
  event.preventDefault();
  const raw = $("e-filter").value.trim();
  let filter = null;
  if (raw) {
    try { filter = JSON.parse(raw); } catch (_) { filter = raw; }
  }
  const patch = {
    name: $("e-name").value.trim(),
    rate_limit: { limit: Number($("e-limit").value), window_s: Number($("e-window").value) },
    idempotency: { body_hash_window_s: Number($("e-body-hash").value) },
    filter,
  };
  try {
    current = { ...current, ...(await api("PATCH", `/admin/v1/webhooks/${current.id}`, patch)) };
    toast("Saved.");
    await openWebhook(current.id);
  } catch (err) {
    $("edit-error").textContent = `${err.message}${err.code ? ` (${err.code})` : ""}`;
  }
}

// ---- wiring ----
document.addEventListener("DOMContentLoaded", () => {
  $("signin-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); $("signin-error").textContent = ""; show("view-signin"); });
  $("nav-webhooks").addEventListener("click", () => showList().catch(failed));
  $("nav-create").addEventListener("click", showCreate);
  $("f-scheme").addEventListener("change", describeScheme);
  $("create-form").addEventListener("submit", create);
  for (const b of document.querySelectorAll("button.copy")) b.addEventListener("click", copy);
  $("wh-enabled-btn").addEventListener("click", toggleEnabled);
  $("wh-rotate-btn").addEventListener("click", rotate);
  $("wh-test-btn").addEventListener("click", sendTest);
  $("wh-delete-btn").addEventListener("click", askDelete);
  $("wh-edit-btn").addEventListener("click", showEdit);
  $("confirm-ok").addEventListener("click", confirmDelete);
  $("confirm-cancel").addEventListener("click", () => $("confirm-dialog").close());
  $("outcome-filter").addEventListener("change", renderDeliveries);
  $("bulk-replay-form").addEventListener("submit", bulkReplay);
  $("deliveries-refresh").addEventListener("click", () => Promise.all([loadDeliveries(), loadChart()]).catch(failed));
  $("edit-form").addEventListener("submit", saveEdit);
  $("edit-cancel").addEventListener("click", () => openWebhook(current.id));
  if (sessionStorage.getItem(TOKEN_KEY)) {
    loadSchemes().then(showList).catch((err) => { if (err.status !== 401) failed(err); });
  } else {
    show("view-signin");
  }
});
