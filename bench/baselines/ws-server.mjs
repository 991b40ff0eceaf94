// Baseline: a minimal Node `ws` server doing Inbox's realtime fan-out job, speaking the same frames
// (docs/realtime.md) so one load client drives both. Sockets authenticate with the same access token in
// ?access_token= (HMAC checked, no database); `subscribe` joins a room (a conversation id); `typing` is relayed to
// the room's other users; POST /api/conversations/{id}/messages broadcasts `message.created` to the room, as the
// service does after storing the message. Nothing is stored.
// Usage: node ws-server.mjs <port> (BENCH_JWT_KEY in the environment).
import http from "node:http";
import { randomUUID } from "node:crypto";
import { WebSocketServer } from "ws";
import { verifyToken } from "../lib/jwt.mjs";
import { handlePostMessage } from "../lib/post-message.mjs";

const port = Number(process.argv[2] ?? 5101);
const key = process.env.BENCH_JWT_KEY;
const rooms = new Map(); // conversation id -> Set of sockets

function join(room, socket) {
  let members = rooms.get(room);
  if (!members) rooms.set(room, (members = new Set()));
  members.add(socket);
  socket.rooms.add(room);
}

function broadcast(room, frame, except) {
  const members = rooms.get(room);
  if (!members) return;
  const data = JSON.stringify(frame); // serialised once, like the service
  for (const socket of members) if (socket.user.sub !== except && socket.readyState === 1) socket.send(data);
}

const server = http.createServer((req, res) =>
  handlePostMessage(req, res, key, (conversationId, message) =>
    broadcast(conversationId, { type: "message.created", conversationId, message })));

const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
server.on("upgrade", (req, socket, head) => {
  const url = new URL(req.url, "http://localhost");
  const user = url.pathname === "/ws" ? verifyToken(key, url.searchParams.get("access_token")) : null;
  if (!user) {
    socket.end("HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n");
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.user = user;
    ws.rooms = new Set();
    ws.send(JSON.stringify({ type: "hello", connectionId: randomUUID(), userId: user.sub, heartbeatSeconds: 30, serverTime: new Date().toISOString() }));
    ws.on("message", (data) => {
      let frame;
      try {
        frame = JSON.parse(data);
      } catch {
        ws.send(JSON.stringify({ type: "error", code: "bad_frame", message: "the frame is not valid JSON" }));
        return;
      }
      if (frame.type === "subscribe") {
        join(frame.conversationId, ws);
        ws.send(JSON.stringify({ type: "subscribed", conversationId: frame.conversationId, ref: frame.ref }));
      } else if (frame.type === "typing" && ws.rooms.has(frame.conversationId)) {
        broadcast(frame.conversationId, { type: "typing", conversationId: frame.conversationId, userId: user.sub, name: user.name, state: frame.state }, user.sub);
      } else if (frame.type === "ping") {
        ws.send(JSON.stringify({ type: "pong", ref: frame.ref }));
      }
    });
    ws.on("close", () => {
      for (const room of ws.rooms) rooms.get(room)?.delete(ws);
    });
  });
});

server.listen(port, "127.0.0.1", () => console.log(`ws baseline listening on 127.0.0.1:${port}`));
process.on("SIGTERM", () => process.exit(0));
