// Starts the real service for a test file: a throwaway PostgreSQL cluster (initdb + pg_ctl in a temp folder, as
// the postgres user when running as root, since PostgreSQL refuses root) and the built Inbox.dll on a free
// loopback port, with the repository as content root so it serves wwwroot/ as it is now. Nothing is mocked.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, chmodSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const repo = resolve(import.meta.dirname, "../..");
const dll = process.env.INBOX_DLL ?? join(repo, "bin/Release/net10.0/Inbox.dll");
const isRoot = process.getuid?.() === 0;

/** A free loopback port (asked of the OS, then released). */
export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    }).on("error", fail);
  });
}

function pgBin(name) {
  const versions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql").sort().reverse() : [];
  for (const v of versions) if (existsSync(`/usr/lib/postgresql/${v}/bin/${name}`)) return `/usr/lib/postgresql/${v}/bin/${name}`;
  return name; // on PATH
}

function pg(name, args) {
  const [cmd, argv] = isRoot ? ["runuser", ["-u", "postgres", "--", pgBin(name), ...args]] : [pgBin(name), args];
  execFileSync(cmd, argv, { stdio: ["ignore", "ignore", "pipe"] });
}

/**
 * @param {Record<string, string>} [settings] extra service configuration (environment variable names)
 * @returns {Promise<{url: string, stop: () => Promise<void>, log: () => string, sql: (query: string) => string}>}
 * `sql` runs a statement on the service's database with psql (as the database's owner) and answers its rows,
 * one per line: for what no API does, such as cutting the service's own database connections.
 */
export async function startService(settings = {}) {
  if (!existsSync(dll)) {
    execFileSync("dotnet", ["build", join(repo, "Inbox.csproj"), "-c", "Release", "-nologo", "-v", "q"], { stdio: "inherit" });
  }
  const dir = mkdtempSync(join(tmpdir(), "inbox-js-"));
  chmodSync(dir, 0o755);
  const data = join(dir, "pg");
  if (isRoot) execFileSync("install", ["-d", "-o", "postgres", "-g", "postgres", "-m", "700", data]);
  pg("initdb", ["-D", data, "-U", "inbox", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"]);
  const pgPort = await freePort();
  pg("pg_ctl", ["-D", data, "-l", join(data, "server.log"), "-w", "-o",
    `-p ${pgPort} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off`, "start"]);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const service = spawn("dotnet", [dll, "--urls", url], {
    cwd: repo,
    env: {
      ...process.env,
      ASPNETCORE_ENVIRONMENT: "Development",
      DATABASE_URL: `Host=127.0.0.1;Port=${pgPort};Username=inbox;Database=postgres`,
      Auth__JwtSigningKey: "js-tests-signing-key-long-enough-for-hmac-sha256",
      // Every test signs in many times from 127.0.0.1 within a minute.
      Auth__LoginAttemptsPerMinutePerIp: "100000",
      Auth__LoginAttemptsPerMinutePerEmail: "100000",
      Logging__LogLevel__Default: "Warning",
      ...settings,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  service.stdout.on("data", (d) => { output += d; });
  service.stderr.on("data", (d) => { output += d; });
  const exited = new Promise((done) => service.on("exit", done));

  const stop = async () => {
    if (service.exitCode === null) { service.kill("SIGTERM"); await exited; }
    try { pg("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]); } catch { /* already stopped */ }
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready once /ready answers 200 (database reachable and migrated).
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (service.exitCode !== null) { await stop(); throw new Error(`the service exited:\n${output}`); }
    try { if ((await fetch(`${url}/ready`)).ok) break; } catch { /* not listening yet */ }
    if (Date.now() > deadline) { await stop(); throw new Error(`the service did not get ready:\n${output}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  const sql = (query) => execFileSync(pgBin("psql"),
    ["-h", "127.0.0.1", "-p", String(pgPort), "-U", "inbox", "-d", "postgres", "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", query],
    { stdio: ["ignore", "pipe", "pipe"] }).toString().trim();
  return { url, stop, log: () => output, sql };
}

/** Plain HTTP helper for test setup, outside the client under test. */
export async function api(url, method, path, body, token) {
  const res = await fetch(url + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

let counter = 0;

/**
 * A new account with an admin and two agents (Camille and Yanis), and a conversation with a customer that both
 * agents take part in. Returns their credentials and ids.
 */
export async function seedTeam(url) {
  const tag = `${Date.now().toString(36)}${++counter}`;
  const password = "correct horse battery";
  const admin = await api(url, "POST", "/api/accounts", { accountName: "Atelier Dubois", name: "Admin", email: `admin-${tag}@example.com`, password });
  const agent = async (name, local) => {
    const email = `${local}-${tag}@example.com`;
    const user = await api(url, "POST", "/api/users", { name, email, password, role: "agent" }, admin.accessToken);
    return { ...user, password, token: (await api(url, "POST", "/api/auth/login", { email, password })).accessToken };
  };
  const a = await agent("Camille Martin", "camille");
  const b = await agent("Yanis Benali", "yanis");
  const conversation = await api(url, "POST", "/api/conversations", {
    subject: "Chaudière en panne",
    channel: "email",
    contact: { name: "Hélène Garnier", email: `helene-${tag}@example.com` },
    assigneeId: a.id,
    participantIds: [a.id, b.id],
  }, a.token);
  return { admin, a, b, conversation, password };
}
