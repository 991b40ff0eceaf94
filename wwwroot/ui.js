// Shared pieces of the page: DOM building, formats, the error banner, forms with the API's field errors beside
// the fields, and dialogs (native <dialog>: focus is trapped and Escape closes it, with no code of ours).
// Safety rule: server text goes into the page through textContent only (`h` does that).
import { InboxError } from "./inbox-client.js";

const $ = (id) => document.getElementById(id);
export { $ };

/** Creates an element; string children become text nodes (never HTML). `on…` attributes add listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export function initials(name) {
  const parts = String(name || "?").trim().split(/\s+/);
  return ((parts[0]?.[0] ?? "?") + (parts.length > 1 ? parts.at(-1)[0] : "")).toUpperCase();
}

/** A stable pastel colour per name, so the same person always has the same avatar. */
function hue(name) {
  let x = 0;
  for (const ch of String(name)) x = (x * 31 + ch.codePointAt(0)) % 360;
  return x;
}

export function avatar(name, el = h("span", { class: "avatar", "aria-hidden": "true" })) {
  el.textContent = initials(name);
  el.style.setProperty("--hue", String(hue(name)));
  return el;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
export const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
export function when(iso) {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? timeFormat.format(d) : dayFormat.format(d);
}
export const full = (iso) => fullFormat.format(new Date(iso));

/** `in_progress` → `in progress`. */
export const label = (value) => String(value).replaceAll("_", " ");

/** An ISO instant as the value of a datetime-local input (local time), and back. */
export function toLocalInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
export const fromLocalInput = (value) => (value ? new Date(value).toISOString() : null);

/** A random key for an Idempotency-Key header: one per form opening, so a double submit creates one thing. */
export const newKey = () => globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;

// ---------- errors ----------

export function errorText(e) {
  if (e instanceof InboxError) {
    const fields = Object.values(e.problem?.errors ?? {}).flat();
    return fields.length ? fields.join(" ") : e.message;
  }
  return e?.message === "Failed to fetch" ? "The service cannot be reached. Check your connection." : String(e?.message ?? e);
}

export function showError(e, prefix = "") {
  $("banner-text").textContent = prefix + errorText(e);
  $("banner").hidden = false;
}

/** Runs an async UI action, showing any failure in the banner instead of losing it in the console. */
export function guarded(fn, prefix) {
  return (...args) => Promise.resolve(fn(...args)).catch((e) => showError(e, prefix));
}

// ---------- forms ----------

let fieldIds = 0;

/**
 * A labelled form field. `spec`: {name, label, type (text, email, password, textarea, select, datetime-local,
 * checkboxes), value, options: [[value, text]], required, maxlength, hint, autocomplete}. Each field has an
 * error line under it (`.field-error`), which `showFieldErrors` fills with the API's messages.
 */
export function field(spec) {
  const id = `f${++fieldIds}-${spec.name}`;
  const errorId = `${id}-error`;
  const common = { id, name: spec.name, required: spec.required, maxlength: spec.maxlength, autocomplete: spec.autocomplete, "aria-describedby": errorId };
  let input;
  if (spec.type === "textarea") input = h("textarea", { ...common, rows: spec.rows ?? 3 }, spec.value ?? "");
  else if (spec.type === "select") {
    input = h("select", common, ...spec.options.map(([value, text]) => h("option", { value, selected: String(spec.value ?? "") === value }, text)));
  } else if (spec.type === "checkboxes") {
    const chosen = new Set(spec.value ?? []);
    return h("fieldset", { class: "field", "data-field": spec.name, "aria-describedby": errorId },
      h("legend", {}, spec.label),
      ...spec.options.map(([value, text]) => h("label", { class: "check" },
        h("input", { type: "checkbox", name: spec.name, value, checked: chosen.has(value) }), text)),
      h("p", { class: "field-error", id: errorId, hidden: true }));
  } else input = h("input", { ...common, type: spec.type ?? "text", value: spec.value ?? "" });
  return h("div", { class: "field", "data-field": spec.name },
    h("label", { for: id }, spec.label, spec.optional ? h("span", { class: "muted" }, " (optional)") : null),
    input,
    spec.hint ? h("p", { class: "hint" }, spec.hint) : null,
    h("p", { class: "field-error", id: errorId, hidden: true }));
}

/** The values of a form's named fields; checkbox groups as arrays of the checked values. */
export function formValues(form) {
  const values = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === "checkbox") (values[el.name] ??= []), el.checked && values[el.name].push(el.value);
    else values[el.name] = el.value;
  }
  return values;
}

export function clearErrors(form) {
  for (const p of form.querySelectorAll(".field-error, .form-error")) { p.hidden = true; p.textContent = ""; }
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

/**
 * Shows an error on a form: each of the problem's field errors beside its field (matched by name, ignoring
 * case: the API names fields as the JSON does), the rest in the form's `.form-error` line. Focuses the first
 * field at fault so a keyboard or screen-reader user lands on it.
 */
export function showFormError(form, e) {
  clearErrors(form);
  const rest = [];
  let first = null;
  const errors = e instanceof InboxError ? e.problem?.errors ?? {} : {};
  for (const [name, messages] of Object.entries(errors)) {
    const holder = [...form.querySelectorAll("[data-field]")].find((f) => f.dataset.field.toLowerCase() === name.toLowerCase());
    if (!holder) { rest.push(...messages); continue; }
    const line = holder.querySelector(".field-error");
    line.textContent = messages.join(" ");
    line.hidden = false;
    const input = holder.querySelector("input, select, textarea");
    input?.setAttribute("aria-invalid", "true");
    first ??= input;
  }
  const general = form.querySelector(".form-error");
  const text = rest.length ? rest.join(" ") : Object.keys(errors).length ? "" : errorText(e);
  if (general && text) { general.textContent = text; general.hidden = false; }
  else if (text) showError(e);
  first?.focus();
}

/**
 * Binds `submit` of a form to an async action: the button is disabled while it runs (a double click submits
 * once), errors land beside the fields, and `done` runs with the answer.
 */
export function onSubmit(form, action) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = "true";
    const buttons = [...form.querySelectorAll("button[type=submit]")];
    for (const b of buttons) b.disabled = true;
    clearErrors(form);
    try { await action(formValues(form), event.submitter); } catch (e) { showFormError(form, e); } finally {
      delete form.dataset.busy;
      for (const b of buttons) b.disabled = false;
    }
  });
}

// ---------- dialogs ----------

/**
 * Opens a modal dialog (a native <dialog>: focus stays inside, Escape closes). `content` is a node or a list;
 * the dialog removes itself when closed and gives focus back to what had it. Returns the dialog.
 */
export function openDialog(title, content, { className = "" } = {}) {
  const before = document.activeElement;
  const titleId = `d${++fieldIds}-title`;
  const dialog = h("dialog", { class: `dialog ${className}`.trim(), "aria-labelledby": titleId },
    h("h2", { id: titleId }, title), ...[content].flat());
  dialog.addEventListener("close", () => { dialog.remove(); if (before instanceof HTMLElement) before.focus(); });
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

/**
 * A form in a dialog: `fields` (specs of `field`), a submit button `submitLabel`, and `action(values)` whose
 * answer closes the dialog; the API's errors show beside the fields and the dialog stays open.
 */
export function formDialog(title, fields, submitLabel, action) {
  const form = h("form", { class: "stack", novalidate: true },
    ...fields.map(field),
    h("p", { class: "form-error", role: "alert", hidden: true }),
    h("div", { class: "dialog-actions" },
      h("button", { type: "button", class: "ghost", onclick: () => dialog.close() }, "Cancel"),
      h("button", { type: "submit", class: "primary" }, submitLabel)));
  const dialog = openDialog(title, form);
  onSubmit(form, async (values) => {
    const answer = await action(values);
    if (answer !== false) dialog.close();
  });
  form.querySelector("input, textarea, select")?.focus();
  return dialog;
}

/** Asks once before a destructive action; resolves true when confirmed. */
export function confirmOnce(question, confirmLabel) {
  return new Promise((resolve) => {
    let answer = false;
    const dialog = openDialog(question, h("div", { class: "dialog-actions" },
      h("button", { type: "button", class: "ghost", onclick: () => dialog.close() }, "Cancel"),
      h("button", { type: "button", class: "danger", onclick: () => { answer = true; dialog.close(); } }, confirmLabel)),
    { className: "confirm" });
    dialog.addEventListener("close", () => resolve(answer));
    dialog.querySelector("button.ghost").focus();
  });
}

/** Shows a value that is given only once (an API key, a webhook secret) with a copy button. */
export function showOnce(title, explanation, value) {
  const code = h("code", { class: "secret", tabindex: "0" }, value);
  const copied = h("span", { class: "muted", role: "status" });
  const dialog = openDialog(title, [
    h("p", {}, explanation),
    code,
    h("div", { class: "dialog-actions" },
      copied,
      h("button", {
        type: "button", class: "copy", onclick: async () => {
          try { await navigator.clipboard.writeText(value); copied.textContent = "Copied"; } catch {
            // No clipboard permission (an insecure origin): select the text so Ctrl+C copies it.
            getSelection().selectAllChildren(code);
            copied.textContent = "Selected: press Ctrl+C";
          }
        },
      }, "Copy"),
      h("button", { type: "button", class: "primary", onclick: () => dialog.close() }, "Done")),
  ], { className: "once" });
  dialog.querySelector("button.copy").focus();
  return dialog;
}
