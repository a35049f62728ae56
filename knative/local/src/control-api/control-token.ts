/**
 * The control API's token: 32 random bytes made at the first `npm start`,
 * kept in a file only its owner can read (.data/control-token, mode 600),
 * read by the CLI and the load-test runner.
 */

import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const MIN_LENGTH = 32;

export class ControlTokenError extends Error {}

/** The token kept at `path`, made there first when there is none; `created` says which. */
export function loadOrCreateControlToken(path: string): { token: string; created: boolean } {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    const token = randomBytes(32).toString("base64url");
    try {
      writeFileSync(path, `${token}\n`, { mode: 0o600, flag: "wx" });
      return { token, created: true };
    } catch (error) {
      // Another process made it between the check and the write: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return { token: readControlToken(path) as string, created: false };
}

/** The token at `path`, or undefined when there is no such file. */
export function readControlToken(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const token = readFileSync(path, "utf8").trim();
  if (token.length < MIN_LENGTH || /\s/.test(token)) {
    throw new ControlTokenError(
      `${path} holds no usable token (${MIN_LENGTH} or more characters, no spaces); delete it and start the platform again to make a new one`,
    );
  }
  return token;
}
