// Processes for the harness: commands pinned to a core with taskset, long-running servers, psql, RSS.
import { spawn } from "node:child_process";
import fs from "node:fs";

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** ["taskset", "-c", cpu, ...command] when pinning is on, else the command as it is. */
export const pinned = (cpu, command) => (cpu === null || cpu === undefined ? command : ["taskset", "-c", String(cpu), ...command]);

/**
 * Runs a command to its end, bounded by `timeoutMs`; resolves { code, stdout, stderr }. Rejects on a non-zero exit
 * unless `allowFailure`.
 */
export function run(command, { env, cwd, input, timeoutMs = 300_000, allowFailure = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { env: { ...process.env, ...env }, cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0 && !allowFailure) reject(new Error(`${command.join(" ")} exited ${code}: ${stderr.slice(-2000) || stdout.slice(-2000)}`));
      else resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** A long-running process (the service, a baseline server) with its output in a log file. */
export function startServer(command, { env, cwd, log }) {
  const out = fs.openSync(log, "a");
  const child = spawn(command[0], command.slice(1), { env: { ...process.env, ...env }, cwd, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return {
    child,
    pid: child.pid,
    exited,
    async stop(timeoutMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const done = await Promise.race([exited, sleep(timeoutMs).then(() => null)]);
      if (!done) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/** Polls `url` until it answers 200 (bounded); resolves the milliseconds it took from `since`. */
export async function waitHttp200(url, { since = performance.now(), timeoutMs = 60_000, intervalMs = 10, process: proc } = {}) {
  while (performance.now() - since < timeoutMs) {
    if (proc && (proc.child.exitCode !== null || proc.child.signalCode !== null)) throw new Error(`${url}: the process exited`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - since;
    } catch {
      // not listening yet
    }
    await sleep(intervalMs);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** Resident memory of a process in bytes, from /proc/PID/status (VmRSS). */
export function rssBytes(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]);
  return kb * 1024;
}
