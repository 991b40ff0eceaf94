// End-to-end: the page served by the real service, in Debian's Chromium (never a downloaded browser), driven
// by playwright-core. Two browser contexts are two agents of one account. Screenshots go to clients/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startService, seedTeam, api } from "./service.js";
import { launchChromium, signIn as signInAt, shots, desktop } from "./browser.js";

let service, team, browser;

before(async () => {
  service = await startService();
  team = await seedTeam(service.url);
  await seedDemo(service.url, team);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

/** A new browser context signed in as `user` through the login form, ready when its list is loaded and live. */
const signIn = (user, options = desktop) => signInAt(browser, service.url, user, options);

const row = (page, id) => page.locator(`.conversation-row[data-id="${id}"]`);

test("two agents: typing, a live message with its unread badge, and 'seen'", async () => {
  const a = await signIn(team.a);
  const b = await signIn(team.b);
  const id = team.conversation.id;

  // A opens the conversation; B only has it in the list, read up to now.
  await row(a.page, id).click();
  await a.page.locator("#messages .message").first().waitFor();
  await row(b.page, id).waitFor();
  assert.equal(await row(b.page, id).locator(".badge.unread").count(), 0);

  // A types: B sees the typing indicator on the conversation.
  await a.page.locator("#composer-input").pressSequentially("Bonjour Hélène, le technicien ", { delay: 20 });
  await row(b.page, id).locator(".typing-preview", { hasText: "Camille typing…" }).waitFor();

  // A sends with Enter: B sees the message arrive live and the unread badge.
  await a.page.locator("#composer-input").pressSequentially("passe demain à 9 h.");
  await a.page.locator("#composer-input").press("Enter");
  const text = "Bonjour Hélène, le technicien passe demain à 9 h.";
  await a.page.locator("#messages .message.mine .bubble", { hasText: text }).waitFor();
  assert.equal(await a.page.locator("#composer-input").inputValue(), "", "the composer is cleared after sending");
  await row(b.page, id).locator(".preview", { hasText: text }).waitFor();
  await row(b.page, id).locator(".badge.unread", { hasText: /^1$/ }).waitFor();

  // B opens it: the message is there, and A sees that B has seen it.
  await row(b.page, id).click();
  await b.page.locator("#messages .bubble", { hasText: text }).waitFor();
  await a.page.locator("#messages .message.mine").last().locator(".seen", { hasText: "Seen by Yanis Benali" }).waitFor();
  await row(b.page, id).locator(".badge.unread").waitFor({ state: "detached" });

  // Shift+Enter makes a new line instead of sending.
  await b.page.locator("#composer-input").pressSequentially("Merci Camille.");
  await b.page.locator("#composer-input").press("Shift+Enter");
  await b.page.locator("#composer-input").pressSequentially("Je préviens la cliente.");
  assert.equal(await b.page.locator("#composer-input").inputValue(), "Merci Camille.\nJe préviens la cliente.");
  await b.page.locator("#composer-input").press("Enter");
  await a.page.locator("#messages .bubble", { hasText: "Je préviens la cliente." }).waitFor();

  await b.page.screenshot({ path: join(shots, "desktop-conversation.png") });
  await a.page.screenshot({ path: join(shots, "desktop-conversation-seen.png") });

  // The tickets view marks overdue tickets.
  await a.page.locator(".tabs button[data-view=tickets]").click();
  await a.page.locator(".ticket.overdue .pill-danger", { hasText: "Overdue" }).first().waitFor();
  assert.equal(await a.page.locator(".ticket.overdue").count(), 1);
  await a.page.screenshot({ path: join(shots, "desktop-tickets.png") });

  // A phone, 390 px wide: the list, then the conversation in place of the list.
  const phone = await signIn(team.b, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await phone.page.screenshot({ path: join(shots, "phone-list.png") });
  await row(phone.page, id).click();
  await phone.page.locator("#messages .bubble", { hasText: "Je préviens la cliente." }).waitFor();
  assert.equal(await phone.page.locator(".sidebar").isVisible(), false, "on a phone the conversation replaces the list");
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  await phone.page.screenshot({ path: join(shots, "phone-conversation.png") });
  await phone.page.locator("#back").click();
  await row(phone.page, id).waitFor();

  for (const s of [a, b, phone]) {
    assert.deepEqual(s.errors.map(String), []);
    await s.context.close();
  }
});

test("after a resync the page shows a message the socket was never told about", async () => {
  const b = await signIn(team.b);
  const id = team.conversation.id;
  await row(b.page, id).click();
  await b.page.locator("#messages .message").first().waitFor();

  // Written straight into the database (no event), then the service's LISTEN connection is cut: once it listens
  // again it sends `resync`, and the page's client catches up.
  const text = "Message arrivé pendant la coupure";
  service.sql(`
    WITH c AS (UPDATE conversations SET last_seq = last_seq + 1 WHERE id = '${id}' RETURNING account_id, last_seq)
    INSERT INTO messages (id, account_id, conversation_id, seq, direction, body, sender_type, sender_name, created_at)
    SELECT gen_random_uuid(), account_id, '${id}', last_seq, 'incoming', '${text}', 'contact', 'Hélène Garnier', now() FROM c`);
  service.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN inbox_realtime'");

  await b.page.locator("#messages .bubble", { hasText: text }).waitFor();
  await row(b.page, id).locator(".preview", { hasText: text }).waitFor();
  assert.deepEqual(b.errors.map(String), []);
  await b.context.close();
});

test("errors are shown to the user: a wrong password", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(service.url);
  await page.locator("#login-form input[name=email]").fill(team.a.email);
  await page.locator("#login-form input[name=password]").fill("not the password");
  await page.locator("#login-form button[type=submit]").click();
  await page.locator("#login-error", { hasText: "do not match" }).waitFor();
  await context.close();
});

test("an agent starts a conversation from the page", async () => {
  const a = await signIn(team.a);
  await a.page.locator("#new-conversation").click();
  await a.page.locator("#new-form input[name=contact]").fill("Élodie Fabre");
  await a.page.locator("#new-form input[name=subject]").fill("Devis pour un adoucisseur");
  await a.page.locator("#new-form textarea[name=body]").fill("Bonjour Madame Fabre, voici notre proposition.");
  await a.page.locator("#new-form button[type=submit]").click();
  await a.page.locator("#conversation-subject", { hasText: "Devis pour un adoucisseur" }).waitFor();
  await a.page.locator("#messages .message.mine .bubble", { hasText: "voici notre proposition" }).waitFor();
  await a.page.locator(".conversation-row .row-name", { hasText: "Élodie Fabre" }).waitFor();
  assert.deepEqual(a.errors.map(String), []);
  await a.context.close();
});

// Needs GET /api/search/messages (API.md "Search"), which lands with the search issue.
test("search finds an accented word", async () => {
  await api(service.url, "POST", `/api/conversations/${team.conversation.id}/messages`,
    { body: "La facture d'électricité de novembre est arrivée, je la transmets au client." }, team.a.token);
  const a = await signIn(team.a);
  await a.page.locator("#search-input").fill("electricite");
  await a.page.locator("#search-input").press("Enter");
  // Either a highlighted hit or the page's error line: fail with what the user would read, not a time-out.
  await a.page.locator("#search-results .snippet mark, #search-results .form-error").first().waitFor();
  assert.equal(await a.page.locator("#search-results .form-error").count(), 0, await a.page.locator("#search-results").textContent());
  const mark = a.page.locator("#search-results .snippet mark").first();
  assert.match(await mark.textContent(), /^électricité$/i);
  await a.page.screenshot({ path: join(shots, "desktop-search.png") });
  await a.context.close();
});

/** Demo data around the seeded team, so the page (and its screenshots) look like a working day. */
async function seedDemo(url, t) {
  const adminToken = t.admin.accessToken;
  const { key } = await api(url, "POST", "/api/api-keys", { name: "Email gateway" }, adminToken);
  const incoming = async (conversationId, body) => {
    const res = await fetch(`${url}/api/conversations/${conversationId}/messages`, {
      method: "POST", headers: { "content-type": "application/json", "x-api-key": key }, body: JSON.stringify({ body }),
    });
    assert.equal(res.status, 201, await res.text());
  };
  const say = (conversationId, token, body) => api(url, "POST", `/api/conversations/${conversationId}/messages`, { body }, token);
  const start = (body) => api(url, "POST", "/api/conversations", body, t.a.token);
  const both = [t.a.id, t.b.id];

  const parts = await start({ subject: "Delivery delay on spare parts", channel: "email", contact: { name: "Sarah Collins", email: "sarah@collins-hvac.example" }, assigneeId: t.b.id, participantIds: both });
  await incoming(parts.id, "Hi, the pump seals you ordered are delayed until Friday. Should we ship the partial order now?");
  await say(parts.id, t.b.token, "Yes please, ship what you have. Thanks Sarah!");
  const visit = await start({ subject: "Entretien annuel", channel: "whatsapp", contact: { name: "Pierre Rousseau", phone: "+33 6 12 34 56 78" }, participantIds: both });
  await incoming(visit.id, "Bonjour, je voudrais planifier l'entretien annuel de ma pompe à chaleur.");
  await incoming(visit.id, "Je suis disponible mardi ou jeudi matin.");
  const bill = await start({ subject: "Question sur la facture", channel: "email", contact: { name: "Marc Lefèvre", email: "marc.lefevre@example.fr" }, participantIds: both });
  await incoming(bill.id, "Bonjour, la facture de la dernière intervention ne mentionne pas la garantie. Est-ce normal ?");

  const id = t.conversation.id;
  await incoming(id, "Bonjour, notre chaudière s'est arrêtée ce matin et affiche le code F28. Il fait 14 °C dans la maison.");
  await say(id, t.b.token, "Bonjour Madame Garnier, le code F28 indique un défaut d'allumage. Pouvez-vous vérifier que le robinet de gaz est bien ouvert ?");
  await incoming(id, "Le robinet est ouvert. La pression affiche 0,5 bar.");
  await say(id, t.a.token, "Merci. La pression est trop basse : je vous envoie un technicien.");
  for (const token of [t.a.token, t.b.token]) await api(url, "POST", `/api/conversations/${id}/read`, {}, token);

  const [boiler, heatPump] = await Promise.all([
    api(url, "POST", "/api/machines", { name: "Chaudière Vitodens 100", location: "Lyon 3e", serialNumber: "VI-100-2291" }, t.a.token),
    api(url, "POST", "/api/machines", { name: "Pompe à chaleur Altherma", location: "Villeurbanne", serialNumber: "DA-3R-0457" }, t.a.token),
  ]);
  const day = 24 * 3600_000;
  await api(url, "POST", "/api/tickets", { title: "Chaudière en défaut F28 — Mme Garnier", description: "Pression à 0,5 bar, défaut d'allumage.", machineId: boiler.id, priority: "high", scheduledAt: new Date(Date.now() - day).toISOString(), assigneeId: t.a.id }, t.a.token);
  await api(url, "POST", "/api/tickets", { title: "Entretien annuel pompe à chaleur", machineId: heatPump.id, priority: "low", scheduledAt: new Date(Date.now() + 5 * day).toISOString(), assigneeId: t.b.id }, t.a.token);
  const parts2 = await api(url, "POST", "/api/tickets", { title: "Remplacer les joints de la pompe", description: "Joints en commande chez le fournisseur.", machineId: heatPump.id, priority: "medium", assigneeId: t.b.id }, t.a.token);
  for (const s of ["diagnostic", "in_progress", "waiting_parts"]) await api(url, "POST", `/api/tickets/${parts2.id}/status`, { status: s }, t.a.token);
}
