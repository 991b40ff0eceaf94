// inbox-client.js: a dependency-free client for the Inbox HTTP API and its WebSocket (/ws).
// Works in browsers and in Node 20+ (`node --experimental-websocket`, or pass any standard WebSocket class).
// The contract is API.md; docs/client.md shows how to use this module.

/** @typedef {{id: string, accountId: string, name: string, email: string, role: "admin"|"agent", active: boolean, createdAt: string}} User  `active` false: deactivated by an admin */
/** @typedef {{user?: User, accessToken: string, refreshToken: string, expiresAt: string}} Session */
/** @typedef {{type: "user"|"contact"|"integration", id: string|null, name: string}} Sender */
/** @typedef {{id: string, conversationId: string, direction: "incoming"|"outgoing", body: string, sender: Sender, createdAt: string}} Message */
/** @typedef {{id?: string|null, name: string|null, email: string|null, phone: string|null, externalId: string|null}} Contact  a conversation's contact; **(v2)** `id` of its contact record (null once that contact is deleted) */
/** @typedef {"new"|"contacted"|"qualified"|"won"|"lost"} LeadStatus */
/** @typedef {{id: string, name: string|null, email: string|null, phone: string|null, externalId: string|null, company: string|null, notes: string|null, fields: Record<string, string>, leadCode: string|null, leadStatus: LeadStatus, source: string|null, score: number|null, ownerId: string|null, lastInteractionAt: string|null, createdAt: string, updatedAt: string}} ContactRecord  a contact of the contacts routes (API.md "Contacts and leads"): `phone` in E.164 */
/** @typedef {{name?: string|null, email?: string|null, phone?: string|null, externalId?: string|null, company?: string|null, notes?: string|null, fields?: Record<string, string>|null, leadCode?: string|null, leadStatus?: LeadStatus, source?: string|null, score?: number|null, ownerId?: string|null}} NewContact  at least one of name, email, phone, externalId */
/** @typedef {{q?: string, leadStatus?: LeadStatus, ownerId?: string, source?: string, limit?: number, cursor?: string}} ContactQuery  `q`: the start of any word of the name or company, or of the email or phone */
/** @typedef {{from: LeadStatus|null, to: LeadStatus, note: string|null, byUserId: string|null, at: string}} LeadHistoryEntry */
/** @typedef {{row: number, action: "created"|"updated"|"skipped", contactId: string|null, errors: string[]}} ImportRow */
/** @typedef {{created: number, updated: number, skipped: number, rows: ImportRow[]}} ImportReport  with dryRun, what the import would do (nothing is written) */
/** @typedef {{id: string, subject: string|null, channel: string, status: "open"|"pending"|"resolved", contact: Contact, assigneeId: string|null, participantIds: string[], lastMessage: Message|null, lastActivityAt: string, createdAt: string, unreadCount?: number, muted?: boolean}} Conversation */
/** @typedef {{conversationId: string, userId: string, lastReadMessageId: string|null, lastReadAt: string|null, unreadCount: number}} Receipt */
/** @typedef {{total: number, conversations: {conversationId: string, unreadCount: number, muted: boolean}[]}} Unread */
/** @typedef {{message: Message, rank: number, highlight: string}} SearchHit  `highlight` is HTML-escaped with <mark> around matches */
/** @typedef {"relevance"|"recent"} SearchSort */
/** @typedef {{sort?: SearchSort, conversationId?: string, from?: string, to?: string, limit?: number, cursor?: string}} SearchOptions */
/** @typedef {SearchOptions & {q: string}} SearchQuery */
/** @typedef {{userId: string, name: string, status: PresenceStatus, lastSeenAt: string|null, viewingConversationId: string|null}} Presence */
/** @typedef {"online"|"away"|"busy"|"offline"} PresenceStatus */
/** @typedef {"received"|"diagnostic"|"in_progress"|"waiting_parts"|"completed"|"archived"} TicketStatus */
/** @typedef {{id: string, title: string, description: string|null, status: TicketStatus, priority: "low"|"medium"|"high"|"critical", machineId: string|null, assigneeId: string|null, scheduledAt: string|null, overdue: boolean, nextStatuses: TicketStatus[], createdAt: string, updatedAt: string}} Ticket  `nextStatuses`: what changeTicketStatus accepts from the current status */
/** @typedef {{title: string, description?: string|null, machineId?: string|null, priority?: "low"|"medium"|"high"|"critical", scheduledAt?: string|null, assigneeId?: string|null}} NewTicket */
/** @typedef {{from: TicketStatus|null, to: TicketStatus, note: string|null, byUserId: string|null, at: string}} TicketHistoryEntry */
/** @typedef {{id: string, name: string, location: string|null, serialNumber: string|null, createdAt: string}} Machine */
/** @typedef {{name: string, location?: string|null, serialNumber?: string|null}} NewMachine */
/** @typedef {{id: string, name: string, prefix: string, createdAt: string, key?: string}} ApiKey  `key` only in the answer to createApiKey */
/** @typedef {"ticket.overdue"|"contact.created"|"contact.updated"|"lead.status_changed"} WebhookEventType */
/** @typedef {{id: string, url: string, events: WebhookEventType[], enabled?: boolean, secret?: string, createdAt: string}} WebhookEndpoint  `secret` only in the answer to createWebhookEndpoint */
/** @typedef {{statusCode: number|null, error: string|null, durationMs: number}} WebhookTestResult */
/** @typedef {{id: string, eventType?: string, ticketId: string|null, contactId?: string|null, endpointId: string, eventId: string, attempt: number, statusCode: number|null, error: string|null, durationMs: number, sentAt: string}} WebhookNotification */
/** @typedef {{id: string, name: string, defaultPhoneRegion: string|null, createdAt: string}} Account */
/** @typedef {{idempotencyKey?: string}} CreateOptions  `idempotencyKey`: the same key for a retried (or double-clicked) create makes one resource */
/** @template T @typedef {{items: T[], nextCursor: string|null}} Page */
/** @typedef {{type: string, title: string, status: number, detail?: string, errors?: Record<string, string[]>}} Problem */

// Server → client frames (API.md, "Realtime").
/** @typedef {{type: "hello", connectionId: string, userId: string, heartbeatSeconds: number, serverTime: string}} HelloFrame */
/** @typedef {{type: "subscribed"|"unsubscribed", conversationId: string, ref?: string}} SubscriptionFrame */
/** @typedef {{type: "message.created", conversationId: string, message: Message, catchUp?: true}} MessageCreatedFrame  `catchUp` marks a message fetched with ?after= after a reconnect */
/** @typedef {{type: "conversation.updated", conversation: Conversation}} ConversationUpdatedFrame */
/** @typedef {{type: "read.updated", receipt: Receipt}} ReadUpdatedFrame */
/** @typedef {{type: "unread.updated", conversationId: string, unreadCount: number, total: number}} UnreadUpdatedFrame */
/** @typedef {{type: "typing", conversationId: string, userId: string, name: string, state: "start"|"stop"}} TypingFrame */
/** @typedef {{type: "presence", userId: string, status: PresenceStatus, lastSeenAt: string|null}} PresenceFrame */
/** @typedef {{type: "viewing", conversationId: string, userIds: string[]}} ViewingFrame */
/** @typedef {{type: "pong", ref?: string}} PongFrame */
/** @typedef {{type: "error", code: string, message: string, ref?: string}} ErrorFrame */
/** @typedef {{type: "resync", reason: string}} ResyncFrame  the server may have missed sending events; the client catches up by itself (see `resynced`) */
/** @typedef {{type: "ticket.updated", ticket: Ticket}} TicketUpdatedFrame  to every connection of the account: a ticket opened, edited or moved */
/** @typedef {{type: "contact.updated", contact: ContactRecord}} ContactUpdatedFrame  **(v2)** to every connection of the account: a contact or its lead fields changed */
/** @typedef {HelloFrame|SubscriptionFrame|MessageCreatedFrame|ConversationUpdatedFrame|ReadUpdatedFrame|UnreadUpdatedFrame|TypingFrame|PresenceFrame|ViewingFrame|PongFrame|ErrorFrame|ResyncFrame|TicketUpdatedFrame|ContactUpdatedFrame} ServerFrame */
// Client → server frames.
/** @typedef {{type: "subscribe"|"unsubscribe", conversationId: string, ref?: string}|{type: "typing", conversationId: string, state: "start"|"stop"}|{type: "presence", status: "online"|"away"|"busy"}|{type: "view", conversationId: string|null}|{type: "read", conversationId: string, messageId?: string}|{type: "ping", ref?: string}} ClientFrame */
// Events of the client itself, besides every server frame type above.
/** @typedef {{type: "connected", hello: HelloFrame, reconnected: boolean}} ConnectedEvent  after `hello`; `reconnected` after a drop */
/** @typedef {{type: "caughtUp", conversationId: string}} CaughtUpEvent  after a reconnect, once a conversation's missed messages are all emitted */
/** @typedef {{type: "disconnected", code: number, reason: string, retryInMs: number|null, attempt: number}} DisconnectedEvent  `retryInMs` null: no more tries */
/** @typedef {{type: "session", session: Session|null}} SessionEvent  tokens changed (store them) or ended (null) */
/** @typedef {{type: "resynced", reason: string, unread: Unread|null, presence: Presence[]|null}} ResyncedEvent  after a `resync` frame: every subscription caught up (`caughtUp` each), then fresh counts and presence (null when that request failed) */

/**
 * @typedef {{baseUrl?: string, WebSocket?: typeof WebSocket, fetch?: typeof fetch, backoffMs?: number, maxBackoffMs?: number,
 *   refreshMarginMs?: number, typingIntervalMs?: number, typingIdleMs?: number, connectTimeoutMs?: number,
 *   resyncJitterMs?: number}} ClientOptions
 * baseUrl defaults to the page's origin; WebSocket and fetch to the globals; the rest (ms) to the constructor's values.
 */

/** An HTTP answer that was not 2xx: `status` and the RFC 9457 `problem` body. */
export class InboxError extends Error {
  /** @param {number} status @param {Problem|null} problem */
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.name = "InboxError";
    this.status = status;
    this.problem = problem;
  }
}

export class InboxClient extends EventTarget {
  /** @type {Session|null} */ #session = null;
  /** @type {Promise<Session>|null} */ #refreshing = null;
  #refreshTimer = 0;
  /** @type {WebSocket|null} */ #ws = null;
  #wanted = false;       // the socket should be up (connect() called, close() not)
  #attempt = 0;          // failed connection tries since the last hello
  #everConnected = false;
  #retryTimer = 0; #helloTimer = 0; #heartbeatTimer = 0; #lastFrameAt = 0; #ref = 0;
  /** @type {Map<string, {resolve: Function, reject: Function}>} */ #pending = new Map();
  /** Subscribed conversations → id of the newest message seen (null: none yet), for catch-up with ?after=. */
  /** @type {Map<string, string|null>} */ #subs = new Map();
  /** @type {string|null} */ #viewing = null;
  /** @type {string|null} */ #status = null;
  /** @type {Map<string, {lastStartAt: number, idle: any}>} */ #typing = new Map();
  /** Ids of the last messages emitted, so a message both caught up and delivered live is emitted once. */
  #recent = new Set();
  /** A resync is running; `#resyncAgain` holds the reason of one that arrived meanwhile (run once more after). */
  #resyncing = false;
  /** @type {string|null} */ #resyncAgain = null;

  /** @param {ClientOptions} [options] */
  constructor(options = {}) {
    super();
    this.baseUrl = (options.baseUrl ?? globalThis.location?.origin ?? "").replace(/\/$/, "");
    this.WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.options = { backoffMs: 500, maxBackoffMs: 30000, refreshMarginMs: 60000, typingIntervalMs: 3000, typingIdleMs: 4000, connectTimeoutMs: 10000, resyncJitterMs: 1000, ...options };
  }

  /** Listens to a server frame type ("message.created", "typing", …) or a client event ("connected", "disconnected", "session"); returns the unsubscribe function. */
  on(type, fn) {
    const listener = (/** @type {CustomEvent} */ e) => fn(e.detail);
    this.addEventListener(type, listener);
    return () => this.removeEventListener(type, listener);
  }

  #emit(detail) { this.dispatchEvent(new CustomEvent(detail.type, { detail })); }

  // ---- session and tokens ----

  /** @returns {Session|null} */ get session() { return this.#session; }
  /** @returns {User|null} */ get user() { return this.#session?.user ?? null; }

  /** Signs in; the access token is then refreshed automatically before it expires. @returns {Promise<Session>} */
  async login(email, password) { return this.#setSession(await this.#call("POST", "/api/auth/login", { email, password }, false)); }

  /** Resumes a stored session (e.g. from sessionStorage), refreshing it if the access token is about to expire. */
  async restore(/** @type {Session} */ session) {
    this.#setSession(session);
    await this.#freshToken();
    return this.#session;
  }

  async logout() {
    const session = this.#session;
    this.close();
    if (session) await this.#call("POST", "/api/auth/logout", { refreshToken: session.refreshToken }).catch(() => {});
    this.#setSession(null);
  }

  /**
   * Exchanges the refresh token for a new pair. A refresh token works once, and presenting a spent one ends the
   * whole session, so concurrent callers share one request instead of each spending the same token.
   */
  refresh() {
    this.#refreshing ??= (async () => {
      try {
        const pair = await this.#call("POST", "/api/auth/refresh", { refreshToken: this.#session?.refreshToken }, false);
        return this.#setSession({ ...pair, user: this.#session?.user });
      } catch (e) {
        if (e instanceof InboxError && e.status === 401) { this.#setSession(null); this.close(); }
        throw e;
      } finally { this.#refreshing = null; }
    })();
    return this.#refreshing;
  }

  #setSession(session) {
    this.#session = session;
    clearTimeout(this.#refreshTimer);
    if (session) {
      // Refresh a margin before expiry (at most half the token's remaining life), so requests and socket
      // upgrades never carry an expired token. A failed refresh is retried by the next request that needs it.
      const left = Date.parse(session.expiresAt) - Date.now();
      const wait = Math.max(0, left - Math.min(this.options.refreshMarginMs, left / 2));
      this.#refreshTimer = setTimeout(() => this.refresh().catch(() => {}), Math.min(wait, 2 ** 31 - 1));
      this.#refreshTimer.unref?.(); // in Node, a pending refresh alone does not keep the process alive
    }
    this.#emit({ type: "session", session });
    return session;
  }

  async #freshToken() {
    if (!this.#session) throw new InboxError(401, { type: "about:blank", title: "Unauthorized", status: 401, detail: "Sign in first." });
    if (Date.parse(this.#session.expiresAt) - Date.now() < 5000) await this.refresh();
    return this.#session.accessToken;
  }

  // ---- HTTP ----

  /**
   * One API call with the bearer token; a 401 triggers one refresh and one retry. Non-2xx throws InboxError.
   * @param {{headers?: Record<string, string>}} [options] extra request headers (e.g. Idempotency-Key)
   */
  async request(method, path, body, options) { return this.#call(method, path, body, true, false, options?.headers); }

  async #call(method, path, body, authorized, retried = false, extraHeaders = undefined, asText = false) {
    // A body given with its own content-type (a CSV import) is sent as it is; any other body as JSON.
    const raw = extraHeaders?.["content-type"] !== undefined;
    const headers = { accept: asText ? "*/*" : "application/json", ...extraHeaders };
    if (body !== undefined && !raw) headers["content-type"] = "application/json";
    if (authorized) headers.authorization = `Bearer ${await this.#freshToken()}`;
    const res = await this.fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : raw ? body : JSON.stringify(body) });
    if (res.status === 401 && authorized && !retried && this.#session) {
      await this.refresh();
      return this.#call(method, path, body, authorized, true, extraHeaders, asText);
    }
    const text = await res.text();
    if (asText && res.ok) return text;
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = { type: "about:blank", title: res.statusText, status: res.status, detail: text.slice(0, 200) }; }
    if (!res.ok) throw new InboxError(res.status, json);
    return json;
  }

  /** @returns {Promise<User>} */ me() { return this.request("GET", "/api/me"); }
  /** @returns {Promise<User[]>} */ users() { return this.request("GET", "/api/users"); }
  /** @returns {Promise<Presence[]>} */ presence() { return this.request("GET", "/api/presence"); }
  /** @param {{status?: string, assigneeId?: string, limit?: number, cursor?: string}} [q] @returns {Promise<Page<Conversation>>} */
  conversations(q) { return this.request("GET", "/api/conversations" + query(q)); }
  /** @returns {Promise<Conversation>} */ conversation(id) { return this.request("GET", `/api/conversations/${id}`); }
  /** @param {{subject?: string, channel?: string, contact: Partial<Contact>, assigneeId?: string, participantIds?: string[]}} body @returns {Promise<Conversation>} */
  startConversation(body) { return this.request("POST", "/api/conversations", body); }
  /** @param {{subject?: string, status?: string, assigneeId?: string}} changes @returns {Promise<Conversation>} */
  updateConversation(id, changes) { return this.request("PATCH", `/api/conversations/${id}`, changes); }
  /** Newest first; `{after}` gives the messages after that one, oldest first. @param {{limit?: number, cursor?: string, after?: string}} [q] @returns {Promise<Page<Message>>} */
  messages(conversationId, q) { return this.request("GET", `/api/conversations/${conversationId}/messages` + query(q)); }
  /** @returns {Promise<Receipt>} */ markRead(conversationId, messageId) { return this.request("POST", `/api/conversations/${conversationId}/read`, messageId ? { messageId } : {}); }
  /** @returns {Promise<Receipt[]>} */ receipts(conversationId) { return this.request("GET", `/api/conversations/${conversationId}/receipts`); }
  /** @returns {Promise<Unread>} */ unread() { return this.request("GET", "/api/unread"); }
  mute(conversationId, muted) { return this.request("PUT", `/api/conversations/${conversationId}/mute`, { muted }); }
  /**
   * Full-text search: `search("facture")`, `search("facture", { sort: "recent", limit: 30 })`, or one object
   * `search({ q: "facture", sort: "recent" })`. `sort` is "relevance" (default: the 2,000 newest matches best first,
   * then the next 2,000…) or "recent" (newest first); a `cursor` pages only the sort it came from.
   * @param {string | SearchQuery} q the words, or the whole query
   * @param {SearchOptions} [options] merged over `q` when both are given
   * @returns {Promise<Page<SearchHit>>}
   */
  search(q, options) {
    return this.request("GET", "/api/search/messages" + query({ ...(typeof q === "string" ? { q } : q), ...options }));
  }
  /** @param {{status?: string, assigneeId?: string, machineId?: string, overdue?: boolean, limit?: number, cursor?: string}} [q] @returns {Promise<Page<Ticket>>} */
  tickets(q) { return this.request("GET", "/api/tickets" + query(q)); }
  /** @returns {Promise<Machine[]>} */ machines() { return this.request("GET", "/api/machines"); }
  /** Moves a ticket to one of its `nextStatuses` (409 otherwise). @param {TicketStatus} status @param {string} [note] @returns {Promise<Ticket>} */
  changeTicketStatus(id, status, note) { return this.request("POST", `/api/tickets/${id}/status`, { status, note }); }
  /** @returns {Promise<Ticket>} */ ticket(id) { return this.request("GET", `/api/tickets/${id}`); }
  /** Opens a ticket in `received`. @param {NewTicket} body @param {CreateOptions} [options] @returns {Promise<Ticket>} */
  openTicket(body, options) { return this.request("POST", "/api/tickets", body, idempotent(options)); }
  /** Absent fields stay, `null` clears (not title or priority). @param {Partial<NewTicket>} changes @returns {Promise<Ticket>} */
  updateTicket(id, changes) { return this.request("PATCH", `/api/tickets/${id}`, changes); }
  /** Oldest first, from the creation (`from: null`). @returns {Promise<TicketHistoryEntry[]>} */
  ticketHistory(id) { return this.request("GET", `/api/tickets/${id}/history`); }
  /** @param {NewMachine} body @param {CreateOptions} [options] @returns {Promise<Machine>} */
  createMachine(body, options) { return this.request("POST", "/api/machines", body, idempotent(options)); }
  /** Absent fields stay, `null` clears location and serialNumber. @param {Partial<NewMachine>} changes @returns {Promise<Machine>} */
  updateMachine(id, changes) { return this.request("PATCH", `/api/machines/${id}`, changes); }

  // Administration (admins only; the service answers 403 to agents).
  /** Invites a user with a first password. @param {{name: string, email: string, password: string, role: "admin"|"agent"}} body @returns {Promise<User>} */
  createUser(body) { return this.request("POST", "/api/users", body); }
  /** Renames, changes the role, deactivates (`active: false`, ends their sessions at once) or reactivates; 409 when it would leave no active admin. @param {{name?: string, role?: "admin"|"agent", active?: boolean}} changes @returns {Promise<User>} */
  updateUser(id, changes) { return this.request("PATCH", `/api/users/${id}`, changes); }
  /** @param {{name?: string, defaultPhoneRegion?: string|null}} changes @returns {Promise<Account>} */
  updateAccount(changes) { return this.request("PATCH", "/api/account", changes); }
  /** @returns {Promise<ApiKey[]>} */ apiKeys() { return this.request("GET", "/api/api-keys"); }
  /** The answer's `key` is shown only this once. @returns {Promise<ApiKey>} */ createApiKey(name) { return this.request("POST", "/api/api-keys", { name }); }
  /** The key stops working at once. */ revokeApiKey(id) { return this.request("DELETE", `/api/api-keys/${id}`); }
  /** @returns {Promise<WebhookEndpoint[]>} */ webhookEndpoints() { return this.request("GET", "/api/webhooks/endpoints"); }
  /** The answer's `secret` is shown only this once. @param {{url: string, events: WebhookEventType[]}} body @returns {Promise<WebhookEndpoint>} */
  createWebhookEndpoint(body) { return this.request("POST", "/api/webhooks/endpoints", body); }
  /** @param {{url?: string, events?: WebhookEventType[], enabled?: boolean}} changes @returns {Promise<WebhookEndpoint>} */
  updateWebhookEndpoint(id, changes) { return this.request("PATCH", `/api/webhooks/endpoints/${id}`, changes); }
  deleteWebhookEndpoint(id) { return this.request("DELETE", `/api/webhooks/endpoints/${id}`); }
  /** Posts a signed `webhook.test` now and answers how it went. @returns {Promise<WebhookTestResult>} */
  testWebhookEndpoint(id) { return this.request("POST", `/api/webhooks/endpoints/${id}/test`); }
  /** The delivery log, newest first. @param {{ticketId?: string, contactId?: string, endpointId?: string, eventType?: string, limit?: number, cursor?: string}} [q] @returns {Promise<Page<WebhookNotification>>} */
  webhookNotifications(q) { return this.request("GET", "/api/webhooks/notifications" + query(q)); }
  /** Re-sends that event under its original `webhook-id` (202). */ replayNotification(id) { return this.request("POST", `/api/webhooks/notifications/${id}/replay`); }

  // Contacts and leads (v2). Live changes arrive as `contact.updated`: client.on("contact.updated", ({contact}) => …).
  /** Latest interaction first. @param {ContactQuery} [q] @returns {Promise<Page<ContactRecord>>} */
  contacts(q) { return this.request("GET", "/api/contacts" + query(q)); }
  /** @returns {Promise<ContactRecord>} */ contact(id) { return this.request("GET", `/api/contacts/${id}`); }
  /** A 409 when the email, phone or externalId belongs to another contact (`problem.existingContactId`). @param {NewContact} body @param {CreateOptions} [options] @returns {Promise<ContactRecord>} */
  createContact(body, options) { return this.request("POST", "/api/contacts", body, idempotent(options)); }
  /** Absent fields stay, `null` clears; not `leadStatus` (see changeLeadStatus). @param {Omit<NewContact, "leadStatus">} changes @returns {Promise<ContactRecord>} */
  updateContact(id, changes) { return this.request("PATCH", `/api/contacts/${id}`, changes); }
  /** Admins only. Its conversations keep their contact fields, with `id: null`. */
  deleteContact(id) { return this.request("DELETE", `/api/contacts/${id}`); }
  /** Moves a lead to one of `nextLeadStatuses(current)` (409 naming the allowed ones otherwise). @param {LeadStatus} status @param {string} [note] @returns {Promise<ContactRecord>} */
  changeLeadStatus(id, status, note) { return this.request("POST", `/api/contacts/${id}/lead-status`, { status, note }); }
  /** Lead status changes, oldest first. @returns {Promise<LeadHistoryEntry[]>} */
  contactHistory(id) { return this.request("GET", `/api/contacts/${id}/history`); }
  /** @param {{limit?: number, cursor?: string}} [q] @returns {Promise<Page<Conversation>>} */
  contactConversations(id, q) { return this.request("GET", `/api/contacts/${id}/conversations` + query(q)); }
  /** Admins only: `duplicateId`'s conversations and history move to `id`, which fills its empty fields from it; the duplicate is deleted. @returns {Promise<ContactRecord>} */
  mergeContacts(id, duplicateId) { return this.request("POST", `/api/contacts/${id}/merge`, { duplicateId }); }
  /**
   * Admins only: imports a CSV (a string, Blob or File, sent as it is: the service reads it as a stream). With
   * `dryRun` nothing is written and the report says what would happen, row by row.
   * @param {string|Blob} csv @param {{dryRun?: boolean}} [options] @returns {Promise<ImportReport>}
   */
  importContacts(csv, options = {}) {
    return this.#call("POST", "/api/contacts/import" + query({ dryRun: options.dryRun ? true : undefined }), csv, true, false, { "content-type": "text/csv" });
  }
  /** The export's address (admins only; it needs the bearer token, so fetch it with exportContacts). */
  get contactsExportUrl() { return `${this.baseUrl}/api/contacts/export`; }
  /** Admins only: every contact as CSV, the import's columns. @returns {Promise<string>} */
  exportContacts() { return this.#call("GET", "/api/contacts/export", undefined, true, false, { accept: "text/csv" }, true); }

  /** Sends a message (and ends this user's typing in that conversation). @returns {Promise<Message>} */
  async sendMessage(conversationId, body) {
    this.stopTyping(conversationId);
    const message = await this.request("POST", `/api/conversations/${conversationId}/messages`, { body });
    this.#seen(conversationId, message.id);
    return message;
  }

  // ---- WebSocket ----

  /** @returns {boolean} whether the socket is open and greeted */ get connected() { return this.#heartbeatTimer !== 0; }

  /** Opens the socket and keeps it open (reconnecting) until close(). */
  connect() {
    this.#wanted = true;
    if (!this.#ws && !this.#retryTimer) this.#open();
  }

  /** Closes the socket for good (no reconnect). Subscriptions are kept for a later connect(). */
  close() {
    this.#wanted = false;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = 0;
    this.#ws?.close(1000);
    this.#dropped(1000, "closed by the client");
  }

  async #open() {
    let token;
    try { token = await this.#freshToken(); } catch (e) { return this.#dropped(4001, String(e.message), e); }
    if (!this.#wanted || this.#ws) return; // closed, or opened by a concurrent connect() meanwhile
    const url = `${this.baseUrl.replace(/^http/, "ws")}/ws?access_token=${encodeURIComponent(token)}`;
    const ws = new this.WebSocket(url);
    this.#ws = ws;
    // Every handler first checks that `ws` is still the current socket: a dropped one may still fire late events.
    ws.onmessage = (e) => ws === this.#ws && this.#receive(JSON.parse(String(e.data)));
    ws.onclose = (e) => ws === this.#ws && this.#dropped(e.code, e.reason);
    // Browsers follow an error with a close; Node 20's WebSocket may fire only the error, or nothing at all when
    // the handshake is cut. So an error counts as the drop, and a socket without hello in time is abandoned.
    ws.onerror = () => this.#abandon(ws, "connection failed");
    this.#helloTimer = setTimeout(() => this.#abandon(ws, "no hello in time"), this.options.connectTimeoutMs);
  }

  /** Gives up on `ws` if it is still the current socket: counts as a drop (1006), then closes it. */
  #abandon(ws, reason) {
    if (ws !== this.#ws) return;
    this.#dropped(1006, reason);
    try { ws.close(); } catch { /* already closing */ }
  }

  /** @param {ServerFrame} frame */
  #receive(frame) {
    this.#lastFrameAt = Date.now();
    if (frame.type === "hello") return this.#greeted(frame);
    if (frame.type === "resync") this.#resync(frame.reason);
    if (frame.type === "message.created" && !this.#fresh(frame.conversationId, frame.message)) return;
    const waiter = "ref" in frame && frame.ref ? this.#pending.get(frame.ref) : undefined;
    if (waiter) {
      this.#pending.delete(frame.ref);
      frame.type === "error" ? waiter.reject(Object.assign(new Error(frame.message), { code: frame.code })) : waiter.resolve(frame);
    }
    if (frame.type !== "pong") this.#emit(frame);
  }

  /** @param {HelloFrame} hello */
  #greeted(hello) {
    clearTimeout(this.#helloTimer);
    const reconnected = this.#everConnected;
    this.#everConnected = true;
    this.#attempt = 0;
    // Heartbeat: a ping every heartbeatSeconds keeps the server from dropping us; hearing nothing at all for
    // twice that means the connection is dead without a close (sleeping laptop, lost Wi-Fi): drop and reconnect.
    const every = hello.heartbeatSeconds * 1000;
    this.#heartbeatTimer = setInterval(() => {
      if (Date.now() - this.#lastFrameAt > 2 * every) return this.#abandon(this.#ws, "heartbeat timeout");
      this.#send({ type: "ping" });
    }, every);
    // Restore what the server forgot with the old connection; `connected` fires once every subscription is
    // back, then each conversation catches up on what was missed meanwhile.
    if (this.#status) this.#send({ type: "presence", status: this.#status });
    if (this.#viewing) this.#send({ type: "view", conversationId: this.#viewing });
    const subs = [...this.#subs];
    const answers = subs.map(([conversationId]) => this.#ask({ type: "subscribe", conversationId }).then(() => true, () => false));
    Promise.all(answers).then((ok) => {
      if (!this.connected) return;
      this.#emit({ type: "connected", hello, reconnected });
      if (reconnected) this.#catchUpAll(subs.filter((_, i) => ok[i]));
    });
  }

  /**
   * Catches up each of `subs` ([conversationId, newest message id seen]) and emits `caughtUp` for each once its
   * missed messages are all emitted; resolves when all are done (a failed one is skipped, never thrown).
   */
  #catchUpAll(subs) {
    return Promise.all(subs.map(([id, lastId]) =>
      this.#catchUp(id, lastId).then(() => this.#emit({ type: "caughtUp", conversationId: id }), () => {})));
  }

  /**
   * The server says this connection may have missed events (`resync`, e.g. its instance lost the link to the
   * others for a moment) while the socket itself stayed up: catch up every subscription the same way as after a
   * reconnect, then refresh unread counts and presence, and emit `resynced` with them. After a random pause of up
   * to resyncJitterMs, since every connection of that instance is told at once. One at a time: a `resync` that
   * arrives meanwhile runs once more after it.
   */
  async #resync(reason) {
    if (this.#resyncing) { this.#resyncAgain = reason; return; }
    this.#resyncing = true;
    try {
      for (let next = reason; next !== null; next = this.#resyncAgain) {
        this.#resyncAgain = null;
        if (this.options.resyncJitterMs > 0) await new Promise((r) => setTimeout(r, Math.random() * this.options.resyncJitterMs));
        await this.#catchUpAll([...this.#subs]);
        const [unread, presence] = await Promise.all([this.unread().catch(() => null), this.presence().catch(() => null)]);
        this.#emit({ type: "resynced", reason: next, unread, presence });
      }
    } finally {
      this.#resyncing = false;
    }
  }

  /** Emits the messages after `lastId` as `message.created` frames marked `catchUp`, page by page, oldest first. */
  async #catchUp(conversationId, lastId) {
    let page = lastId
      ? await this.messages(conversationId, { after: lastId, limit: 100 })
      : { items: (await this.messages(conversationId, { limit: 100 })).items.reverse(), nextCursor: null };
    for (;;) {
      for (const message of page.items) {
        if (!this.#subs.has(conversationId)) return;
        if (this.#fresh(conversationId, message)) this.#emit({ type: "message.created", conversationId, message, catchUp: true });
      }
      if (!page.nextCursor) return;
      page = await this.messages(conversationId, { cursor: page.nextCursor, limit: 100 });
    }
  }

  #dropped(code, reason, error) {
    const wasOpen = this.#ws !== null || this.#heartbeatTimer !== 0;
    this.#ws = null;
    clearTimeout(this.#helloTimer);
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = 0;
    for (const waiter of this.#pending.values()) waiter.reject(new Error("the connection closed"));
    this.#pending.clear();
    if (!this.#wanted || !this.#session) {
      if (wasOpen) this.#emit({ type: "disconnected", code, reason, retryInMs: null, attempt: this.#attempt });
      return;
    }
    // Exponential backoff with jitter: base × 2^attempt capped at maxBackoffMs, then a random point in its
    // upper half, so a restarted server is not hit by every client at the same instant.
    const ceiling = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** this.#attempt);
    const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    this.#attempt++;
    this.#emit({ type: "disconnected", code, reason, retryInMs: delay, attempt: this.#attempt, error });
    // The browser hides why an upgrade failed (a 401 looks like any drop), hence the refresh after a few tries.
    // 1008 is "session ended" (or a slow reader): get a new token first; a 401 there signs out and stops here.
    const before = code === 1008 || this.#attempt > 3 ? () => this.refresh() : async () => {};
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = 0;
      before().then(() => this.#wanted && this.#open(), (e) => this.#dropped(4001, String(e.message), e));
    }, delay);
  }

  #send(/** @type {ClientFrame} */ frame) {
    if (this.#ws?.readyState !== 1 || !this.connected) return false;
    this.#ws.send(JSON.stringify(frame));
    return true;
  }

  /** Sends a frame with a `ref` and resolves with the answer that echoes it (rejects on an `error` frame). */
  #ask(frame) {
    const ref = `r${++this.#ref}`;
    return new Promise((resolve, reject) => {
      if (!this.#send({ ...frame, ref })) return reject(new Error("not connected"));
      this.#pending.set(ref, { resolve, reject });
    });
  }

  /** Notes a message as seen; false if it was already emitted (live and caught up at once, a rare race). */
  #fresh(conversationId, message) {
    if (this.#recent.has(message.id)) return false;
    this.#recent.add(message.id);
    if (this.#recent.size > 1000) this.#recent.delete(this.#recent.values().next().value);
    this.#seen(conversationId, message.id);
    return true;
  }

  #seen(conversationId, messageId) { if (this.#subs.has(conversationId)) this.#subs.set(conversationId, messageId); }

  /**
   * Receives a conversation's events, now and after every reconnect. `lastMessageId` (the newest message the
   * caller already has) is where catch-up starts after a reconnect. Resolves once subscribed, or at once when
   * offline (the subscription is made on connect).
   */
  async subscribe(conversationId, lastMessageId = null) {
    if (!this.#subs.has(conversationId) || lastMessageId) this.#subs.set(conversationId, lastMessageId);
    if (this.connected) await this.#ask({ type: "subscribe", conversationId });
  }

  async unsubscribe(conversationId) {
    this.#subs.delete(conversationId);
    if (this.connected) await this.#ask({ type: "unsubscribe", conversationId }).catch(() => {});
  }

  /** Which conversation this window shows (null: none); kept across reconnects. */
  view(conversationId) { this.#viewing = conversationId; this.#send({ type: "view", conversationId }); }

  /** @param {"online"|"away"|"busy"} status kept across reconnects */
  setPresence(status) { this.#status = status; this.#send({ type: "presence", status }); }

  /** Marks read over the socket (the answer is the `read.updated` broadcast); falls back to HTTP when offline. */
  read(conversationId, messageId) {
    if (!this.#send({ type: "read", conversationId, ...(messageId ? { messageId } : {}) })) return this.markRead(conversationId, messageId);
  }

  /**
   * Call on every keystroke. Typing is throttled: one `start` per typingIntervalMs while keys keep coming (the
   * server expires a `start` after 6 s, so 3 s keeps it alive), and one `stop` once no key came for
   * typingIdleMs, or at once on stopTyping()/sendMessage().
   */
  typing(conversationId) {
    const now = Date.now();
    const state = this.#typing.get(conversationId) ?? { lastStartAt: 0, idle: 0 };
    if (now - state.lastStartAt >= this.options.typingIntervalMs) {
      state.lastStartAt = now;
      this.#send({ type: "typing", conversationId, state: "start" });
    }
    clearTimeout(state.idle);
    state.idle = setTimeout(() => this.stopTyping(conversationId), this.options.typingIdleMs);
    this.#typing.set(conversationId, state);
  }

  stopTyping(conversationId) {
    const state = this.#typing.get(conversationId);
    if (!state) return;
    clearTimeout(state.idle);
    this.#typing.delete(conversationId);
    this.#send({ type: "typing", conversationId, state: "stop" });
  }
}

/** The lead workflow (API.md): `new → contacted → qualified → won | lost`, and back to `new` from any other. */
export const LEAD_STATUSES = /** @type {LeadStatus[]} */ (["new", "contacted", "qualified", "won", "lost"]);
const LEAD_NEXT = { new: ["contacted"], contacted: ["new", "qualified"], qualified: ["new", "won", "lost"], won: ["new"], lost: ["new"] };
/** The statuses changeLeadStatus accepts from `status`. @param {LeadStatus} status @returns {LeadStatus[]} */
export function nextLeadStatuses(status) { return LEAD_NEXT[status] ?? []; }

/** The request options of a create: an Idempotency-Key header when one is given. */
function idempotent(options) {
  return options?.idempotencyKey ? { headers: { "idempotency-key": options.idempotencyKey } } : undefined;
}

/** `?a=1&b=2` from the defined values of an object. */
function query(params = {}) {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "");
  return entries.length ? "?" + new URLSearchParams(entries.map(([k, v]) => [k, String(v)])) : "";
}
