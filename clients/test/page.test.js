// End-to-end tests of the maintenance and administration side of the page (issue 19), in Debian's Chromium
// driven by playwright-core, against the real service: tickets (create, the workflow with only the allowed
// buttons, live in a second context, a technician on a phone), machines, and administration (agents, API keys,
// webhook endpoints with a test post to a receiver this file starts, the delivery log). axe-core (served from
// node_modules into the page) checks every view: no serious or critical violations. Screenshots of each view at
// desktop and phone width go to clients/screenshots/ (ignored by git).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { join } from "node:path";
import { startService, seedTeam, api } from "./service.js";
import { launchChromium, signIn as signInAt, shots, desktop, phone, axe, noOverflow } from "./browser.js";

let service, team, browser, receiver;
/** Requests the webhook receiver got: {headers, body}. */
const received = [];

before(async () => {
  // The receiver listens on loopback, which the service refuses unless told this is a test (API.md configuration).
  service = await startService({ Webhooks__AllowPrivateNetworks: "true" });
  team = await seedTeam(service.url);
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => { body += d; });
    req.on("end", () => { received.push({ headers: req.headers, body }); res.writeHead(200).end("ok"); });
  });
  await new Promise((done) => receiver.listen(0, "127.0.0.1", done));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  receiver?.close();
  await service?.stop();
});

/** A new browser context signed in through the login form, ready once its lists are loaded and the socket is live. */
const signIn = (user, options = desktop, prepare) => signInAt(browser, service.url, user, options, prepare);

const adminUser = () => ({ email: team.admin.user.email, password: team.password });


const tab = (page, view) => page.locator(`.tabs button[data-view=${view}]`);
const moveButtons = (page) => page.locator("#ticket-detail .moves button").evaluateAll((bs) => bs.map((b) => b.dataset.status));
const detailStatus = (page) => page.locator("#ticket-detail > .ticket-meta .pill").first();

test("a ticket: opened once on a double click, moved through its workflow with only the allowed buttons, live elsewhere", async () => {
  const a = await signIn(team.a);
  const b = await signIn(team.b);
  const machine = await api(service.url, "POST", "/api/machines", { name: "Compresseur GA 30", location: "Local technique" }, team.a.token);
  await tab(a.page, "tickets").click();
  await tab(b.page, "tickets").click();

  // Escape closes a dialog without creating anything.
  await a.page.locator("#new-ticket").click();
  await a.page.locator("dialog[open]").waitFor();
  await a.page.keyboard.press("Escape");
  await a.page.locator("dialog[open]").waitFor({ state: "detached" });

  // The API's field errors show beside the field: no title.
  await a.page.locator("#new-ticket").click();
  const dialog = a.page.locator("dialog[open]");
  await dialog.locator("button[type=submit]").click();
  await dialog.locator("[data-field=title] .field-error", { hasText: /title/i }).waitFor();
  assert.equal(await dialog.locator("[name=title]").getAttribute("aria-invalid"), "true");

  const title = "Compresseur GA 30 : fuite d'air";
  await dialog.locator("[name=title]").fill(title);
  await dialog.locator("[name=description]").fill("Sifflement côté sortie, pression qui chute.");
  await dialog.locator("[name=priority]").selectOption("high");
  await dialog.locator("[name=machineId]").selectOption(machine.id);
  await dialog.locator("[name=assigneeId]").selectOption(team.b.id);
  await axe(a.page, "the new-ticket dialog");
  await dialog.locator("button[type=submit]").dblclick();
  // The ticket, or the page's error banner: fail with what the user would read, not a time-out.
  await a.page.locator("#ticket-detail .ticket-heading, #banner:not([hidden]), dialog[open] .field-error:not([hidden]), dialog[open] .form-error:not([hidden])").first().waitFor();
  assert.equal(await a.page.locator("#banner:not([hidden]), dialog[open] .field-error:not([hidden]), dialog[open] .form-error:not([hidden])").count(), 0,
    await a.page.locator("#banner, dialog[open]").allTextContents().then((t) => t.join(" | ")));
  await a.page.locator("#ticket-detail .ticket-heading", { hasText: title }).waitFor();
  const page = await api(service.url, "GET", "/api/tickets?limit=100", undefined, team.a.token);
  const opened = page.items.filter((t) => t.title === title);
  assert.equal(opened.length, 1, "a double click opens one ticket");
  const id = opened[0].id;

  // B sees it appear without a reload, and opens it.
  await b.page.locator(`#ticket-list li[data-id="${id}"] .ticket-title`, { hasText: title }).click();
  await b.page.locator("#ticket-detail .ticket-heading", { hasText: title }).waitFor();
  await axe(a.page, "a ticket");
  await a.page.screenshot({ path: join(shots, "desktop-ticket.png"), fullPage: true });

  const allowed = {
    received: ["diagnostic", "completed"],
    diagnostic: ["received", "in_progress", "completed"],
    in_progress: ["received", "waiting_parts", "completed"],
    waiting_parts: ["received", "in_progress", "completed"],
    completed: ["archived"],
  };
  let status = "received";
  for (const next of ["diagnostic", "in_progress", "waiting_parts", "in_progress", "completed"]) {
    assert.deepEqual(await moveButtons(a.page), allowed[status], `buttons shown in ${status}`);
    if (next === "waiting_parts") await a.page.locator("#move-note").fill("Joint de sortie commandé chez le fournisseur");
    await a.page.locator(`#ticket-detail .moves button[data-status=${next}]`).click();
    await detailStatus(a.page).filter({ hasText: next.replace("_", " ") }).waitFor();
    // B's open ticket follows live: its status and its buttons.
    await detailStatus(b.page).filter({ hasText: next.replace("_", " ") }).waitFor();
    assert.deepEqual(await moveButtons(b.page), allowed[next], `B's buttons in ${next}`);
    status = next;
  }
  assert.deepEqual(await moveButtons(a.page), ["archived"]);
  const entries = a.page.locator("#ticket-detail .timeline-entry");
  assert.equal(await entries.count(), 6, "the opening and five moves");
  await entries.filter({ hasText: "Joint de sortie commandé" }).waitFor();

  // Editing a field: saved, and live in B's list.
  await a.page.locator("#ticket-detail .ticket-edit [name=priority]").selectOption("critical");
  await a.page.locator("#ticket-detail .ticket-edit button[type=submit]").click();
  await a.page.locator("#ticket-detail .saved", { hasText: "Saved" }).waitFor();
  await b.page.locator("#ticket-detail > .ticket-meta .priority-critical").waitFor();

  // Back to the list: the filters narrow it (completed, this machine).
  await b.page.locator("#ticket-detail .back-to-list").click();
  await b.page.locator("#ticket-filters [name=status]").selectOption("completed");
  await b.page.locator(`#ticket-list li[data-id="${id}"]`).waitFor();
  await b.page.locator("#ticket-filters [name=status]").selectOption("received");
  await b.page.locator(`#ticket-list li[data-id="${id}"]`).waitFor({ state: "detached" });
  await b.page.locator("#ticket-filters [name=status]").selectOption("");
  await axe(b.page, "the tickets list");
  await b.page.screenshot({ path: join(shots, "desktop-tickets-board.png"), fullPage: true });

  for (const s of [a, b]) {
    assert.deepEqual(s.errors.map(String), []);
    await s.context.close();
  }
});

test("a technician on a phone: finds their ticket, moves it with a note, no sideways scrolling", async () => {
  const ticket = await api(service.url, "POST", "/api/tickets", { title: "Pompe à chaleur : pas de chauffe", priority: "high", assigneeId: team.b.id }, team.a.token);
  const tech = await signIn(team.b, phone);
  await tab(tech.page, "tickets").click();
  await tech.page.locator("#ticket-filters [name=assigneeId]").selectOption(team.b.id);
  await noOverflow(tech.page, "the tickets list on a phone");
  await axe(tech.page, "the tickets list on a phone");
  await tech.page.screenshot({ path: join(shots, "phone-tickets.png"), fullPage: true });

  await tech.page.locator(`#ticket-list li[data-id="${ticket.id}"] .ticket-title`).tap();
  await tech.page.locator("#ticket-detail .ticket-heading", { hasText: "Pompe à chaleur" }).waitFor();
  assert.equal(await tech.page.locator("#tickets-list-pane").isVisible(), false, "the ticket replaces the list");
  assert.deepEqual(await moveButtons(tech.page), ["diagnostic", "completed"]);
  await tech.page.locator("#move-note").fill("Sur place : fusible de la carte grillé");
  await tech.page.locator("#ticket-detail .moves button[data-status=diagnostic]").tap();
  await detailStatus(tech.page).filter({ hasText: "diagnostic" }).waitFor();
  await tech.page.locator("#ticket-detail .timeline-entry", { hasText: "fusible de la carte" }).waitFor();
  await noOverflow(tech.page, "a ticket on a phone");
  await axe(tech.page, "a ticket on a phone");
  await tech.page.screenshot({ path: join(shots, "phone-ticket.png"), fullPage: true });

  const history = await api(service.url, "GET", `/api/tickets/${ticket.id}/history`, undefined, team.b.token);
  assert.equal(history.at(-1).note, "Sur place : fusible de la carte grillé");
  assert.equal(history.at(-1).byUserId, team.b.id);
  assert.deepEqual(tech.errors.map(String), []);
  await tech.context.close();
});

test("machines: add one (the API's error beside the field), edit it, see its tickets", async () => {
  const a = await signIn(team.a);
  await tab(a.page, "machines").click();
  await a.page.locator("#new-machine").click();
  const dialog = a.page.locator("dialog[open]");
  await dialog.locator("button[type=submit]").click();
  await dialog.locator("[data-field=name] .field-error").waitFor();
  await dialog.locator("[name=name]").fill("Presse hydraulique P-40");
  await dialog.locator("[name=location]").fill("Atelier A");
  await dialog.locator("button[type=submit]").click();
  const card = a.page.locator(".machine", { hasText: "Presse hydraulique P-40" });
  await card.waitFor();

  await card.locator(".machine-edit").click();
  await a.page.locator("dialog[open] [name=location]").fill("Atelier C, poste 2");
  await a.page.locator("dialog[open] [name=serialNumber]").fill("PH-40-0172");
  await a.page.locator("dialog[open] button[type=submit]").click();
  await card.filter({ hasText: "Atelier C, poste 2 · S/N PH-40-0172" }).waitFor();
  await axe(a.page, "the machines view");
  await a.page.screenshot({ path: join(shots, "desktop-machines.png"), fullPage: true });

  const id = await card.getAttribute("data-id");
  await api(service.url, "POST", "/api/tickets", { title: "Presse : vérin qui fuit", machineId: id }, team.a.token);
  await card.locator(".machine-tickets").click();
  await a.page.locator("#ticket-list .ticket-title", { hasText: "Presse : vérin qui fuit" }).waitFor();
  assert.equal(await a.page.locator("#ticket-filters [name=machineId]").inputValue(), id);
  assert.equal(await a.page.locator("#ticket-list li").count(), 1, "only this machine's tickets");
  assert.deepEqual(a.errors.map(String), []);
  await a.context.close();
});

test("administration: invite and deactivate an agent (their open page is signed out), the last admin, an API key", async () => {
  const admin = await signIn(adminUser());
  const agentPage = await signIn(team.a);
  assert.equal(await tab(agentPage.page, "admin").isVisible(), false, "agents do not see the administration");
  await agentPage.context.close();

  await tab(admin.page, "admin").click();
  await admin.page.locator("#admin-users tr", { hasText: "Camille Martin" }).waitFor();

  // Invite, first with a password the API refuses: its message shows beside the password.
  const email = `ines-${Date.now()}@example.com`;
  await admin.page.locator("#invite-agent").click();
  const dialog = admin.page.locator("dialog[open]");
  await dialog.locator("[name=name]").fill("Inès Morel");
  await dialog.locator("[name=email]").fill(email);
  await dialog.locator("[name=password]").fill("short");
  await dialog.locator("button[type=submit]").click();
  await dialog.locator("[data-field=password] .field-error").waitFor();
  await dialog.locator("[name=password]").fill("premier mot de passe");
  await dialog.locator("button[type=submit]").click();
  const row = admin.page.locator("#admin-users tr", { hasText: email });
  await row.waitFor();

  // She signs in; deactivating her (asked once) signs her open page out.
  const ines = await signIn({ email, password: "premier mot de passe" });
  await row.locator("button.deactivate").click();
  await admin.page.locator("dialog[open] button.danger", { hasText: "Deactivate" }).click();
  await row.filter({ hasText: "Deactivated" }).waitFor();
  await ines.page.locator("#login-error", { hasText: "session ended" }).waitFor();
  assert.equal(await ines.page.locator("#app").isVisible(), false);
  await ines.context.close();
  await row.locator("button.reactivate").click();
  await row.filter({ hasText: "Active" }).locator("button.deactivate").waitFor();

  // The account's only active admin cannot make themselves an agent (a demotion is asked once, since it signs
  // the admin out): the API's 409 is shown.
  const me = admin.page.locator("#admin-users tr", { hasText: "(you)" });
  await me.locator("select.role-select").selectOption("agent");
  await admin.page.locator("dialog[open] button.danger", { hasText: "Make agent" }).click();
  await admin.page.locator("#users-error", { hasText: /admin/i }).waitFor();
  assert.equal(await me.locator("select.role-select").inputValue(), "admin");

  // An API key: shown once with a copy button, and it works.
  await admin.page.locator("#new-api-key").click();
  await admin.page.locator("dialog[open] [name=name]").fill("Passerelle e-mail");
  await admin.page.locator("dialog[open] button[type=submit]").click();
  const once = admin.page.locator("dialog.once[open]");
  await once.locator("button.copy").waitFor();
  const key = (await once.locator("code.secret").textContent()).trim();
  await axe(admin.page, "an API key shown once");
  await once.locator("button.primary", { hasText: "Done" }).click();
  await admin.page.locator("#admin-keys tr", { hasText: "Passerelle e-mail" }).waitFor();
  const res = await fetch(`${service.url}/api/tickets`, {
    method: "POST", headers: { "content-type": "application/json", "x-api-key": key }, body: JSON.stringify({ title: "Ouvert par la passerelle" }),
  });
  assert.equal(res.status, 201, "the new key opens tickets");
  assert.deepEqual(admin.errors.map(String), []);
  await admin.context.close();
});

test("administration: a webhook endpoint, a test post to a local receiver, and the attempt in the delivery log", async () => {
  const admin = await signIn(adminUser());
  await tab(admin.page, "admin").click();
  const url = `http://127.0.0.1:${receiver.address().port}/hooks/inbox`;
  await admin.page.locator("#new-endpoint").click();
  const dialog = admin.page.locator("dialog[open]");
  await dialog.locator("[name=url]").fill(url);
  assert.equal(await dialog.locator("input[name=events][value='ticket.overdue']").isChecked(), true);
  await dialog.locator("button[type=submit]").click();
  const once = admin.page.locator("dialog.once[open]");
  assert.match((await once.locator("code.secret").textContent()).trim(), /^whsec_/);
  await once.locator("button.primary", { hasText: "Done" }).click();

  const endpoint = admin.page.locator("#admin-webhooks .endpoint", { hasText: url });
  await endpoint.locator("button.send-test").click();
  await endpoint.locator(".test-result", { hasText: /^Answer: 200 in \d+ ms$/ }).waitFor();
  assert.equal(received.length, 1);
  assert.ok(received[0].headers["webhook-signature"]?.startsWith("v1,"), "the test post is signed");
  assert.equal(JSON.parse(received[0].body).type, "webhook.test");

  const logged = admin.page.locator("#admin-log tbody tr").first();
  await logged.locator(".log-status", { hasText: /^200$/ }).waitFor();
  assert.match(await logged.textContent(), /\d+ ms/);
  assert.match(await logged.textContent(), /hooks\/inbox/);
  await axe(admin.page, "the administration view");
  await admin.page.screenshot({ path: join(shots, "desktop-admin.png"), fullPage: true });
  assert.deepEqual(admin.errors.map(String), []);
  await admin.context.close();
});

test("every view at desktop and phone width: axe finds nothing serious, screenshots, no sideways scrolling on a phone", async () => {
  for (const [size, options] of [["desktop", desktop], ["phone", phone]]) {
    const s = await signIn(adminUser(), options);
    for (const view of ["conversations", "tickets", "machines", "admin"]) {
      await tab(s.page, view).click();
      await s.page.locator(`#view-${view}:not([hidden])`).waitFor();
      if (view === "admin") await s.page.locator("#admin-users tr").first().waitFor();
      await s.page.waitForLoadState("networkidle");
      await axe(s.page, `${view} (${size})`);
      if (size === "phone") await noOverflow(s.page, `${view} on a phone`);
      await s.page.screenshot({ path: join(shots, `${size}-view-${view}.png`), fullPage: true });
    }
    await s.page.locator("#search-input").fill("chaudière");
    await s.page.locator("#search-input").press("Enter");
    await s.page.locator("#view-search:not([hidden])").waitFor();
    await s.page.locator("#search-results li:not(.loading), #search-empty:not([hidden])").first().waitFor();
    await axe(s.page, `search (${size})`);
    await s.page.screenshot({ path: join(shots, `${size}-view-search.png`), fullPage: true });
    await s.page.locator("#search-sort").selectOption("recent");
    assert.deepEqual(s.errors.map(String), []);
    await s.context.close();
  }
});
