// Baseline: a socket.io server with rooms doing Inbox's realtime fan-out job, the way a NestJS + socket.io inbox
// would: the socket authenticates with the access token (HMAC checked, no database), `subscribe` joins the room of
// a conversation, `typing` is relayed to the room's other sockets, and POST /api/conversations/{id}/messages emits
// `message.created` to the room. Nothing is stored. Usage: node socketio-server.mjs <port> (BENCH_JWT_KEY set).
import http from "node:http";
import { randomUUID } from "node:crypto";
import { Server } from "socket.io";
import { verifyToken } from "../lib/jwt.mjs";

const port = Number(process.argv[2] ?? 5102);
const key = process.env.BENCH_JWT_KEY;

const server = http.createServer();
const io = new Server(server, { transports: ["websocket"], serveClient: false, maxHttpBufferSize: 16 * 1024 });

server.on("request", (req, res) => {
  if (req.url.startsWith("/socket.io/")) return; // engine.io answers these
  const match = req.method === "POST" && /^\/api\/conversations\/([0-9a-f-]{36})\/messages$/.exec(req.url);
  if (!match) {
    res.writeHead(req.url === "/ready" ? 200 : 404, { "content-type": "application/json" }).end('{"status":"ready"}');
    return;
  }
  const user = verifyToken(key, (req.headers.authorization ?? "").replace(/^Bearer /, ""));
  if (!user) {
    res.writeHead(401).end();
    return;
  }
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    const { body: text } = JSON.parse(body);
    const message = {
      id: randomUUID(), conversationId: match[1], direction: "outgoing", body: text,
      sender: { type: "user", id: user.sub, name: user.name }, createdAt: new Date().toISOString(),
    };
    io.to(match[1]).emit("message.created", { conversationId: match[1], message });
    res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(message));
  });
});

io.use((socket, next) => {
  const user = verifyToken(key, socket.handshake.auth?.token);
  if (!user) return next(new Error("unauthorized"));
  socket.data.user = user;
  next();
});

io.on("connection", (socket) => {
  const user = socket.data.user;
  socket.emit("hello", { connectionId: socket.id, userId: user.sub, heartbeatSeconds: 30, serverTime: new Date().toISOString() });
  socket.on("subscribe", ({ conversationId }, ack) => {
    socket.join(conversationId);
    if (typeof ack === "function") ack({ conversationId });
  });
  socket.on("typing", ({ conversationId, state }) => {
    if (socket.rooms.has(conversationId))
      socket.to(conversationId).emit("typing", { conversationId, userId: user.sub, name: user.name, state });
  });
});

server.listen(port, "127.0.0.1", () => console.log(`socket.io baseline listening on 127.0.0.1:${port}`));
process.on("SIGTERM", () => process.exit(0));
