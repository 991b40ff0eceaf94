// The HTTP side the Node baselines share: POST /api/conversations/{id}/messages checked against the same access
// token as Inbox's, answered 201 with a message of the contract's shape and handed to `deliver(conversationId,
// message)` for the baseline's own fan-out; /ready answers 200; anything else 404. Nothing is stored, unless the
// baseline passes `store(message, claims)`: then the message is delivered and answered only once that promise
// resolves (the storing socket.io baseline's INSERT), and a failed store answers 500.
import { randomUUID } from "node:crypto";
import { verifyToken } from "./jwt.mjs";

const route = /^\/api\/conversations\/([0-9a-f-]{36})\/messages$/;

export function handlePostMessage(req, res, key, deliver, store = null) {
  const match = req.method === "POST" && route.exec(req.url);
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
    const answer = () => {
      deliver(match[1], message);
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(message));
    };
    if (!store) return answer();
    store(message, user).then(answer, (e) => {
      console.error(`store failed: ${e.message}`);
      res.writeHead(500).end();
    });
  });
}
