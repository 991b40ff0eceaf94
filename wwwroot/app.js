// The Inbox web page: plain JS on top of inbox-client.js, no framework, no build step.
// Safety rule: text from the server goes into the page through textContent only (the `h` helper does that).
// The single exception is a search hit's `highlight`, which the server HTML-escapes and marks up with <mark>.
import { InboxClient, InboxError } from "./inbox-client.js";

const client = new InboxClient();
const $ = (id) => document.getElementById(id);
const STORED = "inbox.session";

const state = {
  me: null,
  /** @type {Map<string, any>} */ users: new Map(),       // id → user
  /** @type {Map<string, string>} */ presence: new Map(),  // user id → online|away|busy|offline
  /** @type {Map<string, any>} */ conversations: new Map(), // id → conversation (with unreadCount)
  openId: null,
  /** @type {any[]} */ messages: [],                        // of the open conversation, oldest first
  /** @type {Map<string, any>} */ receipts: new Map(),      // user id → receipt, of the open conversation
  /** @type {Map<string, Map<string, {name: string, timer: any}>>} */ typing: new Map(), // conversation → typists
  /** @type {Map<string, string[]>} */ viewing: new Map(),  // conversation → user ids looking at it
  ticketFilter: "all",
  view: "conversations",
};

// ---------- small DOM helpers ----------

/** Creates an element; string children become text nodes (never HTML). */
function h(tag, attrs = {}, ...children) {
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

function initials(name) {
  const parts = String(name || "?").trim().split(/\s+/);
  return ((parts[0]?.[0] ?? "?") + (parts.length > 1 ? parts.at(-1)[0] : "")).toUpperCase();
}

/** A stable pastel colour per name, so the same person always has the same avatar. */
function hue(name) {
  let x = 0;
  for (const ch of String(name)) x = (x * 31 + ch.codePointAt(0)) % 360;
  return x;
}

function avatar(name, el = h("span", { class: "avatar", "aria-hidden": "true" })) {
  el.textContent = initials(name);
  el.style.setProperty("--hue", String(hue(name)));
  return el;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
function when(iso) {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? timeFormat.format(d) : dayFormat.format(d);
}

function contactName(c) {
  return c.contact?.name || c.contact?.email || c.contact?.phone || c.contact?.externalId || "Unknown contact";
}

function userName(id) { return state.users.get(id)?.name ?? "Someone"; }

// ---------- errors ----------

function errorText(e) {
  if (e instanceof InboxError) {
    const fields = Object.values(e.problem?.errors ?? {}).flat();
    return fields.length ? fields.join(" ") : e.message;
  }
  return e?.message === "Failed to fetch" ? "The service cannot be reached. Check your connection." : String(e?.message ?? e);
}

function showError(e, prefix = "") {
  $("banner-text").textContent = prefix + errorText(e);
  $("banner").hidden = false;
}
$("banner-close").addEventListener("click", () => { $("banner").hidden = true; });

/** Runs an async UI action, showing any failure in the banner instead of losing it in the console. */
function guarded(fn, prefix) {
  return (...args) => Promise.resolve(fn(...args)).catch((e) => showError(e, prefix));
}

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
  $("app").hidden = true;
  $("login").hidden = false;
  $("login-error").hidden = !message;
  $("login-error").textContent = message ?? "";
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
  for (const p of presence) if (p.viewingConversationId) state.viewing.set(p.viewingConversationId, [...(state.viewing.get(p.viewingConversationId) ?? []), p.userId]);
  avatar(me.name, $("me-avatar")).title = `${me.name} (${me.email})`;
  $("login").hidden = true;
  $("app").hidden = false;
  client.connect();
  client.setPresence($("my-status").value);
  renderTeam();
  await loadConversations();
  document.body.dataset.ready = "true"; // for the end-to-end tests: list loaded, subscriptions asked for
  loadTickets().catch((e) => showError(e, "Tickets: "));
}

// ---------- realtime ----------

client.on("connected", guarded(async ({ reconnected }) => {
  setConnection("live");
  // After a drop, counts and previews may have moved: reload them (the client itself catches up open messages).
  if (reconnected) await Promise.all([loadConversations(), loadTickets()]);
}));
client.on("disconnected", ({ retryInMs }) => setConnection(retryInMs === null ? "offline" : "reconnecting"));
// The server may have missed telling us things (`resync`): the client has caught up the subscribed conversations'
// messages (as `message.created`) and fetched fresh counts and presence; show those.
client.on("resynced", ({ unread, presence }) => {
  if (unread) {
    for (const u of unread.conversations) {
      const c = state.conversations.get(u.conversationId);
      if (c) Object.assign(c, { unreadCount: u.unreadCount, muted: u.muted });
    }
    setTotal(unread.total);
  }
  if (presence) {
    state.presence = new Map(presence.map((p) => [p.userId, p.status]));
    state.viewing = new Map();
    for (const p of presence) if (p.viewingConversationId) state.viewing.set(p.viewingConversationId, [...(state.viewing.get(p.viewingConversationId) ?? []), p.userId]);
    renderTeam();
  }
  renderList();
  if (state.openId) renderHeader();
});

function setConnection(s) {
  const el = $("connection");
  el.dataset.state = s;
  el.title = { live: "Live", reconnecting: "Reconnecting…", offline: "Offline", connecting: "Connecting…" }[s];
}

client.on("message.created", ({ conversationId, message }) => {
  const c = state.conversations.get(conversationId);
  if (c) {
    c.lastMessage = message;
    c.lastActivityAt = message.createdAt;
    clearTyping(conversationId, message.sender.id);
    renderList();
  }
  if (conversationId !== state.openId || state.messages.some((m) => m.id === message.id)) return;
  const stick = nearBottom();
  state.messages.push(message);
  renderMessages(stick);
  markReadIfVisible();
});

client.on("unread.updated", guarded(async ({ conversationId, unreadCount, total }) => {
  let c = state.conversations.get(conversationId);
  if (!c) {
    // A conversation this user was just added to: fetch it and listen to it.
    c = await client.conversation(conversationId);
    state.conversations.set(c.id, c);
    await client.subscribe(c.id, c.lastMessage?.id ?? null);
  }
  c.unreadCount = unreadCount;
  renderList();
  setTotal(total);
}));

client.on("conversation.updated", ({ conversation }) => {
  const c = state.conversations.get(conversation.id);
  if (!c) return;
  Object.assign(c, conversation);
  renderList();
  if (conversation.id === state.openId) renderHeader();
});

client.on("read.updated", ({ receipt }) => {
  if (receipt.conversationId !== state.openId) return;
  state.receipts.set(receipt.userId, receipt);
  renderSeen();
});

client.on("typing", ({ conversationId, userId, name, state: typingState }) => {
  if (typingState === "stop") return clearTyping(conversationId, userId);
  const typists = state.typing.get(conversationId) ?? new Map();
  clearTimeout(typists.get(userId)?.timer);
  // The server turns a silent `start` into `stop` after 6 s; this timer only covers a lost frame.
  typists.set(userId, { name, timer: setTimeout(() => clearTyping(conversationId, userId), 8000) });
  state.typing.set(conversationId, typists);
  renderTyping();
  renderList();
});

function clearTyping(conversationId, userId) {
  const typists = state.typing.get(conversationId);
  if (!typists?.has(userId)) return;
  clearTimeout(typists.get(userId).timer);
  typists.delete(userId);
  renderTyping();
  renderList();
}

client.on("presence", ({ userId, status }) => {
  state.presence.set(userId, status);
  renderTeam();
  renderList();
  if (state.openId) renderHeader();
});

client.on("viewing", ({ conversationId, userIds }) => {
  state.viewing.set(conversationId, userIds);
  if (conversationId === state.openId) renderHeader();
});

// ---------- conversation list ----------

async function loadConversations() {
  const [page, unread] = await Promise.all([client.conversations({ limit: 50 }), client.unread()]);
  state.conversations = new Map(page.items.map((c) => [c.id, c]));
  setTotal(unread.total);
  renderList();
  // Listen to every listed conversation: live previews, unread badges and typing in the list.
  await Promise.all(page.items.map((c) => client.subscribe(c.id, c.lastMessage?.id ?? null)));
}

function setTotal(total) {
  $("total-unread").hidden = !total;
  $("total-unread").textContent = String(total);
  document.title = total ? `(${total}) Inbox` : "Inbox";
}

function presenceDot(userId) {
  const status = state.presence.get(userId) ?? "offline";
  return h("span", { class: "dot", "data-status": status, title: status, "aria-label": status });
}

function renderTeam() {
  const others = [...state.users.values()].filter((u) => u.id !== state.me?.id);
  $("team").replaceChildren(...others.map((u) => h("li", { class: "teammate", title: `${u.name}: ${state.presence.get(u.id) ?? "offline"}` },
    h("span", { class: "avatar-wrap" }, avatar(u.name), presenceDot(u.id)),
    h("span", { class: "teammate-name" }, u.name.split(" ")[0]))));
}

function renderList() {
  const items = [...state.conversations.values()].sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));
  $("list-empty").hidden = items.length > 0;
  $("conversation-list").replaceChildren(...items.map((c) => {
    const typists = [...(state.typing.get(c.id)?.values() ?? [])];
    const preview = typists.length
      ? h("p", { class: "preview typing-preview" }, `${typists.map((t) => t.name.split(" ")[0]).join(", ")} typing…`)
      : h("p", { class: "preview" }, c.lastMessage ? `${c.lastMessage.direction === "outgoing" ? `${c.lastMessage.sender.name.split(" ")[0]}: ` : ""}${c.lastMessage.body}` : "No messages yet");
    const assignee = c.assigneeId ? state.users.get(c.assigneeId) : null;
    return h("li", {},
      h("button", {
        type: "button", class: "conversation-row", "data-id": c.id, "aria-current": c.id === state.openId ? "true" : null,
        "data-unread": c.unreadCount > 0 ? "true" : null, onclick: () => open(c.id),
      },
      avatar(contactName(c)),
      h("span", { class: "row-main" },
        h("span", { class: "row-top" }, h("span", { class: "row-name" }, contactName(c)), h("time", { datetime: c.lastActivityAt }, when(c.lastActivityAt))),
        h("span", { class: "row-subject" }, c.subject || "(no subject)"),
        h("span", { class: "row-bottom" }, preview,
          c.unreadCount > 0 ? h("span", { class: "badge unread", "aria-label": `${c.unreadCount} unread` }, String(c.unreadCount)) : null),
        assignee ? h("span", { class: "row-assignee" }, presenceDot(assignee.id), assignee.name) : null)));
  }));
}

// ---------- the open conversation ----------

const open = guarded(async (id) => {
  showView("conversations");
  if (state.openId !== id) {
    state.openId = id;
    state.messages = [];
    state.receipts = new Map();
    $("composer-input").value = "";
    $("messages").replaceChildren(); // not the empty state: the messages are on their way
  }
  client.view(id);
  document.body.classList.add("reading"); // on a phone, the pane replaces the list
  $("pane-empty").hidden = true;
  $("conversation").hidden = false;
  renderHeader();
  renderList();
  renderTyping();
  const [page, receipts] = await Promise.all([client.messages(id, { limit: 50 }), client.receipts(id)]);
  if (state.openId !== id) return;
  const known = new Set(page.items.map((m) => m.id));
  state.messages = [...page.items.reverse(), ...state.messages.filter((m) => !known.has(m.id))];
  state.receipts = new Map(receipts.map((r) => [r.userId, r]));
  renderMessages(true);
  markReadIfVisible();
  if (matchMedia("(min-width: 720px)").matches) $("composer-input").focus();
});

function close() {
  state.openId = null;
  client.view(null);
  document.body.classList.remove("reading");
  $("conversation").hidden = true;
  $("pane-empty").hidden = false;
  renderList();
}
$("back").addEventListener("click", close);

function renderHeader() {
  const c = state.conversations.get(state.openId);
  if (!c) return;
  $("conversation-subject").textContent = c.subject || "(no subject)";
  $("conversation-meta").textContent = [contactName(c), c.contact?.email, c.channel, c.status].filter(Boolean).join(" · ");
  avatar(contactName(c), $("contact-avatar"));
  const viewers = new Set((state.viewing.get(c.id) ?? []).filter((u) => u !== state.me.id));
  $("participants").replaceChildren(...c.participantIds.filter((u) => u !== state.me.id && state.users.has(u)).map((u) =>
    h("span", { class: `participant${viewers.has(u) ? " viewing" : ""}`, title: `${userName(u)}: ${state.presence.get(u) ?? "offline"}${viewers.has(u) ? ", viewing now" : ""}` },
      h("span", { class: "avatar-wrap" }, avatar(userName(u)), presenceDot(u)))));
}

function nearBottom() {
  const list = $("messages");
  return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
}

function renderMessages(scroll) {
  const list = $("messages");
  if (!state.messages.length) {
    list.replaceChildren(h("li", { class: "empty messages-empty" }, h("p", {}, "No messages yet. Say hello below.")));
    renderSeen();
    return;
  }
  let previous = null;
  list.replaceChildren(...state.messages.map((m) => {
    const mine = m.sender.type === "user" && m.sender.id === state.me.id;
    const grouped = previous && previous.sender.name === m.sender.name && Date.parse(m.createdAt) - Date.parse(previous.createdAt) < 5 * 60_000;
    previous = m;
    return h("li", { class: `message ${m.direction}${mine ? " mine" : ""}${grouped ? " grouped" : ""}`, "data-id": m.id },
      grouped ? null : h("div", { class: "message-meta" }, h("span", { class: "sender" }, mine ? "You" : m.sender.name),
        h("time", { datetime: m.createdAt, title: fullFormat.format(new Date(m.createdAt)) }, when(m.createdAt))),
      h("div", { class: "bubble" }, m.body));
  }));
  renderSeen();
  if (scroll) list.scrollTop = list.scrollHeight;
}

/** "Seen by …" under the message each other participant read last. */
function renderSeen() {
  for (const el of $("messages").querySelectorAll(".seen")) el.remove();
  const byMessage = new Map();
  for (const r of state.receipts.values()) {
    if (r.userId === state.me?.id || !r.lastReadMessageId) continue;
    byMessage.set(r.lastReadMessageId, [...(byMessage.get(r.lastReadMessageId) ?? []), userName(r.userId)]);
  }
  for (const [messageId, names] of byMessage) {
    const li = $("messages").querySelector(`li[data-id="${CSS.escape(messageId)}"]`);
    li?.append(h("div", { class: "seen" }, `Seen by ${names.join(", ")}`));
  }
}

function renderTyping() {
  const typists = [...(state.typing.get(state.openId)?.values() ?? [])].map((t) => t.name);
  const el = $("typing");
  el.replaceChildren(...(typists.length
    ? [h("span", { class: "typing-dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")),
       `${typists.join(" and ")} ${typists.length > 1 ? "are" : "is"} typing…`]
    : []));
}

/** Marks the open conversation read up to its newest message while the page is visible. */
function markReadIfVisible() {
  const c = state.conversations.get(state.openId);
  const last = state.messages.at(-1);
  if (!c || !last || document.visibilityState !== "visible") return;
  if (c.unreadCount > 0 || state.receipts.get(state.me.id)?.lastReadMessageId !== last.id) {
    Promise.resolve(client.read(c.id, last.id)).catch((e) => showError(e));
  }
}
document.addEventListener("visibilitychange", markReadIfVisible);

// Composer: Enter sends, Shift+Enter adds a line; every keystroke feeds the (throttled) typing indicator.
const composer = $("composer-input");
composer.addEventListener("input", () => {
  composer.style.height = "auto";
  composer.style.height = `${Math.min(composer.scrollHeight, 180)}px`;
  if (state.openId && composer.value.trim()) client.typing(state.openId);
  else if (state.openId) client.stopTyping(state.openId);
});
composer.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});
$("composer").addEventListener("submit", guarded(async (event) => {
  event.preventDefault();
  const body = composer.value.trim();
  const id = state.openId;
  if (!body || !id) return;
  composer.value = "";
  composer.style.height = "auto";
  try {
    const message = await client.sendMessage(id, body);
    if (state.openId === id && !state.messages.some((m) => m.id === message.id)) {
      state.messages.push(message);
      renderMessages(true);
    }
    const c = state.conversations.get(id);
    if (c) { c.lastMessage = message; c.lastActivityAt = message.createdAt; renderList(); }
  } catch (e) {
    composer.value = body; // keep what was typed
    throw e;
  }
}, "Message not sent: "));

// ---------- new conversation ----------

$("new-conversation").addEventListener("click", () => {
  $("new-error").hidden = true;
  $("new-form").reset();
  $("new-dialog").showModal();
});
$("new-cancel").addEventListener("click", () => $("new-dialog").close());
$("new-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const f = event.currentTarget;
  if (!f.contact.value.trim() || !f.body.value.trim()) {
    $("new-error").textContent = "A customer name and a first message are needed.";
    $("new-error").hidden = false;
    return;
  }
  try {
    const c = await client.startConversation({
      subject: f.subject.value.trim() || undefined,
      channel: "web",
      contact: { name: f.contact.value.trim(), email: f.email.value.trim() || undefined },
      assigneeId: state.me.id,
    });
    await client.sendMessage(c.id, f.body.value.trim());
    state.conversations.set(c.id, await client.conversation(c.id));
    await client.subscribe(c.id);
    $("new-dialog").close();
    open(c.id);
  } catch (e) {
    $("new-error").textContent = errorText(e);
    $("new-error").hidden = false;
  }
});

// ---------- views ----------

function showView(view) {
  state.view = view;
  $("view-conversations").hidden = view !== "conversations";
  $("view-tickets").hidden = view !== "tickets";
  $("view-search").hidden = view !== "search";
  for (const b of document.querySelectorAll(".tabs button")) b.setAttribute("aria-current", b.dataset.view === view ? "page" : "false");
}
for (const b of document.querySelectorAll(".tabs button")) b.addEventListener("click", () => showView(b.dataset.view));

$("my-status").addEventListener("change", (e) => client.setPresence(e.target.value));

// ---------- search ----------

$("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  search($("search-input").value.trim());
});
$("search-input").addEventListener("keydown", (e) => { if (e.key === "Escape") { e.target.value = ""; showView("conversations"); } });
$("search-close").addEventListener("click", () => { $("search-input").value = ""; showView("conversations"); });

const search = guarded(async (q) => {
  if (!q) return;
  showView("search");
  $("search-title").textContent = `Results for “${q}”`;
  $("search-results").replaceChildren(h("li", { class: "muted loading" }, "Searching…"));
  $("search-empty").hidden = true;
  try {
    const page = await client.search({ q, limit: 30 });
    $("search-empty").hidden = page.items.length > 0;
    $("search-results").replaceChildren(...page.items.map((hit) => {
      const c = state.conversations.get(hit.message.conversationId);
      const snippet = h("p", { class: "snippet" });
      // `highlight` is the only HTML this page inserts: the server escapes the body and adds only <mark>.
      snippet.innerHTML = hit.highlight;
      return h("li", {}, h("button", { type: "button", class: "search-hit", onclick: () => open(hit.message.conversationId) },
        h("span", { class: "row-top" }, h("span", { class: "row-name" }, c ? `${contactName(c)} · ${c.subject || "(no subject)"}` : "Conversation"),
          h("time", { datetime: hit.message.createdAt }, when(hit.message.createdAt))),
        h("span", { class: "sender muted" }, hit.message.sender.name),
        snippet));
    }));
  } catch (e) {
    $("search-results").replaceChildren(h("li", { class: "form-error" }, `Search failed: ${errorText(e)}`));
  }
});

// ---------- tickets ----------

let machines = new Map();

async function loadTickets() {
  const [page, machineList, overdue] = await Promise.all([
    client.tickets({ limit: 100, overdue: state.ticketFilter === "overdue" ? true : undefined }),
    client.machines(),
    client.tickets({ overdue: true, limit: 100 }),
  ]);
  machines = new Map(machineList.map((m) => [m.id, m]));
  $("overdue-count").hidden = overdue.items.length === 0;
  $("overdue-count").textContent = String(overdue.items.length);
  $("tickets-empty").hidden = page.items.length > 0;
  // Overdue ones first (a stable sort keeps the service's order otherwise).
  const tickets = [...page.items].sort((x, y) => Number(y.overdue) - Number(x.overdue));
  $("ticket-list").replaceChildren(...tickets.map((t) => {
    const machine = t.machineId ? machines.get(t.machineId) : null;
    return h("li", { class: `ticket${t.overdue ? " overdue" : ""}`, "data-id": t.id },
      h("div", { class: "ticket-top" },
        h("span", { class: "ticket-title" }, t.title),
        t.overdue ? h("span", { class: "pill pill-danger" }, "Overdue") : null),
      t.description ? h("p", { class: "ticket-description" }, t.description) : null,
      h("div", { class: "ticket-meta" },
        h("span", { class: `pill status-${t.status}` }, t.status.replace("_", " ")),
        h("span", { class: `pill priority-${t.priority}` }, t.priority),
        machine ? h("span", {}, `${machine.name}${machine.location ? ` · ${machine.location}` : ""}`) : null,
        t.scheduledAt ? h("span", { class: t.overdue ? "danger" : "" }, `Scheduled ${fullFormat.format(new Date(t.scheduledAt))}`) : null,
        t.assigneeId ? h("span", {}, `Assigned to ${userName(t.assigneeId)}`) : h("span", { class: "muted" }, "Unassigned")));
  }));
}

for (const b of document.querySelectorAll("[data-filter]")) {
  b.addEventListener("click", guarded(async () => {
    state.ticketFilter = b.dataset.filter;
    for (const x of document.querySelectorAll("[data-filter]")) x.setAttribute("aria-pressed", String(x === b));
    await loadTickets();
  }, "Tickets: "));
}

boot().catch((e) => showError(e));
