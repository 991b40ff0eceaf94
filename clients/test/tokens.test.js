// The client's token handling against the real service, with access tokens that live 3 seconds.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startService, seedTeam } from "./service.js";
import { InboxClient } from "../../wwwroot/inbox-client.js";

let service, team;

before(async () => {
  service = await startService({ Auth__AccessTokenLifetime: "00:00:03" });
  team = await seedTeam(service.url);
});

after(async () => service?.stop());

function nextSession(client) {
  return new Promise((resolve) => { const off = client.on("session", (e) => { off(); resolve(e.session); }); });
}

test("refreshes the access token before it expires, by itself", async () => {
  const client = new InboxClient({ baseUrl: service.url });
  const first = await client.login(team.a.email, team.a.password);
  // A 3 s token is refreshed halfway (the margin is capped at half its life): no request needed.
  const second = await nextSession(client);
  assert.notEqual(second.accessToken, first.accessToken);
  assert.notEqual(second.refreshToken, first.refreshToken);
  assert.equal(second.user.id, team.a.id, "the user is kept across refreshes");
  assert.ok(Date.parse(second.expiresAt) > Date.parse(first.expiresAt));
  assert.equal((await client.me()).id, team.a.id);
  await client.logout();
});

test("a 401 refreshes once and retries the request", async () => {
  const client = new InboxClient({ baseUrl: service.url });
  const session = await client.login(team.b.email, team.b.password);
  // A token the server refuses, while the client believes it is valid for an hour.
  await client.restore({ ...session, accessToken: "not-a-token", expiresAt: new Date(Date.now() + 3600_000).toISOString() });
  assert.equal((await client.me()).id, team.b.id);
  assert.notEqual(client.session.accessToken, "not-a-token");
  await client.logout();
});

test("concurrent refreshes share one request, so the single-use refresh token is never presented twice", async () => {
  const client = new InboxClient({ baseUrl: service.url });
  await client.login(team.a.email, team.a.password);
  const [x, y] = await Promise.all([client.refresh(), client.refresh()]);
  assert.equal(x, y);
  // Had the spent token been presented twice, the server would have ended the session.
  assert.equal((await client.me()).id, team.a.id);
  await client.logout();
});

test("a refused refresh signs the client out", async () => {
  const client = new InboxClient({ baseUrl: service.url });
  const session = await client.login(team.b.email, team.b.password);
  await client.restore({ ...session, refreshToken: "spent-or-forged", expiresAt: new Date(Date.now() + 3600_000).toISOString() });
  const signedOut = nextSession(client);
  await assert.rejects(client.refresh(), (e) => e.status === 401);
  assert.equal(await signedOut, null);
  assert.equal(client.session, null);
});
