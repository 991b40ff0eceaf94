// Contacts: the list (latest interaction first) with the filters the API has (q, lead status, owner, source) and
// keyset paging ("Show more"), live through `contact.updated`; one contact in the list's place (the same card as
// the panel beside a conversation); and, for admins, the CSV import: pick a file, send it with dryRun=true, read
// the per-row report, then confirm to import it for real and read the result.
import { $, h, label, when, full, openDialog, guarded, errorText, showError } from "../ui.js";
import { LEAD_STATUSES } from "../inbox-client.js";
import { contactCard } from "./contact-panel.js";

/** @param {import("../app.js").Context} ctx */
export function setup(ctx) {
  const { client, state } = ctx;
  const filters = $("contact-filters");
  /** @type {any[]} */ let rows = [];
  let cursor = null;
  let openId = null;
  let loads = 0;
  let started = false;

  const card = contactCard(ctx, $("contact-detail-card"), {
    openConversation: (id) => ctx.openConversation(id),
    onChanged: (c) => replace(c),
  });

  function fillSelect(select, options) {
    const value = select.value;
    select.replaceChildren(...options.map(([v, text]) => h("option", { value: v }, text)));
    select.value = options.some(([v]) => v === value) ? value : "";
  }
  fillSelect(filters.leadStatus, [["", "Any status"], ...LEAD_STATUSES.map((s) => [s, label(s)])]);
  const renderOwners = () => fillSelect(filters.ownerId, [["", "Anyone"], ...[...state.users.values()].map((u) => [u.id, u.name])]);
  ctx.onUsersChanged(renderOwners);

  function filterValues() {
    return {
      q: filters.q.value.trim() || undefined,
      leadStatus: filters.leadStatus.value || undefined,
      ownerId: filters.ownerId.value || undefined,
      source: filters.source.value.trim() || undefined,
    };
  }

  /** Whether a contact belongs in the list under the current filters (for live updates; `q` is the server's). */
  function matches(c) {
    const f = filterValues();
    return (!f.leadStatus || c.leadStatus === f.leadStatus) && (!f.ownerId || c.ownerId === f.ownerId)
      && (!f.source || (c.source ?? "").toLowerCase() === f.source.toLowerCase());
  }

  async function load(more = false) {
    // Filters changed quickly: only the answer to the latest change may fill the list.
    const mine = ++loads;
    const page = await client.contacts({ ...filterValues(), limit: 50, cursor: more ? cursor ?? undefined : undefined });
    if (mine !== loads) return;
    rows = more ? [...rows, ...page.items.filter((c) => !rows.some((r) => r.id === c.id))] : page.items;
    cursor = page.nextCursor;
    renderList();
  }

  function replace(c) {
    const i = rows.findIndex((r) => r.id === c.id);
    if (i >= 0) { if (matches(c)) rows[i] = c; else rows.splice(i, 1); }
    renderList();
  }

  function renderList() {
    $("contacts-empty").hidden = rows.length > 0;
    $("contact-table").hidden = rows.length === 0;
    $("contacts-more").hidden = !cursor;
    $("contact-rows").replaceChildren(...rows.map((c) => h("tr", { "data-id": c.id },
      h("td", {}, h("button", { type: "button", class: "link contact-link", onclick: () => open(c.id) }, c.name || c.email || c.phone || c.externalId || "Unnamed contact"),
        c.company ? h("div", { class: "muted small" }, c.company) : null,
        c.email ? h("div", { class: "muted small phone-only" }, c.email) : null),
      h("td", { class: "wrap" }, c.email ?? ""),
      h("td", {}, c.phone ?? ""),
      h("td", {}, h("span", { class: `pill lead-${c.leadStatus}` }, label(c.leadStatus))),
      h("td", {}, c.score ?? ""),
      h("td", {}, c.ownerId ? ctx.userName(c.ownerId) : ""),
      h("td", {}, c.lastInteractionAt ? h("time", { datetime: c.lastInteractionAt, title: full(c.lastInteractionAt) }, when(c.lastInteractionAt)) : ""))));
  }

  filters.addEventListener("submit", (e) => { e.preventDefault(); guarded(load, "Contacts: ")(); });
  filters.addEventListener("change", guarded(() => load(), "Contacts: "));
  $("contacts-more").addEventListener("click", guarded(async () => {
    const count = rows.length;
    await load(true);
    // Keyboard users continue from the first new row.
    $("contact-rows").children[count]?.querySelector("button")?.focus();
  }, "Contacts: "));

  // A colleague's change: the list shows it at once (the card follows the same frame itself).
  client.on("contact.updated", ({ contact }) => {
    if (rows.some((r) => r.id === contact.id)) replace(contact);
  });

  // ---------- one contact ----------

  const open = guarded(async (id) => {
    ctx.showView("contacts");
    await card.load(id);
    openId = id;
    $("contacts-list-pane").hidden = true;
    $("contact-detail").hidden = false;
    card.focus();
  }, "Contact: ");

  function closeDetail() {
    const id = openId;
    openId = null;
    card.clear();
    $("contact-detail").hidden = true;
    $("contacts-list-pane").hidden = false;
    $("contact-rows").querySelector(`tr[data-id="${CSS.escape(id ?? "")}"] .contact-link`)?.focus();
  }
  $("contact-detail-back").addEventListener("click", closeDetail);

  // ---------- the import ----------

  function reportTable(report) {
    const problems = report.rows.filter((r) => r.errors?.length || r.action === "skipped");
    return h("div", { class: "import-report" },
      h("p", { class: "import-counts", role: "status" },
        h("strong", {}, String(report.created)), " to create · ", h("strong", {}, String(report.updated)), " to update · ",
        h("strong", {}, String(report.skipped)), " skipped"),
      report.rows.length ? h("div", { class: "table-wrap import-rows" }, h("table", { "aria-label": "Rows of the file" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Row"), h("th", { scope: "col" }, "Action"), h("th", { scope: "col" }, "Problems"))),
        h("tbody", {}, ...[...problems, ...report.rows.filter((r) => !problems.includes(r))].map((r) =>
          h("tr", { class: `import-row action-${r.action}`, "data-row": r.row },
            h("td", {}, String(r.row)), h("td", {}, r.action), h("td", { class: "wrap" }, (r.errors ?? []).join(" ")))))))
        : null);
  }

  function importDialog() {
    const input = h("input", { type: "file", id: "import-file", name: "file", accept: ".csv,text/csv", "aria-describedby": "import-help" });
    const result = h("div", { class: "import-result", "aria-live": "polite" });
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const check = h("button", { type: "button", class: "primary", id: "import-check" }, "Check file");
    const confirm = h("button", { type: "button", class: "primary", id: "import-confirm", hidden: true }, "Import");
    const cancel = h("button", { type: "button", class: "ghost" }, "Close");
    let file = null;
    const busy = async (button, fn) => {
      button.disabled = true;
      error.hidden = true;
      try { await fn(); } catch (e) { error.textContent = errorText(e); error.hidden = false; } finally { button.disabled = false; }
    };
    input.addEventListener("change", () => { file = input.files?.[0] ?? null; confirm.hidden = true; result.replaceChildren(); });
    check.addEventListener("click", () => busy(check, async () => {
      if (!file) { error.textContent = "Pick a CSV file first."; error.hidden = false; return; }
      const report = await client.importContacts(file, { dryRun: true });
      result.replaceChildren(h("h3", {}, "Check of the file (nothing imported yet)"), reportTable(report));
      confirm.hidden = report.created + report.updated === 0;
      confirm.textContent = `Import ${report.created + report.updated} rows`;
      check.className = confirm.hidden ? "primary" : ""; // one primary action at a time: the import, once checked
      (confirm.hidden ? check : confirm).focus();
    }));
    confirm.addEventListener("click", () => busy(confirm, async () => {
      const report = await client.importContacts(file, { dryRun: false });
      confirm.hidden = true;
      result.replaceChildren(h("h3", {}, "Imported"),
        h("p", { class: "import-done", role: "status" }, `${report.created} created, ${report.updated} updated, ${report.skipped} skipped.`),
        reportTable(report));
      cancel.textContent = "Done";
      cancel.focus();
      await load();
    }));
    const dialog = openDialog("Import contacts", [
      h("div", { class: "field" }, h("label", { for: "import-file" }, "CSV file"), input,
        h("p", { class: "hint", id: "import-help" }, "The first row names the columns: name, email, phone, externalId, company, notes, leadCode, leadStatus, source, score, ownerEmail; others become custom fields. Rows are matched by externalId, then email, then phone.")),
      error, result,
      h("div", { class: "dialog-actions" }, cancel, check, confirm),
    ], { className: "import-dialog" });
    cancel.addEventListener("click", () => dialog.close());
    input.focus();
  }
  $("import-contacts").addEventListener("click", importDialog);

  return {
    async reload() {
      if (!started) return;
      await load();
      if (openId) await card.load(openId);
    },
    async shown() {
      $("import-contacts").hidden = state.me?.role !== "admin";
      if (!openId) $("contacts-list-pane").hidden = false;
      if (!started) { started = true; renderOwners(); await load().catch((e) => showError(e, "Contacts: ")); }
    },
    open,
  };
}
