// WebSocket load client: opens N authenticated sockets against Inbox (its plain WebSocket protocol,
// docs/realtime.md), the Node `ws` baseline (same frames) or the socket.io baseline, and runs one of three jobs:
//
//   idle    open every socket, report, hold them until "close" arrives on stdin (the harness reads the server's
//           RSS meanwhile), then close them.
//   fanout  every socket subscribes to its room; messages are POSTed over HTTP at stepped rates; each receipt's
//           latency is measured from the post's scheduled send time (so a slow server cannot hide its queueing).
//   typing  every socket subscribes to its room and sends typing frames at stepped rates; each relayed frame's
//           latency is measured from its send time (frames of one sender arrive in order, which pairs them).
//
// Usage: node ws-load.mjs <config.json>. Progress and results are JSON lines on stdout; the last line is
// {"event":"result",...}. Every wait is bounded; the process exits by itself.
import fs from "node:fs";
import http from "node:http";
import readline from "node:readline";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { io } from "socket.io-client";
import { summarise } from "../lib/stats.mjs";

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const { target, job } = config;
const emit = (event) => process.stdout.write(JSON.stringify(event) + "\n");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const deadline = setTimeout(() => {
  emit({ event: "error", message: `gave up after ${config.maxSeconds ?? 300} s` });
  process.exit(2);
}, (config.maxSeconds ?? 300) * 1000);

// ---- sockets ---------------------------------------------------------------------------------------------------

/** One client socket with the same small interface whatever the server: send(frame), onFrame(frame), close(). */
function connect(spec, index, onFrame) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket ${index}: no hello within 30 s`)), 30_000);
    const localAddress = config.sourceAddresses > 1 ? `127.0.0.${1 + (index % config.sourceAddresses)}` : undefined;
    if (target === "socketio") {
      const socket = io(config.baseUrl, {
        transports: ["websocket"], auth: { token: spec.token }, reconnection: false, forceNew: true, timeout: 30_000,
        ...(localAddress ? { localAddress } : {}),
      });
      const client = {
        send: (frame) => socket.emit(frame.type, frame),
        subscribe: (conversationId) => new Promise((done) => socket.emit("subscribe", { conversationId }, done)),
        close: () => socket.close(),
      };
      socket.on("hello", () => { clearTimeout(timer); resolve(client); });
      socket.on("message.created", (payload) => onFrame({ type: "message.created", ...payload }));
      socket.on("typing", (payload) => onFrame({ type: "typing", ...payload }));
      socket.on("connect_error", (e) => { clearTimeout(timer); reject(e); });
      return;
    }
    const ws = new WebSocket(`${config.wsUrl}?access_token=${encodeURIComponent(spec.token)}`, { perMessageDeflate: false, localAddress });
    const pending = new Map();
    const client = {
      send: (frame) => ws.send(JSON.stringify(frame)),
      subscribe: (conversationId) => new Promise((done) => {
        const ref = `s${index}-${conversationId}`;
        pending.set(ref, done);
        ws.send(JSON.stringify({ type: "subscribe", conversationId, ref }));
      }),
      close: () => ws.close(1000),
    };
    ws.on("message", (data) => {
      const text = data.toString();
      // Fast paths for the two frames the jobs count (Inbox and the ws baseline write their fields in the same
      // order), so the client spends as little as it can per frame and stays ahead of the server it measures.
      if (text.startsWith('{"type":"typing"')) {
        const at = text.indexOf('"userId":"') + 10;
        onFrame({ type: "typing", userId: text.slice(at, at + 36) });
        return;
      }
      if (text.startsWith('{"type":"message.created"')) {
        const at = text.indexOf('"body":"') + 8;
        onFrame({ type: "message.created", message: { body: text.slice(at, text.indexOf('"', at)) } });
        return;
      }
      const frame = JSON.parse(text);
      if (frame.type === "hello") { clearTimeout(timer); resolve(client); return; }
      if ((frame.type === "subscribed" || frame.type === "error") && pending.has(frame.ref)) {
        pending.get(frame.ref)(frame);
        pending.delete(frame.ref);
        return;
      }
      onFrame(frame);
    });
    ws.on("error", (e) => { clearTimeout(timer); reject(e); });
    ws.on("unexpected-response", (_, res) => { clearTimeout(timer); reject(new Error(`socket ${index}: HTTP ${res.statusCode}`)); });
  });
}

/** Opens every socket, `concurrency` handshakes at a time. */
async function openAll(onFrame) {
  const clients = new Array(config.sockets.length);
  let next = 0;
  const started = performance.now();
  async function worker() {
    while (next < config.sockets.length) {
      const i = next++;
      clients[i] = await connect(config.sockets[i], i, (frame) => onFrame(i, frame));
    }
  }
  await Promise.all(Array.from({ length: Math.min(config.concurrency ?? 100, config.sockets.length) }, worker));
  return { clients, seconds: (performance.now() - started) / 1000 };
}

// ---- jobs --------------------------------------------------------------------------------------------------------

let framesSeen = 0;
let lastFrameAt = performance.now();

async function idle() {
  const { clients, seconds } = await openAll(() => { framesSeen++; lastFrameAt = performance.now(); });
  // The server may still be telling every account who came online: wait until frames stop (bounded).
  const quietSince = performance.now();
  while (performance.now() - lastFrameAt < 2000 && performance.now() - quietSince < 60_000) await sleep(200);
  const pinger = setInterval(() => { if (target !== "socketio") for (const c of clients) c.send({ type: "ping" }); }, 20_000);
  emit({ event: "open", sockets: clients.length, openSeconds: seconds, framesSeen });
  const lines = readline.createInterface({ input: process.stdin });
  await new Promise((resolve) => lines.on("line", (line) => { if (line.trim() === "close") resolve(); }).on("close", resolve));
  clearInterval(pinger);
  for (const c of clients) c.close();
  await sleep(500);
  emit({ event: "result", sockets: clients.length, openSeconds: seconds, framesSeen });
}

/** Runs the stepped rates of a job: `runStep(rate, ms)` returns {sent, expected, latencies[], delivered}. */
async function stepped(runStep) {
  const steps = [];
  const bound = config.p99BoundMs;
  let good = null;
  let bad = null;
  const measure = async (rate) => {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const r = await runStep(rate, config.stepMs);
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const s = summarise(r.latencies);
    const complete = r.delivered >= r.expected * 0.99 && r.errors === 0;
    const step = {
      rate, sent: r.sent, expected: r.expected, delivered: r.delivered, errors: r.errors,
      // Over the time the step spent sending (a typing step rounds its frame count up to whole start/stop pairs).
      deliveredPerSecond: r.delivered / (r.sent / rate),
      p50: s.p50, p95: s.p95, p99: complete ? s.p99 : Infinity, max: s.max,
      clientCpuPercent: ((cpu.user + cpu.system) / 1000 / (elapsed * 1000)) * 100,
    };
    step.ok = complete && step.p99 <= bound;
    steps.push(step);
    emit({ event: "step", ...step });
    await sleep(config.pauseMs ?? 300);
    return step;
  };
  // Warm-up at the starting rate, not counted.
  await runStep(config.startRate, config.warmupMs ?? 2000);
  await sleep(300);
  // Climb by doubling from the starting rate until a step misses the bound; if the very first one misses it,
  // halve instead (a few times at most) until one meets it.
  let rate = config.startRate;
  const first = await measure(rate);
  if (first.ok) {
    good = first;
    while (rate * 2 <= config.maxRate) {
      rate *= 2;
      const step = await measure(rate);
      if (step.ok) good = step;
      else { bad = step; break; }
    }
  } else {
    bad = first;
    for (let i = 0; i < 4 && !good; i++) {
      rate = Math.max(1, Math.round(rate / 2));
      const step = await measure(rate);
      if (step.ok) good = step; else bad = step;
    }
  }
  // Bisection steps between the last good rate and the first bad one sharpen the answer.
  for (let i = 0; good && bad && i < (config.refine ?? 1); i++) {
    const step = await measure(Math.round((good.rate + bad.rate) / 2));
    if (step.ok) good = step; else bad = step;
  }
  return { steps, best: good };
}

async function subscribeAll(clients) {
  let next = 0;
  async function worker() {
    while (next < clients.length) {
      const i = next++;
      const answer = await clients[i].subscribe(config.sockets[i].room);
      if (answer?.type === "error") throw new Error(`socket ${i}: subscribe refused: ${answer.code}`);
    }
  }
  await Promise.all(Array.from({ length: 50 }, worker));
}

async function fanout() {
  let step = null; // { scheduled: Float64Array per post, latencies: [], delivered }
  const { clients, seconds } = await openAll((_, frame) => {
    if (frame.type !== "message.created" || !step) return;
    const [tag, stepId, k] = frame.message.body.split(" ");
    if (tag !== "bench" || Number(stepId) !== step.id) return;
    step.latencies.push(performance.now() - step.scheduled[Number(k)]);
    step.delivered++;
  });
  await subscribeAll(clients);
  emit({ event: "open", sockets: clients.length, openSeconds: seconds });

  const agent = new http.Agent({ keepAlive: true, maxSockets: config.httpConnections ?? 32 });
  const rooms = config.posts; // [{ room, token }] one poster per room
  const members = config.sockets.length / rooms.length;
  let stepCounter = 0;

  const post = (room, token, body) => new Promise((resolve) => {
    const payload = JSON.stringify({ body });
    const req = http.request(`${config.baseUrl}/api/conversations/${room}/messages`, {
      method: "POST", agent,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
    }, (res) => { res.resume(); res.on("end", () => resolve(res.statusCode === 201)); });
    req.on("error", () => resolve(false));
    req.end(payload);
  });

  const runStep = async (rate, ms) => {
    const total = Math.max(1, Math.round((rate * ms) / 1000));
    step = { id: ++stepCounter, scheduled: new Float64Array(total), latencies: [], delivered: 0 };
    const current = step;
    let errors = 0;
    const inflight = [];
    const started = performance.now();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
      for (; sent < due; sent++) {
        current.scheduled[sent] = started + (sent * 1000) / rate;
        const { room, token } = rooms[sent % rooms.length];
        inflight.push(post(room, token, `bench ${current.id} ${sent}`).then((ok) => { if (!ok) errors++; }));
      }
      await sleep(2);
    }
    await Promise.race([Promise.all(inflight), sleep(10_000)]);
    const expected = total * members;
    const drainUntil = performance.now() + 2000;
    while (current.delivered < expected && performance.now() < drainUntil) await sleep(20);
    step = null;
    return { sent: total, expected, delivered: current.delivered, latencies: current.latencies, errors };
  };

  const result = await stepped(runStep);
  for (const c of clients) c.close();
  agent.destroy();
  emit({ event: "result", job, target, sockets: clients.length, rooms: rooms.length, ...result });
}

async function typing() {
  let step = null;
  const userIndex = new Map(config.sockets.map((s, i) => [s.userId, i]));
  const { clients, seconds } = await openAll((receiver, frame) => {
    if (frame.type !== "typing" || !step) return;
    const sender = userIndex.get(frame.userId);
    if (sender === undefined) return;
    const key = receiver * config.sockets.length + sender;
    const k = step.received.get(key) ?? 0;
    step.received.set(key, k + 1);
    const sentAt = step.sendTimes[sender][k];
    if (sentAt === undefined) return;
    step.latencies.push(performance.now() - sentAt);
    step.delivered++;
  });
  await subscribeAll(clients);
  emit({ event: "open", sockets: clients.length, openSeconds: seconds });
  const members = config.sockets.length / new Set(config.sockets.map((s) => s.room)).size;

  const runStep = async (rate, ms) => {
    // rate = frames per second over all sockets, round-robin; each sender alternates start and stop and ends on
    // stop, so no start is left to expire into a server-made stop frame.
    const n = clients.length;
    const total = Math.max(2 * n, 2 * n * Math.round((rate * ms) / 1000 / (2 * n)));
    step = { sendTimes: Array.from({ length: n }, () => []), received: new Map(), latencies: [], delivered: 0 };
    const current = step;
    const started = performance.now();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
      for (; sent < due; sent++) {
        const i = sent % n;
        const times = current.sendTimes[i];
        times.push(performance.now());
        clients[i].send({ type: "typing", conversationId: config.sockets[i].room, state: times.length % 2 === 1 ? "start" : "stop" });
      }
      await sleep(1);
    }
    const expected = total * (members - 1);
    const drainUntil = performance.now() + 2000;
    while (current.delivered < expected && performance.now() < drainUntil) await sleep(20);
    step = null;
    return { sent: total, expected, delivered: current.delivered, latencies: current.latencies, errors: 0 };
  };

  const result = await stepped(runStep);
  for (const c of clients) c.close();
  emit({ event: "result", job, target, sockets: clients.length, ...result });
}

try {
  if (job === "idle") await idle();
  else if (job === "fanout") await fanout();
  else if (job === "typing") await typing();
  else throw new Error(`unknown job ${job}`);
} catch (e) {
  emit({ event: "error", message: String(e?.stack ?? e) });
  process.exitCode = 1;
}
clearTimeout(deadline);
await sleep(200);
process.exit();
