/**
 * Server-side sessions in Redis: the API key a tenant signed in with, and the
 * CSRF token of its forms. Idle sessions end after `idleSeconds`; every
 * session ends `maxAgeSeconds` after sign-in.
 */
import type { Redis } from "@platform/kit";
import { isWellFormedToken, newToken, seal, storageId, unseal } from "./session-crypto.ts";

export interface Session {
  apiKey: string;
  csrfToken: string;
  signedInAt: number;
}

export interface SessionOptions {
  idleSeconds?: number;
  maxAgeSeconds?: number;
  now?: () => number;
}

const PREFIX = "web:session:";

export class SessionStore {
  readonly idleSeconds: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    options: SessionOptions = {},
  ) {
    this.idleSeconds = options.idleSeconds ?? 8 * 3600;
    this.maxAgeMs = (options.maxAgeSeconds ?? 24 * 3600) * 1000;
    this.now = options.now ?? Date.now;
  }

  /** A new session; the returned token goes into the cookie and nowhere else. */
  async create(apiKey: string): Promise<{ token: string; session: Session }> {
    const token = newToken();
    const session: Session = { apiKey, csrfToken: newToken(), signedInAt: this.now() };
    const sealed = seal(token, JSON.stringify(session));
    await this.redis.set(PREFIX + storageId(token), sealed, "EX", this.idleSeconds);
    return { token, session };
  }

  /** The session of a cookie's token (its idle timer restarted), or undefined. Throws when Redis cannot answer. */
  async read(token: string | undefined): Promise<Session | undefined> {
    if (!isWellFormedToken(token)) return undefined;
    const key = PREFIX + storageId(token);
    const sealed = await this.redis.getex(key, "EX", this.idleSeconds);
    if (!sealed) return undefined;
    const text = unseal(token, sealed);
    const session = text === undefined ? undefined : (JSON.parse(text) as Session);
    if (!session || this.now() - session.signedInAt > this.maxAgeMs) {
      await this.redis.del(key);
      return undefined;
    }
    return session;
  }

  async destroy(token: string | undefined): Promise<void> {
    if (isWellFormedToken(token)) await this.redis.del(PREFIX + storageId(token));
  }
}
