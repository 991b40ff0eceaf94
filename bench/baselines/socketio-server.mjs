// Baseline: a socket.io server with rooms doing Inbox's realtime fan-out job, the way a NestJS + socket.io inbox
// would: the socket authenticates with the access token (HMAC checked, no database), `subscribe` joins the room of
// a conversation, `typing` is relayed to the room's other sockets, and POST /api/conversations/{id}/messages emits
// `message.created` to the room. Nothing is stored. Usage: node socketio-server.mjs <port> (BENCH_JWT_KEY set).
import http from "node:http";
import { Server } from "socket.io";
import { verifyToken } from "../lib/jwt.mjs";
import { handlePostMessage } from "../lib/post-message.mjs";

const port = Number(process.argv[2] ?? 5102);
const key = process.env.BENCH_JWT_KEY;

const server = http.createServer();
const io = new Server(server, { transports: ["websocket"], serveClient: false, maxHttpBufferSize: 16 * 1024 });

server.on("request", (req, res) => {
  if (req.url.startsWith("/socket.io/")) return; // engine.io answers these
  handlePostMessage(req, res, key, (conversationId, message) =>
    io.to(conversationId).emit("message.created", { conversationId, message }));
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
