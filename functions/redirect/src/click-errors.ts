import { isDatabaseUnavailable, sqlState } from "@platform/kit";

/**
 * Whether a failed click write can succeed when tried again with the same
 * clicks ("retry": the database was away, busy or failing over) or never will
 * because of something in the clicks themselves ("reject": a deleted link, a
 * constraint, bad data). Rejected batches are split to find the bad clicks;
 * retried ones are kept. Anything not known to be about the data is retried:
 * a wrong guess that way costs memory (bounded) and time, the other way clicks.
 */
export type WriteErrorKind = "retry" | "reject";

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
  if (isDatabaseUnavailable(error)) return "retry";
  const code = sqlState(error);
  if (code === undefined) return "retry";
  if (REJECT_CLASSES.has(code.slice(0, 2))) return "reject";
  if (code === "XX000" && REJECT_MESSAGE.test(messages(error))) return "reject";
  return "retry";
}

/** The messages of an error and its causes (drizzle wraps the driver's error). */
function messages(error: unknown): string {
  const found: string[] = [];
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    const { message } = e as { message?: unknown };
    if (typeof message === "string") found.push(message);
    e = (e as { cause?: unknown }).cause;
  }
  return found.join("\n");
}
