import { randomInt } from "node:crypto";

/** No 0/O or 1/l/I: codes are read aloud and typed from print. */
const ALPHABET = "23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
export const GENERATED_CODE_LENGTH = 7;

/** 57^7 ≈ 1.95e12 codes; a collision is retried with a fresh code. */
export function generateCode(random: (max: number) => number = randomInt): string {
  let code = "";
  for (let i = 0; i < GENERATED_CODE_LENGTH; i++) code += ALPHABET[random(ALPHABET.length)];
  return code;
}

export const CUSTOM_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/;

/** Paths the redirect function answers itself; a link cannot take them. */
export const RESERVED_CODES = new Set([
  "health",
  "metrics",
  "api",
  "docs",
  "openapi.json",
  "favicon.ico",
  "robots.txt",
  "links",
  "stats",
  "admin",
]);

/** Why a custom code is refused, or undefined when it is fine. */
export function customCodeProblem(code: string): string | undefined {
  if (!CUSTOM_CODE_PATTERN.test(code)) {
    return "must be 3 to 64 letters, digits, '-' or '_', starting with a letter or digit";
  }
  if (RESERVED_CODES.has(code.toLowerCase())) return `'${code}' is reserved`;
  return undefined;
}
