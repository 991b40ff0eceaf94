// A contact's card: its fields, editable in place (PATCH; the API's field errors and 409s beside the fields), its
// lead status with one button per move the workflow allows (POST …/lead-status; a 409 shown beside them), its
// owner, score, other conversations as links, and its lead history. It follows `contact.updated` frames, so a
// colleague's change shows at once, without throwing away a form being edited.
// `contactCard` is used twice: in the panel beside the open conversation (`setup` here) and in the contacts view.
import { $, h, label, full, field, onSubmit, guarded } from "../ui.js";
import { nextLeadStatuses } from "../inbox-client.js";

let cards = 0;

/**
 * A card that shows one contact at a time in `container`.
 * @param {import("../app.js").Context} ctx
 * @param {HTMLElement} container
 * @param {{openConversation: (id: string) => void, headingLevel?: "h2"|"h3", onChanged?: (contact: any) => void}} options
 */
export function contactCard(ctx, container, options) {
  const { client, state } = ctx;
  const prefix = `cc${++cards}`;
  const Heading = options.headingLevel ?? "h2";
  /** @type {any} */ let contact = null;
  let conversationId = null; // the conversation beside the card: not listed among the "other" ones
  let conversations = [];
  let history = [];
  let savedVersion = null;
  let loads = 0;

  const activeUsers = () => [...state.users.values()].filter((u) => u.active !== false);

  async function load(id, besideConversationId = null) {
    const mine = ++loads;
    conversationId = besideConversationId;
    const [c, convs, hist] = await Promise.all([client.contact(id), client.contactConversations(id, { limit: 20 }), client.contactHistory(id)]);
    if (mine !== loads) return;
    contact = c;
    conversations = convs.items;
    history = hist;
    render(true);
  }

  function clear() {
    loads++;
    contact = null;
    container.replaceChildren();
  }

  // A colleague's change (or ours from another tab): re-render, keeping a form the user is changing.
  client.on("contact.updated", guarded(async ({ contact: changed }) => {
    if (!contact || changed.id !== contact.id) return;
    const statusMoved = changed.leadStatus !== contact.leadStatus;
    contact = changed;
    if (statusMoved) history = await client.contactHistory(changed.id);
    if (contact?.id === changed.id) render(false);
  }, "Contact: "));

  /** The form's values as a PATCH: only what differs from the contact ("" clears, as null). */
  function changes(v) {
    const text = (s) => (s.trim() === "" ? null : s.trim());
    const now = {
      name: text(v.name), email: text(v.email), phone: text(v.phone), company: text(v.company),
      leadCode: text(v.leadCode), source: text(v.source), notes: text(v.notes),
      score: v.score.trim() === "" ? null : Number(v.score), ownerId: v.ownerId || null,
    };
    return Object.fromEntries(Object.entries(now).filter(([k, value]) => value !== (contact[k] ?? null)));
  }

  function render(fresh) {
    const c = contact;
    const oldForm = container.querySelector("form.contact-edit");
    const keepForm = !fresh && oldForm?.dataset.dirty === "true";
    const title = c.name || c.email || c.phone || c.externalId || "Unnamed contact";
    const headingId = `${prefix}-title`;

    const form = keepForm ? oldForm : h("form", { class: "contact-edit stack", novalidate: true, "aria-label": "Edit contact" },
      field({ name: "name", label: "Name", value: c.name ?? "", maxlength: 200, autocomplete: "off" }),
      field({ name: "email", label: "Email", type: "email", value: c.email ?? "", maxlength: 254, autocomplete: "off" }),
      field({ name: "phone", label: "Phone", type: "tel", value: c.phone ?? "", maxlength: 50, autocomplete: "off", hint: "With its country code, e.g. +33 6 12 34 56 78" }),
      field({ name: "company", label: "Company", value: c.company ?? "", maxlength: 200, optional: true }),
      h("div", { class: "field-row" },
        field({ name: "score", label: "Score", type: "number", value: c.score ?? "", optional: true }),
        field({ name: "ownerId", label: "Owner", type: "select", value: c.ownerId ?? "", options: [["", "Nobody"], ...activeUsers().map((u) => [u.id, u.name])] })),
      h("div", { class: "field-row" },
        field({ name: "leadCode", label: "Lead code", value: c.leadCode ?? "", maxlength: 100, optional: true }),
        field({ name: "source", label: "Source", value: c.source ?? "", maxlength: 100, optional: true })),
      field({ name: "notes", label: "Notes", type: "textarea", value: c.notes ?? "", maxlength: 10000, optional: true, rows: 2 }),
      h("p", { class: "form-error", role: "alert", hidden: true }),
      h("div", { class: "form-actions" },
        h("span", { class: "muted saved", role: "status" }, savedVersion === `${c.id}@${c.updatedAt}` ? "Saved" : ""),
        h("button", { type: "submit", class: "primary" }, "Save contact")));
    if (!keepForm) {
      const score = form.querySelector("[name=score]");
      score.min = "0"; score.max = "100"; score.step = "1";
      form.addEventListener("input", () => { form.dataset.dirty = "true"; form.querySelector(".saved").textContent = ""; });
      onSubmit(form, async (v) => {
        const diff = changes(v);
        const saved = Object.keys(diff).length ? await client.updateContact(contact.id, diff) : contact;
        form.dataset.dirty = "false";
        contact = saved;
        savedVersion = `${saved.id}@${saved.updatedAt}`;
        options.onChanged?.(saved);
        render(true);
        container.querySelector("form.contact-edit button[type=submit]")?.focus();
      });
    }

    const leadError = h("p", { class: "form-error lead-error", id: `${prefix}-lead-error`, role: "alert", hidden: true });
    const move = async (to, button) => {
      button.disabled = true;
      leadError.hidden = true;
      try {
        const moved = await client.changeLeadStatus(contact.id, to);
        contact = moved;
        history = await client.contactHistory(moved.id);
        options.onChanged?.(moved);
        render(false);
        container.querySelector(".lead-moves button")?.focus();
      } catch (e) {
        // A 409: someone moved it first; the API's detail names the statuses allowed from where it is now.
        leadError.textContent = e.problem?.detail ?? String(e.message);
        leadError.hidden = false;
        button.disabled = false;
      }
    };
    const moves = nextLeadStatuses(c.leadStatus);
    const others = conversations.filter((x) => x.id !== conversationId);

    container.replaceChildren(
      h("div", { class: "contact-head" },
        h(Heading, { id: headingId, tabindex: "-1", class: "contact-name" }, title),
        h("p", { class: "muted contact-sub" }, [c.company, c.email, c.phone].filter(Boolean).join(" · ") || "No details yet"),
        h("dl", { class: "contact-facts" },
          h("div", {}, h("dt", {}, "Lead"), h("dd", {}, h("span", { class: `pill lead-${c.leadStatus}`, "data-lead-status": c.leadStatus }, label(c.leadStatus)))),
          h("div", {}, h("dt", {}, "Score"), h("dd", { class: "contact-score" }, c.score ?? "–")),
          h("div", {}, h("dt", {}, "Owner"), h("dd", { class: "contact-owner" }, c.ownerId ? ctx.userName(c.ownerId) : "Nobody")),
          c.lastInteractionAt ? h("div", {}, h("dt", {}, "Last interaction"), h("dd", {}, h("time", { datetime: c.lastInteractionAt }, full(c.lastInteractionAt)))) : null)),
      h("section", { class: "contact-section", "aria-labelledby": `${prefix}-lead` },
        h("h3", { id: `${prefix}-lead` }, "Move lead to"),
        h("div", { class: "lead-moves", role: "group", "aria-label": "Lead status moves", "aria-describedby": leadError.id },
          ...moves.map((s) => h("button", { type: "button", class: `move lead-${s}`, "data-status": s, onclick: (e) => move(s, e.currentTarget) }, label(s)))),
        leadError),
      h("section", { class: "contact-section", "aria-labelledby": `${prefix}-details` }, h("h3", { id: `${prefix}-details` }, "Details"), form),
      h("section", { class: "contact-section", "aria-labelledby": `${prefix}-convs` },
        h("h3", { id: `${prefix}-convs` }, conversationId ? "Other conversations" : "Conversations"),
        others.length
          ? h("ul", { class: "contact-conversations" }, ...others.map((x) => h("li", {},
            h("a", { href: `#conversation/${x.id}`, "data-id": x.id, onclick: (e) => { e.preventDefault(); options.openConversation(x.id); } }, x.subject || "(no subject)"),
            h("span", { class: "muted" }, ` · ${x.status} · `, h("time", { datetime: x.lastActivityAt }, full(x.lastActivityAt))))))
          : h("p", { class: "muted" }, "None.")),
      history.length ? h("section", { class: "contact-section", "aria-labelledby": `${prefix}-history` },
        h("h3", { id: `${prefix}-history` }, "Lead history"),
        h("ol", { class: "timeline" }, ...history.map((e) => h("li", { class: "timeline-entry" },
          h("div", {}, e.from ? `${label(e.from)} → ${label(e.to)}` : `Created as ${label(e.to)}`),
          h("div", { class: "muted" }, `${e.byUserId ? ctx.userName(e.byUserId) : "An integration"} · `, h("time", { datetime: e.at }, full(e.at))),
          e.note ? h("p", { class: "timeline-note" }, e.note) : null)))) : null);
  }

  return { load, clear, get contact() { return contact; }, focus: () => container.querySelector(".contact-name")?.focus() };
}

/**
 * The panel beside the open conversation (#contact-panel). Below 1100 px (no room for three columns) it replaces
 * the conversation when the "Contact" button of the conversation's header is pressed, and "Back" returns to it.
 * @param {import("../app.js").Context} ctx
 * @param {{openConversation: (id: string) => void}} options
 */
export function setup(ctx, options) {
  const panel = $("contact-panel");
  const body = h("div", { class: "contact-panel-body" });
  const back = h("button", { type: "button", class: "ghost contact-back", onclick: () => toggle(false) }, "‹ Conversation");
  panel.replaceChildren(back, body);
  const card = contactCard(ctx, body, { openConversation: (id) => { toggle(false); options.openConversation(id); } });
  const button = $("contact-toggle");
  button.addEventListener("click", () => toggle(!document.body.classList.contains("contact-open")));
  let shownFor = null; // "conversation id/contact id" on show

  function toggle(open) {
    document.body.classList.toggle("contact-open", open);
    button.setAttribute("aria-expanded", String(open));
    if (open) card.focus(); else if (matchMedia("(max-width: 1099px)").matches) button.focus();
  }

  return {
    /** Shows the contact of `conversation` (nothing for a conversation without a contact record). */
    show: guarded(async (conversation) => {
      const id = conversation?.contact?.id ?? null;
      const key = `${conversation?.id}/${id}`;
      if (key === shownFor) return;
      shownFor = key;
      document.body.classList.remove("contact-open");
      button.setAttribute("aria-expanded", "false");
      button.hidden = !id;
      if (!id) { panel.hidden = true; card.clear(); return; }
      panel.hidden = false;
      await card.load(id, conversation.id);
    }, "Contact: "),
    hide() {
      shownFor = null;
      panel.hidden = true;
      $("contact-toggle").hidden = true;
      document.body.classList.remove("contact-open");
      card.clear();
    },
  };
}
