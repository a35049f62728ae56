/**
 * A session's secrets derive from the token in its cookie: the Redis key is
 * an HMAC of the token and the record (the tenant's API key) is sealed with
 * AES-256-GCM under another HMAC of it. Redis alone yields neither a usable
 * cookie nor an API key; the browser holds only the token, never the key.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function isWellFormedToken(value: string | undefined): value is string {
  return value !== undefined && TOKEN.test(value);
}

const derive = (token: string, purpose: string) => createHmac("sha256", token).update(purpose).digest();

export function storageId(token: string): string {
  return derive(token, "web-session-id").toString("base64url");
}

export function seal(token: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derive(token, "web-session-key"), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** The plaintext, or undefined when `sealed` was not sealed under this token or was altered. */
export function unseal(token: string, sealed: string): string | undefined {
  const bytes = Buffer.from(sealed, "base64url");
  if (bytes.length < 28) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", derive(token, "web-session-key"), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
