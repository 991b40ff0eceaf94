// Administration, for admins only (the tab is hidden for agents, and the API answers them 403): the agents
// (invite with a first password, change role, deactivate and reactivate: the account's last active admin is
// protected by the API, whose 409 is shown as it says it), API keys (the key shown once, with a copy button;
// revoke), webhook endpoints (the secret shown once, events, enable or disable, a test post and its answer,
// delete), the delivery log (status, duration, error; filter by endpoint and event type; replay one), and the
// account's name and default phone region.
import { $, h, full, field, onSubmit, formDialog, confirmOnce, showOnce, guarded, errorText } from "../ui.js";

export const WEBHOOK_EVENTS = ["ticket.overdue", "contact.created", "contact.updated", "lead.status_changed"];

/** @param {import("../app.js").Context} ctx */
export function setup(ctx) {
  const { client, state } = ctx;
  let endpoints = [];

  const table = (caption, headers, rows) => h("div", { class: "table-wrap" }, h("table", {},
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {}, ...headers.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, ...rows)));

  // ---------- agents ----------

  function renderUsers() {
    const rows = [...state.users.values()].map((u) => {
      const self = u.id === state.me.id;
      const role = h("select", { "aria-label": `Role of ${u.name}`, class: "role-select" },
        h("option", { value: "agent", selected: u.role === "agent" }, "Agent"),
        h("option", { value: "admin", selected: u.role === "admin" }, "Admin"));
      role.addEventListener("change", async () => {
        const undo = () => { role.value = u.role; };
        // A demotion ends the admin's sessions (their rights stop at once): a destructive action, asked once.
        const demoting = u.role === "admin" && role.value !== "admin";
        if (demoting && !(await confirmOnce(`Make ${u.name} an agent? They are signed out everywhere and sign in again as an agent.`, "Make agent"))) {
          undo();
          return;
        }
        updateUser(u, { role: role.value }, undo);
      });
      const toggle = u.active
        ? h("button", { type: "button", class: "danger-text deactivate", onclick: async () => {
          if (await confirmOnce(`Deactivate ${u.name}? They are signed out everywhere at once.`, "Deactivate")) updateUser(u, { active: false });
        } }, "Deactivate")
        : h("button", { type: "button", class: "reactivate", onclick: () => updateUser(u, { active: true }) }, "Reactivate");
      return h("tr", { "data-id": u.id, "data-active": String(u.active) },
        h("td", {}, u.name, self ? h("span", { class: "muted" }, " (you)") : null),
        h("td", {}, u.email),
        h("td", {}, role),
        h("td", {}, u.active ? "Active" : h("span", { class: "muted" }, "Deactivated")),
        h("td", {}, toggle));
    });
    $("admin-users").replaceChildren(table("Agents", ["Name", "Email", "Role", "Status", ""], rows));
  }

  /** A PATCH of a user; a refusal (409: the last active admin) is shown as the API words it, and undone. */
  async function updateUser(u, changes, undo) {
    const line = $("users-error");
    line.hidden = true;
    try {
      const saved = await client.updateUser(u.id, changes);
      state.users.set(saved.id, saved);
      await ctx.loadUsers();
    } catch (e) {
      undo?.();
      line.textContent = e.problem?.detail ?? errorText(e);
      line.hidden = false;
    }
    renderUsers();
  }

  function invite() {
    formDialog("Invite an agent", [
      { name: "name", label: "Name", required: true, maxlength: 200 },
      { name: "email", label: "Email", type: "email", required: true, maxlength: 254, autocomplete: "off" },
      { name: "password", label: "First password", type: "password", required: true, maxlength: 128, autocomplete: "new-password", hint: "8 to 128 characters. Give it to them; they sign in with it." },
      { name: "role", label: "Role", type: "select", value: "agent", options: [["agent", "Agent"], ["admin", "Admin"]] },
    ], "Invite", async (v) => {
      await client.createUser({ name: v.name.trim(), email: v.email.trim(), password: v.password, role: v.role });
      await ctx.loadUsers();
      renderUsers();
    });
  }

  // ---------- API keys ----------

  async function renderKeys() {
    const keys = await client.apiKeys();
    $("admin-keys").replaceChildren(keys.length ? table("API keys", ["Name", "Prefix", "Created", ""], keys.map((k) => h("tr", { "data-id": k.id },
      h("td", {}, k.name), h("td", {}, h("code", {}, `${k.prefix}…`)), h("td", {}, full(k.createdAt)),
      h("td", {}, h("button", { type: "button", class: "danger-text revoke", onclick: guarded(async () => {
        if (!await confirmOnce(`Revoke the key “${k.name}”? Integrations using it stop working at once.`, "Revoke")) return;
        await client.revokeApiKey(k.id);
        await renderKeys();
      }) }, "Revoke", h("span", { class: "visually-hidden" }, ` ${k.name}`))))))
      : h("p", { class: "muted" }, "No API keys. An integration (an email gateway, a form) needs one to post messages and open tickets."));
  }

  function newKey() {
    formDialog("New API key", [{ name: "name", label: "Name", required: true, maxlength: 200, hint: "What uses it, e.g. “Email gateway”." }], "Create key", async (v) => {
      const created = await client.createApiKey(v.name.trim());
      await renderKeys();
      // After the form's dialog has closed: the key is shown this once.
      queueMicrotask(() => showOnce("Your new API key", "Copy it now: it is shown only once. Send it as the X-Api-Key header.", created.key));
    });
  }

  // ---------- webhooks ----------

  async function renderEndpoints() {
    endpoints = await client.webhookEndpoints();
    $("admin-webhooks").replaceChildren(endpoints.length ? h("ul", { class: "endpoint-list" }, ...endpoints.map((ep) => {
      const result = h("p", { class: "test-result", role: "status" });
      const enabled = ep.enabled !== false;
      return h("li", { class: "endpoint", "data-id": ep.id, "data-enabled": String(enabled) },
        h("div", { class: "endpoint-main" },
          h("code", { class: "endpoint-url" }, ep.url),
          h("p", { class: "muted" }, `${ep.events.join(", ")} · ${enabled ? "enabled" : "disabled"}`)),
        h("div", { class: "row-actions" },
          h("button", { type: "button", class: "send-test", onclick: async (e) => {
            const button = e.currentTarget;
            button.disabled = true;
            result.textContent = "Sending…";
            try {
              const r = await client.testWebhookEndpoint(ep.id);
              result.textContent = `Answer: ${r.statusCode ?? "none"} in ${r.durationMs} ms${r.error ? ` · ${r.error}` : ""}`;
              result.dataset.ok = String(r.statusCode !== null && r.statusCode < 300);
              await renderLog();
            } catch (err) { result.textContent = `Test failed: ${errorText(err)}`; }
            button.disabled = false;
          } }, "Send test"),
          h("button", { type: "button", class: "toggle-endpoint", onclick: guarded(async () => {
            await client.updateWebhookEndpoint(ep.id, { enabled: !enabled });
            await renderEndpoints();
          }, "Webhooks: ") }, enabled ? "Disable" : "Enable"),
          h("button", { type: "button", class: "danger-text delete-endpoint", onclick: guarded(async () => {
            if (!await confirmOnce(`Delete the endpoint ${ep.url}? It receives nothing more.`, "Delete")) return;
            await client.deleteWebhookEndpoint(ep.id);
            await renderEndpoints();
          }, "Webhooks: ") }, "Delete")),
        result);
    })) : h("p", { class: "muted" }, "No endpoints. Add one to be told of overdue tickets and contact changes."));
    const select = $("log-filters").endpointId;
    const value = select.value;
    select.replaceChildren(h("option", { value: "" }, "All endpoints"), ...endpoints.map((ep) => h("option", { value: ep.id }, ep.url)));
    select.value = endpoints.some((ep) => ep.id === value) ? value : "";
  }

  function newEndpoint() {
    formDialog("New webhook endpoint", [
      { name: "url", label: "URL", type: "url", required: true, maxlength: 2000, hint: "https, on a public address." },
      { name: "events", label: "Events", type: "checkboxes", value: ["ticket.overdue"], options: WEBHOOK_EVENTS.map((e) => [e, e]) },
    ], "Add endpoint", async (v) => {
      const created = await client.createWebhookEndpoint({ url: v.url.trim(), events: v.events });
      await renderEndpoints();
      queueMicrotask(() => showOnce("The endpoint's signing secret", "Copy it now: it is shown only once. Verify each post's webhook-signature with it.", created.secret));
    });
  }

  // ---------- delivery log ----------

  async function renderLog() {
    const f = $("log-filters");
    const page = await client.webhookNotifications({ endpointId: f.endpointId.value || undefined, eventType: f.eventType.value || undefined, limit: 50 });
    const url = (id) => endpoints.find((ep) => ep.id === id)?.url ?? "deleted endpoint";
    $("admin-log").replaceChildren(page.items.length ? table("Delivery log", ["Sent", "Event", "Endpoint", "Attempt", "Status", "Duration", "Error", ""],
      page.items.map((n) => h("tr", { "data-id": n.id, class: n.statusCode !== null && n.statusCode < 300 ? "ok" : "failed" },
        h("td", {}, h("time", { datetime: n.sentAt }, full(n.sentAt))),
        h("td", {}, n.eventType ?? "—"),
        h("td", { class: "wrap" }, url(n.endpointId)),
        h("td", {}, String(n.attempt)),
        h("td", { class: "log-status" }, n.statusCode === null ? "no answer" : String(n.statusCode)),
        h("td", {}, `${n.durationMs} ms`),
        h("td", { class: "wrap" }, n.error ?? ""),
        h("td", {}, h("button", { type: "button", class: "replay", onclick: guarded(async (e) => {
          await client.replayNotification(n.id);
          e.target.closest("button").textContent = "Replay queued";
        }, "Replay: ") }, "Replay")))))
      : h("p", { class: "muted" }, "Nothing delivered yet."));
  }
  $("log-filters").addEventListener("change", guarded(renderLog, "Delivery log: "));
  $("log-filters").addEventListener("submit", (e) => { e.preventDefault(); guarded(renderLog, "Delivery log: ")(); });
  const eventSelect = $("log-filters").eventType;
  eventSelect.replaceChildren(h("option", { value: "" }, "All events"), ...["webhook.test", ...WEBHOOK_EVENTS].map((e) => h("option", { value: e }, e)));

  // ---------- the account ----------

  const accountForm = $("account-form");
  accountForm.prepend(
    field({ name: "name", label: "Account name", maxlength: 200, optional: true }),
    field({ name: "defaultPhoneRegion", label: "Default phone region", maxlength: 2, optional: true, hint: "Two letters (ISO 3166), e.g. FR: used to read local phone numbers." }));
  onSubmit(accountForm, async (v) => {
    const changes = {};
    if (v.name.trim()) changes.name = v.name.trim();
    if (v.defaultPhoneRegion.trim()) changes.defaultPhoneRegion = v.defaultPhoneRegion.trim().toUpperCase();
    const account = await client.updateAccount(changes);
    accountForm.querySelector(".saved").textContent = `Saved: ${account.name}${account.defaultPhoneRegion ? `, ${account.defaultPhoneRegion}` : ""}`;
  });

  $("invite-agent").addEventListener("click", invite);
  $("new-api-key").addEventListener("click", newKey);
  $("new-endpoint").addEventListener("click", newEndpoint);

  return {
    shown: guarded(async () => {
      if (state.me?.role !== "admin") return;
      renderUsers();
      await Promise.all([renderKeys(), renderEndpoints()]);
      await renderLog();
    }, "Administration: "),
  };
}
