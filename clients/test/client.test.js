// The client's socket logic against the real service: reconnect with backoff, re-subscribe, catch-up with
// ?after=, typing throttle; and the HTTP methods the page's tickets, machines and administration use. A TCP proxy between client and service plays the network: it can cut every
// connection and refuse new ones, while the test keeps talking to the service directly.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, connect } from "node:net";
import { createServer as createHttpServer } from "node:http";
import { startService, seedTeam, api } from "./service.js";
import { InboxClient } from "../../wwwroot/inbox-client.js";

let service, team, proxy;
const clients = [];

before(async () => {
  // Loopback webhook receivers are allowed here, as in the service's own tests (API.md configuration).
  service = await startService({ Realtime__HeartbeatSeconds: "5", Webhooks__AllowPrivateNetworks: "true" });
  team = await seedTeam(service.url);
  proxy = await startProxy(Number(new URL(service.url).port));
});

after(async () => {
  for (const c of clients) c.close();
  await proxy?.close();
  await service?.stop();
});

/** A client for a seeded agent, through the proxy, with short backoff so the tests run quickly. */
async function clientFor(user, options = {}) {
  const client = new InboxClient({ baseUrl: proxy.url, backoffMs: 100, maxBackoffMs: 800, connectTimeoutMs: 1000, ...options });
  clients.push(client);
  await client.login(user.email, user.password);
  return client;
}

/** Resolves with the first event of `type` that `match` accepts (no timers: the test runner's timeout bounds it). */
function next(client, type, match = () => true) {
  return new Promise((resolve) => {
    const off = client.on(type, (e) => { if (match(e)) { off(); resolve(e); } });
  });
}

async function connected(client) {
  const ready = next(client, "connected");
  client.connect();
  return ready;
}

test("reconnects with exponential backoff and jitter while the service is unreachable", async () => {
  const client = await clientFor(team.b);
  const first = await connected(client);
  assert.equal(first.reconnected, false);

  const delays = [];
  const fiveTries = new Promise((resolve) => {
    const off = client.on("disconnected", (e) => {
      delays.push(e.retryInMs);
      if (delays.length === 5) { off(); resolve(); }
    });
  });
  proxy.refuse();
  proxy.cut();
  await fiveTries;

  // Try n waits a random time in the upper half of min(800, 100 × 2^(n-1)) ms.
  delays.forEach((delay, i) => {
    const ceiling = Math.min(800, 100 * 2 ** i);
    assert.ok(delay >= ceiling / 2 && delay <= ceiling, `try ${i + 1} waited ${delay} ms, expected ${ceiling / 2}..${ceiling}`);
  });

  const back = next(client, "connected");
  proxy.accept();
  const again = await back;
  assert.equal(again.reconnected, true);
  assert.notEqual(again.hello.connectionId, first.hello.connectionId);

  // After a hello the backoff starts over.
  const retry = next(client, "disconnected");
  proxy.cut();
  assert.ok((await retry).retryInMs <= 100);
  await next(client, "connected");
  client.close();
});

test("re-subscribes after a reconnect: live messages and typing arrive again", async () => {
  const b = await clientFor(team.b);
  await connected(b);
  await b.subscribe(team.conversation.id, team.conversation.lastMessage?.id ?? null);

  const back = next(b, "connected");
  proxy.cut();
  // `connected` fires once the client has re-sent `subscribe` and the server has answered it.
  const resubscribed = next(b, "subscribed", (f) => f.conversationId === team.conversation.id);
  // Then it fetches what it missed; a message posted before that is done may come back as catch-up instead.
  const caughtUp = next(b, "caughtUp", (f) => f.conversationId === team.conversation.id);
  await back;
  await resubscribed;
  await caughtUp;

  const live = next(b, "message.created", (f) => f.message.body === "Le technicien passe demain à 9 h.");
  await api(service.url, "POST", `/api/conversations/${team.conversation.id}/messages`, { body: "Le technicien passe demain à 9 h." }, team.a.token);
  const frame = await live;
  assert.equal(frame.conversationId, team.conversation.id);
  assert.equal(frame.catchUp, undefined);

  const a = await clientFor(team.a);
  await connected(a);
  await a.subscribe(team.conversation.id);
  const typing = next(b, "typing", (f) => f.state === "start");
  a.typing(team.conversation.id);
  const started = await typing;
  assert.equal(started.userId, team.a.id);
  assert.equal(started.name, "Camille Martin");
  const stopped = next(b, "typing", (f) => f.state === "stop");
  a.stopTyping(team.conversation.id);
  await stopped;
  a.close();
  b.close();
});

test("catches up the messages missed while disconnected with ?after=, oldest first, each once", async () => {
  const b = await clientFor(team.b);
  await connected(b);
  const newest = (await b.messages(team.conversation.id, { limit: 1 })).items[0];
  await b.subscribe(team.conversation.id, newest?.id ?? null);

  const received = [];
  b.on("message.created", (f) => received.push(f));
  const down = next(b, "disconnected");
  proxy.refuse();
  proxy.cut();
  await down;

  const missed = ["Premier message manqué", "Deuxième message manqué", "Troisième message manqué"];
  for (const body of missed)
    await api(service.url, "POST", `/api/conversations/${team.conversation.id}/messages`, { body }, team.a.token);

  const caughtUp = new Promise((resolve) => {
    const off = b.on("message.created", (f) => { if (f.message.body === missed.at(-1)) { off(); resolve(); } });
  });
  proxy.accept();
  await caughtUp;
  assert.deepEqual(received.map((f) => f.message.body), missed);
  assert.ok(received.every((f) => f.catchUp === true && f.conversationId === team.conversation.id));

  // And live delivery goes on after the catch-up, without repeating anything.
  const live = next(b, "message.created", (f) => f.message.body === "Et maintenant en direct");
  await api(service.url, "POST", `/api/conversations/${team.conversation.id}/messages`, { body: "Et maintenant en direct" }, team.a.token);
  await live;
  assert.deepEqual(received.map((f) => f.message.body), [...missed, "Et maintenant en direct"]);
  b.close();
});

test("typing is throttled: a burst of keystrokes sends one start, stopTyping one stop", async () => {
  const a = await clientFor(team.a);
  const b = await clientFor(team.b);
  await Promise.all([connected(a), connected(b)]);
  await Promise.all([a.subscribe(team.conversation.id), b.subscribe(team.conversation.id)]);

  const frames = [];
  b.on("typing", (f) => frames.push(f.state));
  const stopped = next(b, "typing", (f) => f.state === "stop");
  for (let i = 0; i < 25; i++) a.typing(team.conversation.id);
  a.stopTyping(team.conversation.id);
  await stopped;
  // A's frames travel in order on one socket and are relayed in order, so nothing else can still be on the way.
  assert.deepEqual(frames, ["start", "stop"]);
  a.close();
  b.close();
});

test("on resync, catches up every subscription with ?after=, then refreshes unread counts and presence", async () => {
  // Every request the client makes, in order, to see what a resync fetches.
  const requests = [];
  const b = await clientFor(team.b, {
    resyncJitterMs: 0,
    fetch: (url, init) => { requests.push(`${init?.method ?? "GET"} ${new URL(url).pathname}${new URL(url).search}`); return fetch(url, init); },
  });
  await connected(b);
  const newest = (await b.messages(team.conversation.id, { limit: 1 })).items[0];
  await b.subscribe(team.conversation.id, newest.id);
  const received = [];
  b.on("message.created", (f) => received.push(f));

  // A message the socket is never told about: written straight into the database, as an event notified while
  // the service's LISTEN connection was down would be lost.
  const missed = service.sql(`
    WITH c AS (UPDATE conversations SET last_seq = last_seq + 1 WHERE id = '${team.conversation.id}' RETURNING account_id, last_seq)
    INSERT INTO messages (id, account_id, conversation_id, seq, direction, body, sender_type, sender_name, created_at)
    SELECT gen_random_uuid(), account_id, '${team.conversation.id}', last_seq, 'incoming', 'Message jamais annoncé', 'contact', 'Hélène Garnier', now() FROM c
    RETURNING id`);
  const resync = next(b, "resync");
  const resynced = next(b, "resynced");
  requests.length = 0;
  // Cut the service's LISTEN connection: once it listens again it tells every socket to resync.
  assert.equal(service.sql("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN inbox_realtime') t"), "1");

  assert.equal((await resync).reason, "backplane_reconnected");
  const done = await resynced;
  assert.equal(done.reason, "backplane_reconnected");
  assert.deepEqual(received.map((f) => [f.message.id, f.message.body, f.catchUp]), [[missed, "Message jamais annoncé", true]]);
  assert.equal(typeof done.unread.total, "number");
  assert.ok(done.unread.conversations.some((c) => c.conversationId === team.conversation.id));
  assert.ok(done.presence.some((p) => p.userId === team.b.id && p.status === "online"));
  // Catch-up first, from the newest message the client had; then counts and presence.
  const catchUp = requests.findIndex((r) => r === `GET /api/conversations/${team.conversation.id}/messages?after=${newest.id}&limit=100`);
  assert.ok(catchUp >= 0, `no catch-up request among ${requests.join(", ")}`);
  assert.ok(requests.indexOf("GET /api/unread") > catchUp && requests.indexOf("GET /api/presence") > catchUp, requests.join(", "));

  // Live delivery goes on over the same socket.
  const live = next(b, "message.created", (f) => f.message.body === "Après la resynchronisation");
  await api(service.url, "POST", `/api/conversations/${team.conversation.id}/messages`, { body: "Après la resynchronisation" }, team.a.token);
  assert.equal((await live).catchUp, undefined);
  b.close();
});

test("HTTP errors are InboxError with the problem details", async () => {
  const a = await clientFor(team.a);
  await assert.rejects(a.conversation("00000000-0000-7000-8000-000000000000"), (e) => {
    assert.equal(e.name, "InboxError");
    assert.equal(e.status, 404);
    assert.equal(e.problem.status, 404);
    return true;
  });
  await assert.rejects(a.sendMessage(team.conversation.id, ""), (e) => e.status === 400 && "body" in e.problem.errors);
});

test("search takes a sort: best match first by default, newest first with sort recent, each paged by its own cursor", async () => {
  const a = await clientFor(team.a);
  const word = "zq" + Math.random().toString(36).replace(/[^a-z]/g, "").slice(0, 10);
  for (const body of [`${word}`, `${word} ${word} ${word}`, `${word} ${word}`]) await a.sendMessage(team.conversation.id, body);
  const bodies = (page) => page.items.map((hit) => hit.message.body.split(" ").length);

  assert.deepEqual(bodies(await a.search(word)), [3, 2, 1]);
  assert.deepEqual(bodies(await a.search(word, { sort: "relevance" })), [3, 2, 1]);
  assert.deepEqual(bodies(await a.search(word, { sort: "recent" })), [2, 3, 1]);
  const first = await a.search({ q: word, sort: "recent", limit: 1 });
  assert.deepEqual(bodies(first), [2]);
  assert.deepEqual(bodies(await a.search(word, { sort: "recent", cursor: first.nextCursor })), [3, 1]);
  await assert.rejects(a.search(word, { cursor: first.nextCursor }), (e) => e.status === 400 && "cursor" in e.problem.errors);
  await assert.rejects(a.search(word, { sort: "best" }), (e) => e.status === 400 && "sort" in e.problem.errors);
});

test("tickets and machines: one ticket per Idempotency-Key, nextStatuses, moves, edits, history, ticket.updated live", async () => {
  const a = await clientFor(team.a);
  const b = await clientFor(team.b);
  await connected(b);

  const machine = await a.createMachine({ name: "Tour CN Haas ST-20", location: "Atelier B" });
  const renamed = await a.updateMachine(machine.id, { location: null, serialNumber: "HST-2231" });
  assert.deepEqual([renamed.name, renamed.location, renamed.serialNumber], ["Tour CN Haas ST-20", null, "HST-2231"]);
  assert.ok((await a.machines()).some((m) => m.id === machine.id));

  const heard = next(b, "ticket.updated", (f) => f.ticket.title === "Tour : broche bruyante");
  const body = { title: "Tour : broche bruyante", machineId: machine.id, priority: "high" };
  const first = await a.openTicket(body, { idempotencyKey: "page-double-click-1" });
  const again = await a.openTicket(body, { idempotencyKey: "page-double-click-1" });
  assert.equal(again.id, first.id, "the same key opens one ticket");
  assert.equal((await a.tickets({ machineId: machine.id })).items.length, 1);
  assert.deepEqual(first.nextStatuses, ["diagnostic", "completed"]);
  assert.equal((await heard).ticket.id, first.id);

  const moved = next(b, "ticket.updated", (f) => f.ticket.id === first.id && f.ticket.status === "diagnostic");
  const diagnostic = await a.changeTicketStatus(first.id, "diagnostic", "Roulement à changer");
  assert.deepEqual(diagnostic.nextStatuses, ["received", "in_progress", "completed"]);
  assert.deepEqual((await moved).ticket.nextStatuses, diagnostic.nextStatuses);
  await assert.rejects(a.changeTicketStatus(first.id, "archived"), (e) => e.status === 409);

  const edited = await a.updateTicket(first.id, { assigneeId: team.b.id, description: "Bruit au-delà de 2 000 tr/min" });
  assert.equal(edited.assigneeId, team.b.id);
  assert.equal((await a.ticket(first.id)).description, "Bruit au-delà de 2 000 tr/min");
  const history = await a.ticketHistory(first.id);
  assert.deepEqual(history.map((e) => [e.from, e.to, e.note]), [[null, "received", null], ["received", "diagnostic", "Roulement à changer"]]);
  b.close();
});

test("administration: users, API keys, webhook endpoints with a test post, the delivery log and a replay", async () => {
  const admin = new InboxClient({ baseUrl: proxy.url });
  clients.push(admin);
  await admin.login(team.admin.user.email, team.password);

  const email = `lea-${Date.now()}@example.com`;
  const lea = await admin.createUser({ name: "Léa Girard", email, password: "un premier mot de passe", role: "agent" });
  assert.equal(lea.active, true);
  assert.equal((await admin.updateUser(lea.id, { role: "admin" })).role, "admin");
  assert.equal((await admin.updateUser(lea.id, { active: false })).active, false);
  // With Léa deactivated, the account's one active admin cannot step down: 409.
  await assert.rejects(admin.updateUser(team.admin.user.id, { role: "agent" }), (e) => e.status === 409);
  await assert.rejects(admin.createUser({ name: "X", email: "not an email", password: "short", role: "agent" }),
    (e) => e.status === 400 && "password" in e.problem.errors);

  const key = await admin.createApiKey("Passerelle e-mail");
  assert.ok(key.key.startsWith(key.prefix));
  assert.equal((await admin.apiKeys()).find((k) => k.id === key.id).key, undefined, "the key is shown only once");
  await admin.revokeApiKey(key.id);
  assert.equal((await admin.apiKeys()).some((k) => k.id === key.id), false);

  const posts = [];
  const receiver = createHttpServer((req, res) => { posts.push(req.headers["webhook-id"]); req.resume(); res.writeHead(204).end(); });
  await new Promise((done) => receiver.listen(0, "127.0.0.1", done));
  try {
    const endpoint = await admin.createWebhookEndpoint({ url: `http://127.0.0.1:${receiver.address().port}/hook`, events: ["ticket.overdue"] });
    assert.match(endpoint.secret, /^whsec_/);
    assert.equal((await admin.webhookEndpoints()).find((e) => e.id === endpoint.id).secret, undefined);
    const result = await admin.testWebhookEndpoint(endpoint.id);
    assert.equal(result.statusCode, 204);
    assert.equal(result.error, null);
    const log = await admin.webhookNotifications({ endpointId: endpoint.id, limit: 10 });
    const attempt = log.items.find((n) => n.endpointId === endpoint.id);
    assert.equal(attempt.statusCode, 204);
    await admin.replayNotification(attempt.id);
    await admin.deleteWebhookEndpoint(endpoint.id);
    assert.equal((await admin.webhookEndpoints()).some((e) => e.id === endpoint.id), false);
    assert.ok(posts.length >= 1, "the receiver got the test post");
  } finally {
    receiver.close();
  }
});

test("account settings and endpoint switches: the phone region reads local numbers, an endpoint disabled and enabled, the log by event type", async () => {
  const admin = new InboxClient({ baseUrl: proxy.url });
  clients.push(admin);
  await admin.login(team.admin.user.email, team.password);

  const account = await admin.updateAccount({ defaultPhoneRegion: "FR" });
  assert.equal(account.defaultPhoneRegion, "FR");
  // With the region set, a French number written the local way is stored in E.164.
  const digits = String(Date.now()).slice(-8);
  const contact = await admin.createContact({ name: "Région test", phone: `06 ${digits}` });
  assert.equal(contact.phone, `+336${digits}`);
  await assert.rejects(admin.updateAccount({ defaultPhoneRegion: "not a region" }), (e) => e.status === 400);

  const receiver = createHttpServer((req, res) => { req.resume(); res.writeHead(204).end(); });
  await new Promise((done) => receiver.listen(0, "127.0.0.1", done));
  try {
    const endpoint = await admin.createWebhookEndpoint({ url: `http://127.0.0.1:${receiver.address().port}/hook`, events: ["ticket.overdue"] });
    assert.equal((await admin.updateWebhookEndpoint(endpoint.id, { enabled: false })).enabled, false);
    const enabled = await admin.updateWebhookEndpoint(endpoint.id, { enabled: true, events: ["ticket.overdue", "lead.status_changed"] });
    assert.equal(enabled.enabled, true);
    assert.deepEqual([...enabled.events].sort(), ["lead.status_changed", "ticket.overdue"]);
    assert.equal(enabled.secret, undefined, "the secret is shown only at creation");

    await admin.testWebhookEndpoint(endpoint.id);
    const tests = await admin.webhookNotifications({ endpointId: endpoint.id, eventType: "webhook.test", limit: 10 });
    assert.ok(tests.items.length >= 1);
    assert.ok(tests.items.every((n) => n.eventType === "webhook.test" && n.endpointId === endpoint.id));
    const none = await admin.webhookNotifications({ endpointId: endpoint.id, eventType: "ticket.overdue", limit: 10 });
    assert.equal(none.items.length, 0);
    await admin.deleteWebhookEndpoint(endpoint.id);
  } finally {
    receiver.close();
  }
});

/** A TCP proxy to the service that can cut its connections and refuse new ones. */
function startProxy(targetPort) {
  const sockets = new Set();
  let refusing = false;
  const server = createServer((inbound) => {
    if (refusing) return inbound.destroy();
    const outbound = connect(targetPort, "127.0.0.1");
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    inbound.pipe(outbound).pipe(inbound);
    inbound.on("close", () => outbound.destroy());
    outbound.on("close", () => inbound.destroy());
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    cut: () => { for (const s of sockets) s.destroy(); },
    refuse: () => { refusing = true; },
    accept: () => { refusing = false; },
    close: () => new Promise((done) => { for (const s of sockets) s.destroy(); server.close(done); }),
  })));
}
