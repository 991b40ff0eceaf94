// Tickets: the board (a list with filters by status, assignee and machine, overdue ones first), live through
// `ticket.updated`; a ticket (edit its fields, move it with one button per status in its `nextStatuses`, with an
// optional note, and its history); opening a new ticket (one Idempotency-Key per form, so a double click or a
// retried request opens one ticket).
import { $, h, label, full, toLocalInput, fromLocalInput, newKey, field, onSubmit, formDialog, guarded, showError } from "../ui.js";

export const STATUSES = ["received", "diagnostic", "in_progress", "waiting_parts", "completed", "archived"];
export const PRIORITIES = ["low", "medium", "high", "critical"];

/** @param {import("../app.js").Context} ctx */
export function setup(ctx) {
  const { client, state } = ctx;
  /** @type {Map<string, any>} */ let tickets = new Map();
  let openId = null;
  /** The version this page saved last ("id@updatedAt"): its "Saved" stays through the live re-render that follows. */
  let savedVersion = null;
  const filters = $("ticket-filters");

  const machineName = (id) => state.machines.get(id)?.name ?? "Unknown machine";
  const activeUsers = () => [...state.users.values()].filter((u) => u.active !== false);
  const assigneeOptions = (none) => [["", none], ...activeUsers().map((u) => [u.id, u.name])];
  const machineOptions = (none) => [["", none], ...[...state.machines.values()].map((m) => [m.id, m.name])];

  function filterValues() {
    return {
      status: filters.status.value || undefined,
      assigneeId: filters.assigneeId.value || undefined,
      machineId: filters.machineId.value || undefined,
      overdue: filters.overdue.checked ? true : undefined,
    };
  }

  /** Whether a ticket belongs in the list under the current filters (for live updates). */
  function matches(t) {
    const f = filterValues();
    return (!f.status || t.status === f.status) && (!f.assigneeId || t.assigneeId === f.assigneeId)
      && (!f.machineId || t.machineId === f.machineId) && (!f.overdue || t.overdue);
  }

  function fillSelect(select, options) {
    const value = select.value;
    select.replaceChildren(...options.map(([v, text]) => h("option", { value: v }, text)));
    select.value = options.some(([v]) => v === value) ? value : "";
  }

  function renderFilters() {
    fillSelect(filters.assigneeId, assigneeOptions("Anyone"));
    fillSelect(filters.machineId, machineOptions("Any machine"));
  }
  fillSelect(filters.status, [["", "Any status"], ...STATUSES.map((s) => [s, label(s)])]);
  ctx.onUsersChanged(renderFilters);

  async function loadMachines() {
    state.machines = new Map((await client.machines()).map((m) => [m.id, m]));
    renderFilters();
  }

  let loads = 0;
  async function load() {
    // Filters changed quickly: only the answer to the latest change may fill the list.
    const mine = ++loads;
    const [page] = await Promise.all([client.tickets({ ...filterValues(), limit: 100 }), loadOverdueCount()]);
    if (mine !== loads) return;
    tickets = new Map(page.items.map((t) => [t.id, t]));
    renderList();
  }

  async function loadOverdueCount() {
    const overdue = await client.tickets({ overdue: true, limit: 100 });
    $("overdue-count").hidden = overdue.items.length === 0;
    $("overdue-count").textContent = String(overdue.items.length);
    $("overdue-count").setAttribute("aria-label", `${overdue.items.length} overdue`);
  }

  filters.addEventListener("change", guarded(load, "Tickets: "));
  filters.addEventListener("submit", (e) => e.preventDefault());

  function statusPill(status) { return h("span", { class: `pill status-${status}` }, label(status)); }

  function renderList() {
    // Overdue first, then newest first (the service's order).
    const list = [...tickets.values()].sort((x, y) => Number(y.overdue) - Number(x.overdue) || y.createdAt.localeCompare(x.createdAt));
    $("tickets-empty").hidden = list.length > 0;
    $("ticket-list").replaceChildren(...list.map((t) => h("li", { class: `ticket${t.overdue ? " overdue" : ""}`, "data-id": t.id, "data-status": t.status },
      h("div", { class: "ticket-top" },
        h("button", { type: "button", class: "ticket-title link", onclick: () => open(t.id) }, t.title),
        t.overdue ? h("span", { class: "pill pill-danger" }, "Overdue") : null),
      t.description ? h("p", { class: "ticket-description" }, t.description) : null,
      h("div", { class: "ticket-meta" },
        statusPill(t.status),
        h("span", { class: `pill priority-${t.priority}` }, t.priority),
        t.machineId ? h("span", {}, machineName(t.machineId)) : null,
        t.scheduledAt ? h("span", { class: t.overdue ? "danger" : "" }, `Scheduled ${full(t.scheduledAt)}`) : null,
        t.assigneeId ? h("span", {}, `Assigned to ${ctx.userName(t.assigneeId)}`) : h("span", { class: "muted" }, "Unassigned")))));
  }

  // Another agent's change, or ours from another tab: replace our copy, whatever view shows it.
  client.on("ticket.updated", guarded(async ({ ticket }) => {
    if (matches(ticket)) tickets.set(ticket.id, ticket); else tickets.delete(ticket.id);
    renderList();
    if (openId === ticket.id) await renderDetail(ticket, await client.ticketHistory(ticket.id));
    await loadOverdueCount();
  }, "Tickets: "));

  // ---------- one ticket ----------

  const open = guarded(async (id) => {
    ctx.showView("tickets");
    const [ticket, history] = await Promise.all([client.ticket(id), client.ticketHistory(id)]);
    openId = id;
    $("tickets-list-pane").hidden = true;
    $("ticket-detail").hidden = false;
    await renderDetail(ticket, history, true);
    $("ticket-detail").querySelector("h2").focus();
  });

  function closeDetail() {
    const id = openId;
    openId = null;
    $("ticket-detail").hidden = true;
    $("ticket-detail").replaceChildren();
    $("tickets-list-pane").hidden = false;
    $("ticket-list").querySelector(`li[data-id="${CSS.escape(id ?? "")}"] .ticket-title`)?.focus();
  }

  /** The editable fields as the form holds them, compared with the ticket to send only what changed. */
  function changes(ticket, v) {
    const now = {
      title: v.title.trim(), description: v.description.trim() || null, priority: v.priority,
      scheduledAt: fromLocalInput(v.scheduledAt), machineId: v.machineId || null, assigneeId: v.assigneeId || null,
    };
    // A schedule is compared to the minute, as the input shows it.
    return Object.fromEntries(Object.entries(now).filter(([k, value]) =>
      k === "scheduledAt" ? toLocalInput(value) !== toLocalInput(ticket.scheduledAt) : value !== (ticket[k] ?? null)));
  }

  async function renderDetail(ticket, history, fresh = false) {
    const pane = $("ticket-detail");
    const oldForm = pane.querySelector("form.ticket-edit");
    // A live update must not throw away what the user is typing: keep a form they changed.
    const keepForm = !fresh && oldForm?.dataset.dirty === "true";
    const note = pane.querySelector("#move-note")?.value ?? "";

    const edit = keepForm ? oldForm : h("form", { class: "ticket-edit stack", novalidate: true, "aria-label": "Edit ticket" },
      field({ name: "title", label: "Title", value: ticket.title, required: true, maxlength: 200 }),
      field({ name: "description", label: "Description", type: "textarea", value: ticket.description ?? "", maxlength: 10000, optional: true }),
      h("div", { class: "field-row" },
        field({ name: "priority", label: "Priority", type: "select", value: ticket.priority, options: PRIORITIES.map((p) => [p, p]) }),
        field({ name: "scheduledAt", label: "Scheduled", type: "datetime-local", value: toLocalInput(ticket.scheduledAt), optional: true })),
      h("div", { class: "field-row" },
        field({ name: "machineId", label: "Machine", type: "select", value: ticket.machineId ?? "", options: machineOptions("No machine") }),
        field({ name: "assigneeId", label: "Assignee", type: "select", value: ticket.assigneeId ?? "", options: assigneeOptions("Unassigned") })),
      h("p", { class: "form-error", role: "alert", hidden: true }),
      h("div", { class: "form-actions" }, h("span", { class: "muted saved", role: "status" }, savedVersion === `${ticket.id}@${ticket.updatedAt}` ? "Saved" : ""), h("button", { type: "submit", class: "primary" }, "Save changes")));
    if (!keepForm) {
      edit.addEventListener("input", () => { edit.dataset.dirty = "true"; edit.querySelector(".saved").textContent = ""; });
      onSubmit(edit, async (v) => {
        const current = tickets.get(ticket.id) ?? ticket;
        const diff = changes(current, v);
        const saved = Object.keys(diff).length ? await client.updateTicket(ticket.id, diff) : current;
        edit.dataset.dirty = "false";
        tickets.set(saved.id, saved);
        savedVersion = `${saved.id}@${saved.updatedAt}`;
        await renderDetail(saved, await client.ticketHistory(saved.id), true);
      });
    }

    const noteInput = h("textarea", { id: "move-note", rows: 2, maxlength: 2000, "aria-describedby": "move-error" }, note);
    const moveError = h("p", { class: "form-error", id: "move-error", role: "alert", hidden: true });
    const move = async (to, button) => {
      button.disabled = true;
      moveError.hidden = true;
      try {
        const moved = await client.changeTicketStatus(ticket.id, to, noteInput.value.trim() || undefined);
        if (matches(moved)) tickets.set(moved.id, moved); else tickets.delete(moved.id);
        renderList();
        noteInput.value = "";
        await renderDetail(moved, await client.ticketHistory(moved.id), false);
        $("ticket-detail").querySelector(".moves button, .moves")?.focus();
      } catch (e) {
        // A 409: someone moved it first. Show the API's answer, and the ticket as it is now.
        moveError.textContent = e.problem?.detail ?? String(e.message);
        moveError.hidden = false;
        button.disabled = false;
      }
    };

    pane.replaceChildren(
      h("div", { class: "page-head" },
        h("button", { type: "button", class: "ghost back-to-list", onclick: closeDetail }, "‹ Tickets"),
        h("h2", { tabindex: "-1", class: "ticket-heading" }, ticket.title)),
      h("div", { class: "ticket-meta" },
        statusPill(ticket.status),
        ticket.overdue ? h("span", { class: "pill pill-danger" }, "Overdue") : null,
        h("span", { class: `pill priority-${ticket.priority}` }, ticket.priority),
        ticket.machineId ? h("span", {}, machineName(ticket.machineId)) : null,
        h("span", {}, ticket.assigneeId ? `Assigned to ${ctx.userName(ticket.assigneeId)}` : "Unassigned")),
      h("section", { class: "card moves-card", "aria-labelledby": "moves-title" },
        h("h3", { id: "moves-title" }, "Move to"),
        ticket.nextStatuses.length
          ? h("div", { class: "moves", role: "group", "aria-label": "Next statuses" }, ...ticket.nextStatuses.map((s) =>
            h("button", { type: "button", class: `move status-${s}`, "data-status": s, onclick: (e) => move(s, e.currentTarget) }, label(s))))
          : h("p", { class: "muted" }, "This ticket is archived: it does not move any more."),
        ticket.nextStatuses.length ? h("div", { class: "field" }, h("label", { for: "move-note" }, "Note ", h("span", { class: "muted" }, "(optional, saved with the move)")), noteInput) : null,
        moveError),
      h("div", { class: "detail-columns" },
        h("section", { class: "card", "aria-labelledby": "edit-title" }, h("h3", { id: "edit-title" }, "Details"), edit),
        h("section", { class: "card", "aria-labelledby": "history-title" },
          h("h3", { id: "history-title" }, "History"),
          h("ol", { class: "timeline" }, ...history.map((e) => h("li", { class: "timeline-entry" },
            h("div", {}, e.from ? [statusPill(e.from), " → "] : "Opened as ", statusPill(e.to)),
            h("div", { class: "muted" }, `${e.byUserId ? ctx.userName(e.byUserId) : "An integration"} · `, h("time", { datetime: e.at }, full(e.at))),
            e.note ? h("p", { class: "timeline-note" }, e.note) : null))))));
  }

  // ---------- a new ticket ----------

  async function newTicket(preset = {}) {
    await loadMachines(); // a machine added elsewhere since is offered too
    // One key per body: a double click, or a retry after a lost answer, sends the same body with the same key
    // and opens one ticket. A body changed after a refusal (a 400 is stored under its key too) gets a new key.
    let key = null, sent = null;
    formDialog("New ticket", [
      { name: "title", label: "Title", required: true, maxlength: 200 },
      { name: "description", label: "Description", type: "textarea", maxlength: 10000, optional: true },
      { name: "priority", label: "Priority", type: "select", value: "medium", options: PRIORITIES.map((p) => [p, p]) },
      { name: "scheduledAt", label: "Scheduled", type: "datetime-local", optional: true },
      { name: "machineId", label: "Machine", type: "select", value: preset.machineId ?? "", options: machineOptions("No machine") },
      { name: "assigneeId", label: "Assignee", type: "select", value: "", options: assigneeOptions("Unassigned") },
    ], "Open ticket", async (v) => {
      const body = {
        title: v.title.trim(), description: v.description.trim() || undefined, priority: v.priority,
        scheduledAt: fromLocalInput(v.scheduledAt) ?? undefined, machineId: v.machineId || undefined, assigneeId: v.assigneeId || undefined,
      };
      if (JSON.stringify(body) !== sent) { key = newKey(); sent = JSON.stringify(body); }
      const ticket = await client.openTicket(body, { idempotencyKey: key });
      if (matches(ticket)) tickets.set(ticket.id, ticket);
      renderList();
      open(ticket.id);
    });
  }
  $("new-ticket").addEventListener("click", guarded(() => newTicket(), "New ticket: "));

  return {
    async start() { await loadMachines(); await load(); },
    // After a reconnect: what may have changed meanwhile, without moving the user to another view.
    async reload() {
      await loadMachines();
      await load();
      if (openId) await renderDetail(await client.ticket(openId), await client.ticketHistory(openId));
    },
    shown() { if (!openId) $("tickets-list-pane").hidden = false; },
    /** The tickets of one machine (from the machines view). */
    async showMachine(machineId) {
      if (openId) closeDetail();
      await loadMachines(); // the machine may be new since the filter was filled
      filters.reset();
      filters.machineId.value = machineId;
      // Loaded before it is shown, so the view never shows the unfiltered list under the machine's filter.
      await load().catch((e) => showError(e, "Tickets: "));
      ctx.showView("tickets");
    },
    newTicket,
    loadMachines,
  };
}
