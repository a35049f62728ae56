import { classifyWriteError, type WriteErrorKind } from "./click-errors.ts";
import { type Click, linkKey } from "./click-record.ts";

export type DropReason = "link_deleted" | "rejected";

export interface DroppedClicks {
  reason: DropReason;
  clicks: Click[];
  /** The database's error, for the log (absent for clicks of deleted links, which were looked up). */
  error?: unknown;
}

/** What became of a batch: written, dropped for good (counted, logged), or kept to try again. */
export interface BatchOutcome {
  written: number;
  dropped: DroppedClicks[];
  retry: Click[];
  /** Why `retry` is not empty. */
  retryError?: unknown;
}

export interface BatchWriterIo {
  /** Writes all the clicks in one statement, or none. */
  write(clicks: readonly Click[]): Promise<void>;
  /** The links among those of `clicks` that exist, as `linkKey`s. */
  existingLinks(clicks: readonly Click[]): Promise<Set<string>>;
}

export interface BatchWriterOptions {
  /** Most statements spent isolating bad clicks in one batch; the rest is kept for a later try. */
  maxStatements?: number;
  classify?: (error: unknown) => WriteErrorKind;
}

/**
 * Writes a batch so that a click the database refuses never holds back the
 * others: the whole batch in one statement first; if a click in it is
 * refused, the clicks of links that no longer exist are dropped (one lookup),
 * the rest written again, and if that is still refused the batch is halved
 * until each refused click stands alone and is dropped. A failure that a
 * retry can fix (the database away) stops the work and keeps what is left.
 */
export async function writeBatch(
  batch: readonly Click[],
  io: BatchWriterIo,
  options: BatchWriterOptions = {},
): Promise<BatchOutcome> {
  const classify = options.classify ?? classifyWriteError;
  const outcome: BatchOutcome = { written: 0, dropped: [], retry: [] };
  if (batch.length === 0) return outcome;
  try {
    await io.write(batch);
    outcome.written = batch.length;
    return outcome;
  } catch (error) {
    if (classify(error) === "retry") return { ...outcome, retry: [...batch], retryError: error };
  }

  let existing: Set<string>;
  try {
    existing = await io.existingLinks(batch);
  } catch (error) {
    return { ...outcome, retry: [...batch], retryError: error };
  }
  const rest: Click[] = [];
  const gone: Click[] = [];
  for (const click of batch) (existing.has(linkKey(click.tenantId, click.linkId)) ? rest : gone).push(click);
  if (gone.length > 0) outcome.dropped.push({ reason: "link_deleted", clicks: gone });
  await isolate(rest, io, classify, options.maxStatements ?? 200, outcome);
  return outcome;
}

/** Halving: each part is written whole or split in two, depth first, in the batch's order. */
async function isolate(
  clicks: Click[],
  io: BatchWriterIo,
  classify: (error: unknown) => WriteErrorKind,
  maxStatements: number,
  outcome: BatchOutcome,
): Promise<void> {
  const parts: Click[][] = clicks.length > 0 ? [clicks] : [];
  let statements = 0;
  for (let part = parts.pop(); part; part = parts.pop()) {
    if (outcome.retryError !== undefined || statements >= maxStatements) {
      outcome.retry.push(...part);
      continue;
    }
    statements++;
    try {
      await io.write(part);
      outcome.written += part.length;
    } catch (error) {
      if (classify(error) === "retry") {
        outcome.retryError = error;
        outcome.retry.push(...part);
      } else if (part.length === 1) {
        outcome.dropped.push({ reason: "rejected", clicks: part, error });
      } else {
        const middle = Math.ceil(part.length / 2);
        parts.push(part.slice(middle), part.slice(0, middle));
      }
    }
  }
  if (statements >= maxStatements && outcome.retry.length > 0 && outcome.retryError === undefined) {
    outcome.retryError = new Error(`isolating refused clicks took more than ${maxStatements} statements`);
  }
}
