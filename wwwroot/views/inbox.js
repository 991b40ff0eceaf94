// The inbox side: the conversation list with unread badges, presence and typing; the open conversation with live
// messages, "seen by" and who else views it; starting a conversation; search with highlighted hits.
// The contact panel beside the conversation (#contact-panel) is views/contact-panel.js: `ctx.contactPanel`.
import { $, h, avatar, when, fullFormat, errorText, showError, guarded } from "../ui.js";

/** @param {import("../app.js").Context} ctx */
export function setup(ctx) {
  const { client, state } = ctx;
  const inbox = {
    /** @type {Map<string, any>} */ conversations: new Map(), // id → conversation (with unreadCount)
    openId: null,
    /** @type {any[]} */ messages: [],                        // of the open conversation, oldest first
    /** @type {Map<string, any>} */ receipts: new Map(),      // user id → receipt, of the open conversation
    /** @type {Map<string, Map<string, {name: string, timer: any}>>} */ typing: new Map(), // conversation → typists
    /** @type {Map<string, string[]>} */ viewing: new Map(),  // conversation → user ids looking at it
  };
  const userName = ctx.userName;

  function contactName(c) {
    return c.contact?.name || c.contact?.email || c.contact?.phone || c.contact?.externalId || "Unknown contact";
  }

  function setViewing(presence) {
    inbox.viewing = new Map();
    for (const p of presence) if (p.viewingConversationId) inbox.viewing.set(p.viewingConversationId, [...(inbox.viewing.get(p.viewingConversationId) ?? []), p.userId]);
  }

  // ---------- realtime ----------

  // The server may have missed telling us things (`resync`): the client has caught up the subscribed conversations'
  // messages (as `message.created`) and fetched fresh counts and presence; show those.
  client.on("resynced", ({ unread, presence }) => {
    if (unread) {
      for (const u of unread.conversations) {
        const c = inbox.conversations.get(u.conversationId);
        if (c) Object.assign(c, { unreadCount: u.unreadCount, muted: u.muted });
      }
      setTotal(unread.total);
    }
    if (presence) {
      state.presence = new Map(presence.map((p) => [p.userId, p.status]));
      setViewing(presence);
      renderTeam();
    }
    renderList();
    if (inbox.openId) renderHeader();
  });

  client.on("message.created", ({ conversationId, message }) => {
    const c = inbox.conversations.get(conversationId);
    if (c) {
      c.lastMessage = message;
      c.lastActivityAt = message.createdAt;
      clearTyping(conversationId, message.sender.id);
      renderList();
    }
    if (conversationId !== inbox.openId || inbox.messages.some((m) => m.id === message.id)) return;
    const stick = nearBottom();
    inbox.messages.push(message);
    renderMessages(stick);
    markReadIfVisible();
  });

  client.on("unread.updated", guarded(async ({ conversationId, unreadCount, total }) => {
    let c = inbox.conversations.get(conversationId);
    if (!c) {
      // A conversation this user was just added to: fetch it and listen to it.
      c = await client.conversation(conversationId);
      inbox.conversations.set(c.id, c);
      await client.subscribe(c.id, c.lastMessage?.id ?? null);
    }
    c.unreadCount = unreadCount;
    renderList();
    setTotal(total);
  }));

  client.on("conversation.updated", ({ conversation }) => {
    const c = inbox.conversations.get(conversation.id);
    if (!c) return;
    Object.assign(c, conversation);
    renderList();
    if (conversation.id === inbox.openId) { renderHeader(); ctx.contactPanel?.show(c); }
  });

  client.on("read.updated", ({ receipt }) => {
    if (receipt.conversationId !== inbox.openId) return;
    inbox.receipts.set(receipt.userId, receipt);
    renderSeen();
  });

  client.on("typing", ({ conversationId, userId, name, state: typingState }) => {
    if (typingState === "stop") return clearTyping(conversationId, userId);
    const typists = inbox.typing.get(conversationId) ?? new Map();
    clearTimeout(typists.get(userId)?.timer);
    // The server turns a silent `start` into `stop` after 6 s; this timer only covers a lost frame.
    typists.set(userId, { name, timer: setTimeout(() => clearTyping(conversationId, userId), 8000) });
    inbox.typing.set(conversationId, typists);
    renderTyping();
    renderList();
  });

  function clearTyping(conversationId, userId) {
    const typists = inbox.typing.get(conversationId);
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
    if (inbox.openId) renderHeader();
  });

  client.on("viewing", ({ conversationId, userIds }) => {
    inbox.viewing.set(conversationId, userIds);
    if (conversationId === inbox.openId) renderHeader();
  });

  // ---------- conversation list ----------

  async function loadConversations() {
    const [page, unread] = await Promise.all([client.conversations({ limit: 50 }), client.unread()]);
    inbox.conversations = new Map(page.items.map((c) => [c.id, c]));
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
    return h("span", { class: "dot", "data-status": status, title: status, role: "img", "aria-label": status });
  }

  function renderTeam() {
    const others = [...state.users.values()].filter((u) => u.id !== state.me?.id && u.active !== false);
    $("team").replaceChildren(...others.map((u) => h("li", { class: "teammate", title: `${u.name}: ${state.presence.get(u.id) ?? "offline"}` },
      h("span", { class: "avatar-wrap" }, avatar(u.name), presenceDot(u.id)),
      h("span", { class: "teammate-name" }, u.name.split(" ")[0]))));
  }

  function renderList() {
    const items = [...inbox.conversations.values()].sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));
    $("list-empty").hidden = items.length > 0;
    $("conversation-list").replaceChildren(...items.map((c) => {
      const typists = [...(inbox.typing.get(c.id)?.values() ?? [])];
      const preview = typists.length
        ? h("span", { class: "preview typing-preview" }, `${typists.map((t) => t.name.split(" ")[0]).join(", ")} typing…`)
        : h("span", { class: "preview" }, c.lastMessage ? `${c.lastMessage.direction === "outgoing" ? `${c.lastMessage.sender.name.split(" ")[0]}: ` : ""}${c.lastMessage.body}` : "No messages yet");
      const assignee = c.assigneeId ? state.users.get(c.assigneeId) : null;
      return h("li", {},
        h("button", {
          type: "button", class: "conversation-row", "data-id": c.id, "aria-current": c.id === inbox.openId ? "true" : null,
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
    ctx.showView("conversations");
    if (!inbox.conversations.has(id)) {
      // Not in the list (an older conversation, opened from a contact): fetch it and listen to it.
      const c = await client.conversation(id);
      inbox.conversations.set(c.id, c);
      await client.subscribe(c.id, c.lastMessage?.id ?? null);
    }
    if (inbox.openId !== id) {
      inbox.openId = id;
      inbox.messages = [];
      inbox.receipts = new Map();
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
    ctx.contactPanel?.show(inbox.conversations.get(id));
    const [page, receipts] = await Promise.all([client.messages(id, { limit: 50 }), client.receipts(id)]);
    if (inbox.openId !== id) return;
    const known = new Set(page.items.map((m) => m.id));
    inbox.messages = [...page.items.reverse(), ...inbox.messages.filter((m) => !known.has(m.id))];
    inbox.receipts = new Map(receipts.map((r) => [r.userId, r]));
    renderMessages(true);
    markReadIfVisible();
    if (matchMedia("(min-width: 720px)").matches) $("composer-input").focus();
  });

  function close() {
    inbox.openId = null;
    client.view(null);
    document.body.classList.remove("reading");
    $("conversation").hidden = true;
    $("pane-empty").hidden = false;
    ctx.contactPanel?.hide();
    renderList();
  }
  $("back").addEventListener("click", close);

  function renderHeader() {
    const c = inbox.conversations.get(inbox.openId);
    if (!c) return;
    $("conversation-subject").textContent = c.subject || "(no subject)";
    $("conversation-meta").textContent = [contactName(c), c.contact?.email, c.channel, c.status].filter(Boolean).join(" · ");
    avatar(contactName(c), $("contact-avatar"));
    const viewers = new Set((inbox.viewing.get(c.id) ?? []).filter((u) => u !== state.me.id));
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
    if (!inbox.messages.length) {
      list.replaceChildren(h("li", { class: "empty messages-empty" }, h("p", {}, "No messages yet. Say hello below.")));
      renderSeen();
      return;
    }
    let previous = null;
    list.replaceChildren(...inbox.messages.map((m) => {
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
    for (const r of inbox.receipts.values()) {
      if (r.userId === state.me?.id || !r.lastReadMessageId) continue;
      byMessage.set(r.lastReadMessageId, [...(byMessage.get(r.lastReadMessageId) ?? []), userName(r.userId)]);
    }
    for (const [messageId, names] of byMessage) {
      const li = $("messages").querySelector(`li[data-id="${CSS.escape(messageId)}"]`);
      li?.append(h("div", { class: "seen" }, `Seen by ${names.join(", ")}`));
    }
  }

  function renderTyping() {
    const typists = [...(inbox.typing.get(inbox.openId)?.values() ?? [])].map((t) => t.name);
    $("typing").replaceChildren(...(typists.length
      ? [h("span", { class: "typing-dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")),
         `${typists.join(" and ")} ${typists.length > 1 ? "are" : "is"} typing…`]
      : []));
  }

  /** Marks the open conversation read up to its newest message while the page is visible. */
  function markReadIfVisible() {
    const c = inbox.conversations.get(inbox.openId);
    const last = inbox.messages.at(-1);
    if (!c || !last || document.visibilityState !== "visible") return;
    if (c.unreadCount > 0 || inbox.receipts.get(state.me.id)?.lastReadMessageId !== last.id) {
      Promise.resolve(client.read(c.id, last.id)).catch((e) => showError(e));
    }
  }
  document.addEventListener("visibilitychange", markReadIfVisible);

  // Composer: Enter sends, Shift+Enter adds a line; every keystroke feeds the (throttled) typing indicator.
  const composer = $("composer-input");
  composer.addEventListener("input", () => {
    composer.style.height = "auto";
    composer.style.height = `${Math.min(composer.scrollHeight, 180)}px`;
    if (inbox.openId && composer.value.trim()) client.typing(inbox.openId);
    else if (inbox.openId) client.stopTyping(inbox.openId);
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
    const id = inbox.openId;
    if (!body || !id) return;
    composer.value = "";
    composer.style.height = "auto";
    try {
      const message = await client.sendMessage(id, body);
      if (inbox.openId === id && !inbox.messages.some((m) => m.id === message.id)) {
        inbox.messages.push(message);
        renderMessages(true);
      }
      const c = inbox.conversations.get(id);
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
      inbox.conversations.set(c.id, await client.conversation(c.id));
      await client.subscribe(c.id);
      $("new-dialog").close();
      open(c.id);
    } catch (e) {
      $("new-error").textContent = errorText(e);
      $("new-error").hidden = false;
    }
  });

  // ---------- search ----------

  let lastQuery = "";
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    search($("search-input").value.trim());
  });
  $("search-input").addEventListener("keydown", (e) => { if (e.key === "Escape") { e.target.value = ""; ctx.showView("conversations"); } });
  $("search-close").addEventListener("click", () => { $("search-input").value = ""; ctx.showView("conversations"); });
  $("search-sort").addEventListener("change", () => search(lastQuery));

  const search = guarded(async (q) => {
    if (!q) return;
    lastQuery = q;
    ctx.showView("search");
    $("search-title").textContent = `Results for “${q}”`;
    $("search-results").replaceChildren(h("li", { class: "muted loading" }, "Searching…"));
    $("search-empty").hidden = true;
    try {
      // "Best match" (relevance) or "Newest" (recent): API.md v2 ordering. Called through request() so the page
      // works with either signature of client.search while issue-search changes it to search(q, {sort, …}).
      const params = new URLSearchParams({ q, sort: $("search-sort").value, limit: "30" });
      const page = await client.request("GET", `/api/search/messages?${params}`);
      $("search-empty").hidden = page.items.length > 0;
      $("search-results").replaceChildren(...page.items.map((hit) => {
        const c = inbox.conversations.get(hit.message.conversationId);
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

  return {
    async start(presence) {
      setViewing(presence);
      renderTeam();
      await loadConversations();
    },
    reload: loadConversations,
    renderTeam,
    open,
  };
}
