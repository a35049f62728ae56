/**
 * Whether a failed click write can succeed when tried again with the same
 * clicks ("retry": the database was away, busy or failing over) or never will
 * because of something in the clicks themselves ("reject": a deleted link, a
 * constraint, bad data). Rejected batches are split to find the bad clicks;
 * retried ones are kept. Anything not known to be about the data is retried:
 * a wrong guess that way costs memory (bounded) and time, the other way clicks.
 */
export type WriteErrorKind = "retry" | "reject";

/** postgres.js and Node socket codes for a connection that failed or went away. */
const CLIENT_CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);

/**
 * SQLSTATE classes about the rows: 22 data exception (bad text, out of range,
 * invalid encoding), 23 integrity constraint (foreign key, not null, check).
 */
const REJECT_CLASSES = new Set(["22", "23"]);

/**
 * Citus reports an error a worker raised during its COPY as XX000 with the
 * worker's message (ReportCopyError), e.g. `insert or update on table
 * "clicks_102008" violates foreign key constraint "clicks_link_fkey_102008"`.
 * The message is all there is to tell such an error from an internal one.
 */
const REJECT_MESSAGE =
  /violates (foreign key|not-null|check|unique|exclusion) constraint|null value in column|invalid input (syntax|value)|out of range|value too long|invalid byte sequence|malformed/i;

export function classifyWriteError(error: unknown): WriteErrorKind {
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string") {
      if (CLIENT_CONNECTION_CODES.has(code)) return "retry";
      if (/^[0-9A-Z]{5}$/.test(code)) {
        if (REJECT_CLASSES.has(code.slice(0, 2))) return "reject";
        if (code === "XX000" && typeof message === "string" && REJECT_MESSAGE.test(message)) return "reject";
        return "retry";
      }
    }
    e = (e as { cause?: unknown }).cause;
  }
  return "retry";
}
