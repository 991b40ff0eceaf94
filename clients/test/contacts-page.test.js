// End-to-end tests of the contacts side of the page (issue 18), in Debian's Chromium driven by playwright-core,
// against the real service: the contact panel beside a conversation (its contact shown, a field error from the
// API beside the field, an inline edit saved, a link to the contact's other conversation), a lead status change
// made in one browser context seen live in a second, the contacts view (filters, opening a contact), and a CSV
// import with one bad row (the dry run's report names the row's error, then the good rows are imported). axe-core
// checks the panel and the view at desktop and phone width (no serious or critical violation), and screenshots
// of both go to clients/screenshots/ (ignored by git).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startService, seedTeam, api } from "./service.js";
import { launchChromium, signIn as signInAt, shots, desktop, phone, axe, noOverflow } from "./browser.js";

let service, team, browser;

before(async () => {
  service = await startService();
  team = await seedTeam(service.url);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

/** A new browser context signed in through the login form, ready once its lists are loaded and the socket is live. */
const signIn = (user, options = desktop, prepare) => signInAt(browser, service.url, user, options, prepare);

const adminUser = () => ({ email: team.admin.user.email, password: team.password });


/** No error banner and no uncaught error in the page. */
async function clean(session, where) {
  assert.deepEqual(session.errors.map(String), [], `${where}: errors in the page`);
  assert.equal(await session.page.locator("#banner:not([hidden])").count(), 0,
    `${where}: ${await session.page.locator("#banner").textContent()}`);
}

/** Waits until the contacts list holds exactly the one contact `id`. */
const onlyRow = (page, id) => page.waitForFunction((id) => {
  const rows = document.querySelectorAll("#contact-rows tr");
  return rows.length === 1 && rows[0].dataset.id === id;
}, id);

const tab = (page, view) => page.locator(`.tabs button[data-view=${view}]`);
const panel = (page) => page.locator("#contact-panel");
const openConversation = (page, id) => page.locator(`.conversation-row[data-id="${id}"]`).click();

test("the contact panel shows the conversation's contact, shows the API's field error beside the field, saves an inline edit, and links to the contact's other conversation", async () => {
  const contactId = team.conversation.contact.id;
  assert.ok(contactId, "the seeded conversation is linked to a contact");
  const other = await api(service.url, "POST", "/api/conversations", {
    subject: "Entretien annuel", channel: "email", contact: { id: contactId }, assigneeId: team.a.id, participantIds: [team.a.id],
  }, team.a.token);

  const a = await signIn(team.a);
  await openConversation(a.page, team.conversation.id);
  const p = panel(a.page);
  await p.locator(".contact-name", { hasText: "Hélène Garnier" }).waitFor();
  assert.match(await p.locator(".contact-sub").textContent(), /helene-/);
  assert.equal(await p.locator("[data-lead-status]").getAttribute("data-lead-status"), "new");

  // A phone the service cannot read: its 400 shows under the phone field, which is marked invalid.
  const form = p.locator("form.contact-edit");
  await form.locator("[name=phone]").fill("12");
  await form.locator("button[type=submit]").click();
  await form.locator("[data-field=phone] .field-error:not([hidden])", { hasText: /phone/i }).waitFor();
  assert.equal(await form.locator("[name=phone]").getAttribute("aria-invalid"), "true");

  await form.locator("[name=phone]").fill("+33 6 98 76 54 32");
  await form.locator("[name=company]").fill("Garnier Boulangerie");
  await form.locator("[name=score]").fill("65");
  await form.locator("[name=ownerId]").selectOption(team.a.id);
  await form.locator("button[type=submit]").click();
  await p.locator("form.contact-edit .saved", { hasText: "Saved" }).waitFor();
  const saved = await api(service.url, "GET", `/api/contacts/${contactId}`, undefined, team.a.token);
  assert.equal(saved.phone, "+33698765432");
  assert.equal(saved.company, "Garnier Boulangerie");
  assert.equal(saved.score, 65);
  assert.equal(saved.ownerId, team.a.id);
  assert.equal(await p.locator(".contact-owner").textContent(), "Camille Martin");
  assert.equal(await p.locator(".contact-score").textContent(), "65");

  await axe(a.page, "the contact panel");
  await noOverflow(a.page, "the contact panel");
  await a.page.screenshot({ path: join(shots, "contact-panel-desktop.png") });

  // The contact's other conversation is a link: it opens that conversation (its panel then lists the first).
  const link = p.locator(`.contact-conversations a[data-id="${other.id}"]`);
  await link.focus();
  await a.page.keyboard.press("Enter");
  await a.page.locator("#conversation-subject", { hasText: "Entretien annuel" }).waitFor();
  await p.locator(`.contact-conversations a[data-id="${team.conversation.id}"]`).waitFor();
  await clean(a, "the contact panel");
  await a.context.close();
});

test("on a phone, the contact replaces the conversation from the header's Contact button, and Back returns", async () => {
  const a = await signIn(team.a, phone);
  await openConversation(a.page, team.conversation.id);
  await a.page.locator("#contact-toggle").click();
  await panel(a.page).locator(".contact-name").waitFor();
  assert.equal(await a.page.locator("#pane").isVisible(), false, "the panel takes the conversation's place");
  assert.equal(await a.page.locator("#contact-toggle").getAttribute("aria-expanded"), "true");
  await axe(a.page, "the contact panel on a phone");
  await noOverflow(a.page, "the contact panel on a phone");
  await a.page.screenshot({ path: join(shots, "contact-panel-phone.png"), fullPage: true });
  await panel(a.page).locator(".contact-back").click();
  await a.page.locator("#composer-input").waitFor();
  assert.equal(await panel(a.page).isVisible(), false);
  await clean(a, "the contact panel on a phone");
  await a.context.close();
});

test("a lead status changed in one browser context is seen live in a second (panel and contacts list), and a refused move shows the API's 409", async () => {
  const contact = await api(service.url, "POST", "/api/contacts", { name: "Nadia Haddad", email: `nadia-${Date.now()}@example.com`, source: "whatsapp" }, team.a.token);
  const conversation = await api(service.url, "POST", "/api/conversations", {
    subject: "Demande de devis", channel: "whatsapp", contact: { id: contact.id }, participantIds: [team.a.id, team.b.id],
  }, team.a.token);
  const a = await signIn(team.a);
  const b = await signIn(team.b);
  await openConversation(a.page, conversation.id);
  await panel(a.page).locator(".contact-name", { hasText: "Nadia Haddad" }).waitFor();
  // B looks at the contacts list, filtered by source, and (in a third context) at the conversation with its panel.
  await tab(b.page, "contacts").click();
  await b.page.locator("#contact-filters [name=source]").fill("whatsapp");
  await b.page.locator("#contact-filters button[type=submit]").click();
  const row = b.page.locator(`#contact-rows tr[data-id="${contact.id}"]`);
  await row.locator(".pill", { hasText: "new" }).waitFor();
  const third = await signIn(team.b);
  const b2 = third.page;
  await openConversation(b2, conversation.id);
  await panel(b2).locator("[data-lead-status=new]").waitFor();

  // Only the moves the workflow allows from "new" are offered.
  assert.deepEqual(await panel(a.page).locator(".lead-moves button").evaluateAll((bs) => bs.map((x) => x.dataset.status)), ["contacted"]);
  await panel(a.page).locator(".lead-moves button[data-status=contacted]").click();
  await panel(a.page).locator("[data-lead-status=contacted]").waitFor();
  await row.locator(".pill", { hasText: "contacted" }).waitFor();
  await panel(b2).locator("[data-lead-status=contacted]").waitFor();
  assert.deepEqual(await panel(b2).locator(".lead-moves button").evaluateAll((bs) => bs.map((x) => x.dataset.status)), ["new", "qualified"]);

  // A fourth context whose socket never hears of contact changes (its frames filtered on the way) still offers
  // "qualified" after A moved the lead back to new: its click is refused (409) and the API's answer, which names
  // the allowed statuses, shows beside the buttons.
  const fourth = await signIn(team.b, desktop, (page) => page.routeWebSocket(/\/ws/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((m) => { if (!String(m).includes('"contact.updated"')) ws.send(m); });
  }));
  const stale = fourth.page;
  await openConversation(stale, conversation.id);
  await panel(stale).locator("[data-lead-status=contacted]").waitFor();
  await api(service.url, "POST", `/api/contacts/${contact.id}/lead-status`, { status: "new" }, team.a.token);
  await panel(b2).locator("[data-lead-status=new]").waitFor();
  await panel(stale).locator(".lead-moves button[data-status=qualified]").click();
  await panel(stale).locator(".lead-error:not([hidden])", { hasText: /contacted/ }).waitFor();
  await clean(a, "lead status, first context");
  await clean(b, "lead status, second context");
  for (const session of [a, b, third, fourth]) await session.context.close();
});

test("the contacts view: filters, opening a contact, desktop and phone", async () => {
  const tag = Date.now().toString(36);
  await api(service.url, "POST", "/api/contacts", { name: `Bruno Lefèvre ${tag}`, company: "Lefèvre Transports", source: "website", score: 20 }, team.a.token);
  const target = await api(service.url, "POST", "/api/contacts", { name: `Inès Moreau ${tag}`, company: "Moreau Conseil", email: `ines-${tag}@example.com`, source: "website", ownerId: team.b.id, score: 90 }, team.a.token);
  for (const [options, name] of [[desktop, "desktop"], [phone, "phone"]]) {
    const a = await signIn(team.a, options);
    await tab(a.page, "contacts").click();
    await a.page.locator("#contact-rows tr").first().waitFor();
    const filters = a.page.locator("#contact-filters");
    await filters.locator("[name=ownerId]").selectOption(team.b.id);
    await onlyRow(a.page, target.id); // the only contact owned by B
    await filters.locator("[name=ownerId]").selectOption("");
    await a.page.locator("#contact-rows tr").nth(1).waitFor();
    await filters.locator("[name=q]").fill("moreau");
    await filters.locator("[name=q]").press("Enter");
    await onlyRow(a.page, target.id);
    await axe(a.page, `the contacts view (${name})`);
    await noOverflow(a.page, `the contacts view (${name})`);
    await a.page.screenshot({ path: join(shots, `contacts-${name}.png`), fullPage: true });

    await a.page.locator(`#contact-rows tr[data-id="${target.id}"] .contact-link`).click();
    await a.page.locator("#contact-detail .contact-name", { hasText: "Inès Moreau" }).waitFor();
    assert.equal(await a.page.evaluate(() => document.activeElement?.classList.contains("contact-name")), true, "focus moves to the contact");
    await axe(a.page, `a contact (${name})`);
    await noOverflow(a.page, `a contact (${name})`);
    await a.page.screenshot({ path: join(shots, `contact-${name}.png`), fullPage: true });
    await a.page.locator("#contact-detail-back").click();
    await a.page.locator(`#contact-rows tr[data-id="${target.id}"] .contact-link:focus`).waitFor();
    await clean(a, `the contacts view (${name})`);
    await a.context.close();
  }
});

test("the contacts list pages with \"Show more\" (keyset cursor), and focus lands on the first new row", async () => {
  const source = `bulk-${Date.now().toString(36)}`;
  await Promise.all(Array.from({ length: 52 }, (_, i) =>
    api(service.url, "POST", "/api/contacts", { name: `Bulk ${String(i).padStart(2, "0")}`, source }, team.a.token)));
  const a = await signIn(team.a);
  await tab(a.page, "contacts").click();
  await a.page.locator("#contact-filters [name=source]").fill(source);
  await a.page.locator("#contact-filters [name=source]").press("Enter");
  await a.page.waitForFunction(() => document.querySelectorAll("#contact-rows tr").length === 50);
  const more = a.page.locator("#contacts-more");
  assert.equal(await more.isVisible(), true);
  await more.focus();
  await a.page.keyboard.press("Enter");
  await a.page.waitForFunction(() => document.querySelectorAll("#contact-rows tr").length === 52);
  assert.equal(await more.isVisible(), false, "no further page");
  const names = await a.page.locator("#contact-rows .contact-link").allTextContents();
  assert.equal(new Set(names).size, 52, "each contact once");
  assert.equal(await a.page.evaluate(() => document.activeElement?.closest("tr")?.rowIndex), 51, "focus on the 51st row");
  await clean(a, "paging");
  await a.context.close();
});

test("an import with one bad row: the dry run's report shows that row's error, then the good rows are imported", async () => {
  const tag = Date.now().toString(36);
  const csv = "\uFEFFname,email,phone,lead status,source,score\r\n"
    + `Paul Girard,paul-${tag}@example.com,+33 6 11 22 33 44,contacted,salon-${tag},50\r\n`
    + `Bad Phone,badphone-${tag}@example.com,call me maybe,new,salon-${tag},10\r\n`
    + `"Claire Roux, DG",claire-${tag}@example.com,,qualified,salon-${tag},70\r\n`;
  const admin = await signIn(adminUser());
  await tab(admin.page, "contacts").click();
  await admin.page.locator("#import-contacts").click();
  const dialog = admin.page.locator("dialog[open]");
  await dialog.locator("#import-file").setInputFiles({ name: "salon.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await dialog.locator("#import-check").click();
  // The report, or the dialog's error line: fail with what the user would read, not a time-out.
  await dialog.locator(".import-report, .form-error:not([hidden])").first().waitFor();
  assert.equal(await dialog.locator(".form-error:not([hidden])").count(), 0, await dialog.locator(".form-error").textContent());
  const badRow = dialog.locator(".import-row.action-skipped");
  assert.equal(await badRow.count(), 1, "one bad row");
  assert.match(await badRow.textContent(), /phone/i);
  assert.match(await dialog.locator(".import-counts").textContent(), /2 to create · 0 to update · 1 skipped/);
  const before = await api(service.url, "GET", `/api/contacts?source=salon-${tag}`, undefined, team.a.token);
  assert.equal(before.items.length, 0, "the dry run imports nothing");
  await axe(admin.page, "the import's report");
  await admin.page.screenshot({ path: join(shots, "contacts-import-desktop.png") });

  await dialog.locator("#import-confirm", { hasText: "Import 2 rows" }).click();
  await dialog.locator(".import-done", { hasText: "2 created, 0 updated, 1 skipped." }).waitFor();
  const after = await api(service.url, "GET", `/api/contacts?source=salon-${tag}`, undefined, team.a.token);
  assert.deepEqual(after.items.map((c) => c.name).sort(), ["Claire Roux, DG", "Paul Girard"]);
  assert.equal(after.items.find((c) => c.name === "Paul Girard").leadStatus, "contacted");
  await admin.page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  await admin.page.locator("#contact-rows tr", { hasText: "Paul Girard" }).waitFor();
  await clean(admin, "the import");
  await admin.context.close();
});
