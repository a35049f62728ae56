/**
 * How a browser signs in to the console without the token ever appearing in a
 * URL: a link carries a one-time code (spent on first use, short-lived), which
 * the API exchanges for an HttpOnly, SameSite=Strict cookie holding this
 * process's session secret. A restart ends every session.
 */
import { createHash, randomBytes } from "node:crypto";
import { sameSecret } from "./access-rules.ts";

export const SESSION_COOKIE = "kn_local_console";
export const LOGIN_CODE_TTL_MS = 10 * 60_000;
/** Codes not yet used; the oldest goes when a new one would exceed this. */
const MAX_OPEN_CODES = 16;

const digest = (code: string) => createHash("sha256").update(code, "utf8").digest("hex");

export class ConsoleSessions {
  private readonly secret = randomBytes(32).toString("base64url");
  /** sha256 of each open code -> when it expires. */
  private readonly codes = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = LOGIN_CODE_TTL_MS,
  ) {}

  newLoginCode(): string {
    const now = this.now();
    for (const [hash, expires] of this.codes) if (expires <= now) this.codes.delete(hash);
    while (this.codes.size >= MAX_OPEN_CODES) this.codes.delete(this.codes.keys().next().value as string);
    const code = randomBytes(24).toString("base64url");
    this.codes.set(digest(code), now + this.ttlMs);
    return code;
  }

  /** The session secret for the cookie when the code is open and unexpired; the code is spent either way. */
  redeem(code: string): string | undefined {
    const hash = digest(code);
    const expires = this.codes.get(hash);
    this.codes.delete(hash);
    return expires !== undefined && this.now() < expires ? this.secret : undefined;
  }

  isSession(candidate: string): boolean {
    return sameSecret(candidate, this.secret);
  }
}
