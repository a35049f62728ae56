/** The line the runner keeps up to date while a scenario runs (formatting is pure). */
import type { Row } from "./timeline.ts";

export function progressLine(scenario: string, row: Row | undefined, phase: string): string {
  if (!row) return `[${scenario}] ${phase}`;
  const split = Object.entries(row.revisions)
    .filter(([, p]) => p.percent > 0)
    .map(([revision, p]) => `${revision} ${p.percent}%`)
    .join(" ");
  return [
    `[${scenario}] ${String(Math.round(row.t)).padStart(4)} s ${phase}`,
    `k6 ${row.vus} users ${Math.round(row.clientRps)} req/s ${Math.round(row.clientFailedPerS)} failed/s`,
    `replicas ${row.ready}/${row.desired} in flight ${Math.round(row.concurrency)}`,
    split || "no traffic split",
  ].join(" | ");
}

/** On a terminal the line is rewritten in place; in a log (CI) a line every `everyMs`. */
export function progressWriter(stream: NodeJS.WriteStream = process.stderr, everyMs = 5000) {
  let lastWritten = 0;
  return {
    show(line: string) {
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 160) - 1)}`);
      } else if (Date.now() - lastWritten >= everyMs) {
        stream.write(`${line}\n`);
        lastWritten = Date.now();
      }
    },
    /** A line that stays (an event, a phase ending). */
    note(line: string) {
      stream.write(stream.isTTY ? `\r\x1b[2K${line}\n` : `${line}\n`);
    },
  };
}
