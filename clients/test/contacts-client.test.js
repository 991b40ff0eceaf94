// The client's contact methods (API.md "Contacts and leads (v2)") against the real service: create (with an
// Idempotency-Key, and the 409 naming the existing contact), list with each filter and paging, get, patch (field
// errors), the lead workflow (allowed moves, the 409, the history), a contact's conversations, merge, the CSV
// import with dryRun and for real, the export, and `contact.updated` frames over the socket.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startService, seedTeam } from "./service.js";
import { InboxClient, InboxError, nextLeadStatuses, LEAD_STATUSES } from "../../wwwroot/inbox-client.js";

let service, team, admin, agent;
const clients = [];

before(async () => {
  service = await startService();
  team = await seedTeam(service.url);
  admin = await clientFor({ email: team.admin.user.email, password: team.password });
  agent = await clientFor(team.a);
});

after(async () => {
  for (const c of clients) c.close();
  await service?.stop();
});

async function clientFor(user) {
  const client = new InboxClient({ baseUrl: service.url, backoffMs: 100, maxBackoffMs: 800 });
  clients.push(client);
  await client.login(user.email, user.password);
  return client;
}

/** Resolves with the first event of `type` that `match` accepts (the test runner's timeout bounds it). */
function next(client, type, match = () => true) {
  return new Promise((resolve) => {
    const off = client.on(type, (e) => { if (match(e)) { off(); resolve(e); } });
  });
}

/** The InboxError a promise rejects with (fails if it resolves). */
async function refusal(promise) {
  try { await promise; } catch (e) { assert.ok(e instanceof InboxError, String(e)); return e; }
  assert.fail("expected the call to be refused");
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;

test("the lead workflow helper follows the contract", () => {
  assert.deepEqual(LEAD_STATUSES, ["new", "contacted", "qualified", "won", "lost"]);
  assert.deepEqual(nextLeadStatuses("new"), ["contacted"]);
  assert.deepEqual(nextLeadStatuses("qualified"), ["new", "won", "lost"]);
  assert.deepEqual(nextLeadStatuses("won"), ["new"]);
});

test("creates a contact once per Idempotency-Key, refuses a duplicate email naming the existing contact, gets and patches it", async () => {
  const tag = unique();
  const body = { name: "Léa Fontaine", email: `Lea.${tag}@Example.com `, phone: "+33 6 12 34 56 78", company: "Fontaine SARL", source: "website", score: 40 };
  const key = `key-${tag}`;
  const first = await agent.createContact(body, { idempotencyKey: key });
  const again = await agent.createContact(body, { idempotencyKey: key });
  assert.equal(again.id, first.id, "the same key makes one contact");
  assert.equal(first.email, `Lea.${tag}@Example.com`, "stored trimmed");
  assert.equal(first.phone, "+33612345678", "stored in E.164");
  assert.equal(first.leadStatus, "new");

  const duplicate = await refusal(agent.createContact({ name: "Someone else", email: `lea.${tag}@example.com` }));
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.problem.existingContactId, first.id);

  assert.deepEqual(await agent.contact(first.id), first);
  const patched = await agent.updateContact(first.id, { company: null, score: 75, ownerId: team.a.id });
  assert.equal(patched.company, null, "null clears");
  assert.equal(patched.score, 75);
  assert.equal(patched.ownerId, team.a.id);
  assert.equal(patched.name, "Léa Fontaine", "absent stays");

  const badPhone = await refusal(agent.updateContact(first.id, { phone: "not a phone" }));
  assert.equal(badPhone.status, 400);
  assert.ok(Object.keys(badPhone.problem.errors).some((k) => k.toLowerCase() === "phone"), JSON.stringify(badPhone.problem));
  const badScore = await refusal(agent.updateContact(first.id, { score: 101 }));
  assert.equal(badScore.status, 400);
  assert.ok(Object.keys(badScore.problem.errors).some((k) => k.toLowerCase() === "score"), JSON.stringify(badScore.problem));
});

test("lists with each filter and pages with the cursor", async () => {
  const tag = unique();
  const made = [];
  for (let i = 0; i < 3; i++) made.push(await agent.createContact({ name: `Pagination ${tag} ${i}`, source: `src-${tag}` }));
  const other = await agent.createContact({ name: `Zoé Other${tag}`, source: `src-${tag}`, ownerId: team.b.id });
  await agent.changeLeadStatus(other.id, "contacted");

  const bySource = await agent.contacts({ source: `src-${tag}`, limit: 10 });
  assert.deepEqual(new Set(bySource.items.map((c) => c.id)), new Set([...made, other].map((c) => c.id)));
  assert.deepEqual((await agent.contacts({ source: `src-${tag}`, leadStatus: "contacted" })).items.map((c) => c.id), [other.id]);
  assert.deepEqual((await agent.contacts({ source: `src-${tag}`, ownerId: team.b.id })).items.map((c) => c.id), [other.id]);
  assert.deepEqual((await agent.contacts({ q: `other${tag}` })).items.map((c) => c.id), [other.id]);

  const seen = [];
  let page = await agent.contacts({ source: `src-${tag}`, limit: 2 });
  seen.push(...page.items);
  assert.ok(page.nextCursor, "a second page");
  page = await agent.contacts({ source: `src-${tag}`, limit: 2, cursor: page.nextCursor });
  seen.push(...page.items);
  assert.equal(seen.length, 4);
  assert.equal(new Set(seen.map((c) => c.id)).size, 4, "no contact twice across pages");
});

test("the lead workflow: allowed moves, a 409 naming the allowed ones, the history, and contact.updated live to a colleague", async () => {
  const contact = await agent.createContact({ name: `Lead ${unique()}` });
  const colleague = await clientFor(team.b);
  const live = next(colleague, "connected");
  colleague.connect();
  await live;

  const seen = next(colleague, "contact.updated", (e) => e.contact.id === contact.id && e.contact.leadStatus === "contacted");
  const moved = await agent.changeLeadStatus(contact.id, "contacted", "Called back");
  assert.equal(moved.leadStatus, "contacted");
  assert.equal((await seen).contact.leadStatus, "contacted");

  const refused = await refusal(agent.changeLeadStatus(contact.id, "won"));
  assert.equal(refused.status, 409);
  for (const s of nextLeadStatuses("contacted")) assert.match(refused.problem.detail, new RegExp(s));

  await agent.changeLeadStatus(contact.id, "qualified");
  await agent.changeLeadStatus(contact.id, "won");
  const history = await agent.contactHistory(contact.id);
  const moves = history.filter((e) => e.from !== null).map((e) => [e.from, e.to]);
  assert.deepEqual(moves, [["new", "contacted"], ["contacted", "qualified"], ["qualified", "won"]]);
  assert.equal(history.find((e) => e.to === "contacted").note, "Called back");
  assert.equal(history.find((e) => e.to === "contacted").byUserId, team.a.id);
});

test("a contact's conversations, and merging a duplicate into it", async () => {
  const tag = unique();
  const conversation = await agent.startConversation({ subject: "Devis", channel: "web", contact: { name: "Marc Petit", email: `marc-${tag}@example.com` } });
  assert.ok(conversation.contact.id, "the conversation names its contact");
  const keep = await agent.contact(conversation.contact.id);
  const duplicate = await agent.createContact({ name: "M. Petit", phone: "+33 7 00 00 00 01", company: "Petit & Fils" });
  const second = await agent.startConversation({ subject: "Relance", channel: "web", contact: { id: duplicate.id } });

  assert.deepEqual((await agent.contactConversations(keep.id)).items.map((c) => c.id), [conversation.id]);
  const refused = await refusal(agent.mergeContacts(keep.id, duplicate.id));
  assert.equal(refused.status, 403, "merge is for admins");

  const merged = await admin.mergeContacts(keep.id, duplicate.id);
  assert.equal(merged.id, keep.id);
  assert.equal(merged.name, "Marc Petit", "the survivor's fields win");
  assert.equal(merged.company, "Petit & Fils", "empty fields are filled from the duplicate");
  assert.equal(merged.phone, "+33700000001");
  assert.deepEqual(new Set((await agent.contactConversations(keep.id)).items.map((c) => c.id)), new Set([conversation.id, second.id]));
  assert.equal((await refusal(agent.contact(duplicate.id))).status, 404);
});

test("imports a CSV: the dry run reports each row (a bad phone skipped) and writes nothing, then the import creates the good rows; export lists them", async () => {
  const tag = unique();
  const csv = "\uFEFFName;Email;Phone;Lead Status;Score;Region\r\n"
    + `Ana Ruiz;ana-${tag}@example.com;+34 612 34 56 78;contacted;30;Sud\r\n`
    + `"Bad, Phone";bad-${tag}@example.com;not a phone;new;10;Nord\r\n`
    + `Olga Berg;olga-${tag}@example.com;;qualified;80;"Est\nOuest"\r\n`;
  const dry = await admin.importContacts(csv, { dryRun: true });
  assert.equal(dry.created, 2);
  assert.equal(dry.skipped, 1);
  const bad = dry.rows.find((r) => r.action === "skipped");
  assert.ok(bad.errors.some((e) => /phone/i.test(e)), JSON.stringify(bad));
  assert.equal((await admin.contacts({ q: `ana-${tag}` })).items.length, 0, "a dry run writes nothing");

  const done = await admin.importContacts(new Blob([csv], { type: "text/csv" }));
  assert.deepEqual([done.created, done.updated, done.skipped], [2, 0, 1]);
  const ana = await admin.contact(done.rows.find((r) => r.action === "created").contactId);
  assert.equal(ana.leadStatus, "contacted");
  assert.equal(ana.phone, "+34612345678");

  const again = await admin.importContacts(csv);
  assert.deepEqual([again.created, again.updated, again.skipped], [0, 2, 1], "matched by email the second time");

  const exported = await admin.exportContacts();
  assert.match(exported, new RegExp(`ana-${tag}@example.com`));
  assert.equal(admin.contactsExportUrl, `${service.url}/api/contacts/export`);
  assert.equal((await refusal(agent.importContacts(csv, { dryRun: true }))).status, 403, "import is for admins");
});
