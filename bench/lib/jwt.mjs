// HMAC-SHA256 JWTs shaped like the service's own access tokens (Infrastructure/Auth/AccessTokens.cs), so the load
// clients can hold thousands of authenticated sockets without thousands of password logins. The harness gives the
// service the same key through Auth__JwtSigningKey; the Node baselines verify with it too.
import { createHmac, timingSafeEqual } from "node:crypto";

const b64url = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

export function mintToken(key, { userId, accountId, role, name, sessionId }, lifetimeSeconds = 3 * 3600) {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url({ alg: "HS256", typ: "JWT" });
  const payload = b64url({
    iss: "inbox", aud: "inbox", iat: now, nbf: now - 5, exp: now + lifetimeSeconds,
    sub: userId, acc: accountId, role, name, sid: sessionId,
  });
  const signature = createHmac("sha256", key).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/** The claims of a valid, unexpired token signed with `key`; null otherwise. */
export function verifyToken(key, token) {
  const parts = typeof token === "string" ? token.split(".") : [];
  if (parts.length !== 3) return null;
  const expected = createHmac("sha256", key).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0], "base64url"));
    const claims = JSON.parse(Buffer.from(parts[1], "base64url"));
    if (header.alg !== "HS256" || claims.iss !== "inbox" || claims.aud !== "inbox") return null;
    if (typeof claims.exp !== "number" || claims.exp * 1000 < Date.now()) return null;
    return claims;
  } catch {
    return null;
  }
}
