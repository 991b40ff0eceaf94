// The Inbox web page: plain JS modules on top of inbox-client.js, no framework, no build step.
// This file is the shell: sign-in and sign-out, the top bar, switching views, the connection state. Each view
// lives in views/ and gets the shared context from `setup(ctx)`:
//   views/inbox.js     conversations and search        views/tickets.js   the tickets board, a ticket, new ticket
//   views/machines.js  machines and their tickets      views/admin.js     agents, API keys, webhooks, the account
//   views/contacts.js  contacts: list, filters, one contact, the CSV import
//   views/contact-panel.js  the contact beside the open conversation (and the card the contacts view shows)
// Safety rule: server text goes into the page through textContent only (ui.js `h`); the one exception is a
// search hit's `highlight`, which the server HTML-escapes and marks up with <mark>.
import { InboxClient, InboxError } from "./inbox-client.js";
import { $, avatar, errorText, showError, guarded } from "./ui.js";
import * as inboxView from "./views/inbox.js";
import * as ticketsView from "./views/tickets.js";
import * as machinesView from "./views/machines.js";
import * as adminView from "./views/admin.js";
import * as contactsView from "./views/contacts.js";
import * as contactPanel from "./views/contact-panel.js";

const client = new InboxClient();
const STORED = "inbox.session";

/**
 * @typedef {{client: InboxClient, state: {me: any, users: Map<string, any>, presence: Map<string, string>, machines: Map<string, any>},
 *   showView: (view: string) => void, userName: (id: string|null) => string, loadUsers: () => Promise<void>,
 *   onUsersChanged: (fn: () => void) => void, openConversation: (id: string) => void,
 *   contactPanel?: {show: (conversation: any) => void, hide: () => void}}} Context
 */
const state = {
  me: null,
  /** @type {Map<string, any>} */ users: new Map(),      // id → user
  /** @type {Map<string, string>} */ presence: new Map(), // user id → online|away|busy|offline
  /** @type {Map<string, any>} */ machines: new Map(),   // id → machine
  view: "conversations",
};
const usersChanged = [];

/** @type {Context} */
const ctx = {
  client,
  state,
  showView,
  userName: (id) => state.users.get(id)?.name ?? "Someone",
  async loadUsers() {
    state.users = new Map((await client.users()).map((u) => [u.id, u]));
    for (const fn of usersChanged) fn();
  },
  onUsersChanged: (fn) => usersChanged.push(fn),
  openConversation: (id) => views.inbox.open(id),
};

const tickets = ticketsView.setup(ctx);
const views = {
  inbox: inboxView.setup(ctx),
  tickets,
  machines: machinesView.setup(ctx, tickets),
  admin: adminView.setup(ctx),
  contacts: contactsView.setup(ctx),
};
ctx.contactPanel = contactPanel.setup(ctx, { openConversation: ctx.openConversation });
ctx.onUsersChanged(() => views.inbox.renderTeam());

$("banner-close").addEventListener("click", () => { $("banner").hidden = true; });

// ---------- sign in / out ----------

client.on("session", ({ session }) => {
  if (session) sessionStorage.setItem(STORED, JSON.stringify(session));
  else {
    sessionStorage.removeItem(STORED);
    if (state.me) signedOut("Your session ended. Please sign in again.");
  }
});

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const error = $("login-error");
  error.hidden = true;
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    await client.login(form.email.value.trim(), form.password.value);
    form.password.value = "";
    await start();
  } catch (e) {
    error.textContent = e instanceof InboxError && e.status === 401 ? "That email and password do not match an account." : errorText(e);
    error.hidden = false;
  } finally {
    button.disabled = false;
  }
});

$("logout").addEventListener("click", async () => {
  state.me = null;
  await client.logout();
  signedOut();
});

function signedOut(message) {
  client.close();
  state.me = null;
  for (const d of document.querySelectorAll("dialog[open]")) d.close();
  delete document.body.dataset.ready;
  $("app").hidden = true;
  $("login").hidden = false;
  $("login-error").hidden = !message;
  $("login-error").textContent = message ?? "";
  $("login-form").email.focus();
}

async function boot() {
  const stored = sessionStorage.getItem(STORED);
  if (stored) {
    try {
      await client.restore(JSON.parse(stored));
      return await start();
    } catch { sessionStorage.removeItem(STORED); }
  }
  $("login").hidden = false;
  $("login-form").email.focus();
}

async function start() {
  const [me, users, presence] = await Promise.all([client.me(), client.users(), client.presence()]);
  state.me = me;
  state.users = new Map(users.map((u) => [u.id, u]));
  state.presence = new Map(presence.map((p) => [p.userId, p.status]));
  avatar(me.name, $("me-avatar")).title = `${me.name} (${me.email})`;
  // Administration is for admins only: agents do not get the tab (and the API answers them 403 anyway).
  $("tab-admin").hidden = me.role !== "admin";
  document.body.dataset.role = me.role;
  $("login").hidden = true;
  $("app").hidden = false;
  client.connect();
  client.setPresence($("my-status").value);
  await views.inbox.start(presence);
  document.body.dataset.ready = "true"; // for the end-to-end tests: list loaded, subscriptions asked for
  views.tickets.start().catch((e) => showError(e, "Tickets: "));
}

// ---------- realtime ----------

client.on("connected", guarded(async ({ reconnected }) => {
  setConnection("live");
  // After a drop, counts, previews and tickets may have moved: reload them (the client catches up messages).
  if (reconnected) await Promise.all([views.inbox.reload(), views.tickets.reload(), views.contacts.reload()]);
}));
client.on("disconnected", ({ retryInMs }) => setConnection(retryInMs === null ? "offline" : "reconnecting"));

function setConnection(s) {
  const el = $("connection");
  el.dataset.state = s;
  el.title = { live: "Live", reconnecting: "Reconnecting…", offline: "Offline", connecting: "Connecting…" }[s];
  el.setAttribute("aria-label", `Connection: ${el.title}`);
}

// ---------- views ----------

const sections = ["conversations", "search", "contacts", "tickets", "machines", "admin"];

function showView(view) {
  state.view = view;
  for (const name of sections) $(`view-${name}`).hidden = name !== view;
  for (const b of document.querySelectorAll(".tabs button")) b.setAttribute("aria-current", b.dataset.view === view ? "page" : "false");
  views[{ machines: "machines", admin: "admin", tickets: "tickets", contacts: "contacts" }[view]]?.shown?.();
}
for (const b of document.querySelectorAll(".tabs button")) b.addEventListener("click", () => showView(b.dataset.view));

$("my-status").addEventListener("change", (e) => client.setPresence(e.target.value));

boot().catch((e) => showError(e));
