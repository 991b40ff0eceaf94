// Baseline: the seed's own architecture, a Node socket.io server that stores each posted message in PostgreSQL
// before it fans it out, as a NestJS + socket.io + TypeORM inbox would. Everything socketio-server.mjs does (token
// checked without the database, rooms, typing relayed), and POST /api/conversations/{id}/messages first INSERTs the
// message (npm `pg`, one statement, its own implicit transaction) into `node_messages`, a table with the columns
// of Inbox's `messages` row, in the same PostgreSQL cluster and database as the service, so with the same durability
// (fsync and synchronous_commit at the cluster's defaults); it emits `message.created` to the room and answers 201
// only once the INSERT has committed. Unlike Inbox it claims no per-conversation sequence under a row lock, updates
// no conversation, keeps no participants or unread counts and maintains no search index: it is the write floor of a
// hub that stores what it sends.
// Usage: node socketio-storing-server.mjs <port> (BENCH_JWT_KEY and BENCH_DATABASE_URL set).
import http from "node:http";
import pg from "pg";
import { Server } from "socket.io";
import { verifyToken } from "../lib/jwt.mjs";
import { handlePostMessage } from "../lib/post-message.mjs";

const port = Number(process.argv[2] ?? 5184);
const key = process.env.BENCH_JWT_KEY;
// As many connections as the load client keeps posts in flight (its httpConnections), so the pool never queues
// a post that PostgreSQL could take.
const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: Number(process.env.BENCH_PG_POOL ?? 32) });

// The same eleven columns as Inbox's messages (0002_conversations.sql), its primary key and a per-conversation
// ordering index (Inbox has messages_conversation_seq); no foreign keys, no generated search vector.
await pool.query(`
  CREATE TABLE IF NOT EXISTS node_messages (
    id uuid PRIMARY KEY, account_id uuid NOT NULL, conversation_id uuid NOT NULL, seq bigint NOT NULL,
    direction text NOT NULL, body text NOT NULL, sender_type text NOT NULL, sender_user_id uuid NULL,
    sender_api_key_id uuid NULL, sender_name text NOT NULL, created_at timestamptz NOT NULL);
  CREATE INDEX IF NOT EXISTS node_messages_conversation ON node_messages (conversation_id, seq)`);

let seq = Date.now() * 1000; // unique and increasing for this process: a stand-in for a sequence
const insert = "INSERT INTO node_messages (id, account_id, conversation_id, seq, direction, body, sender_type, sender_user_id, " +
  "sender_api_key_id, sender_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10)";
const store = (message, user) => pool.query({
  name: "node-insert-message", text: insert,
  values: [message.id, user.acc, message.conversationId, ++seq, message.direction, message.body, "user", user.sub, user.name, message.createdAt],
});

const server = http.createServer();
const io = new Server(server, { transports: ["websocket"], serveClient: false, maxHttpBufferSize: 16 * 1024 });

server.on("request", (req, res) => {
  if (req.url.startsWith("/socket.io/")) return; // engine.io answers these
  handlePostMessage(req, res, key, (conversationId, message) =>
    io.to(conversationId).emit("message.created", { conversationId, message }), store);
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

server.listen(port, "127.0.0.1", () => console.log(`storing socket.io baseline listening on 127.0.0.1:${port}`));
process.on("SIGTERM", () => pool.end().finally(() => process.exit(0)));
