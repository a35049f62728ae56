/** The rows as CSV (pure): one line per second; per revision its ready and desired replicas, share and answers per second. */
import { type Row, revisionsIn } from "./timeline.ts";

export function rowsToCsv(rows: readonly Row[]): string {
  const revisions = revisionsIn(rows);
  const header = [
    "t_s",
    "time",
    "k6_vus",
    "k6_requests_per_s",
    "k6_failed_per_s",
    "answers_per_s",
    "error_rate",
    "p95_ms",
    "concurrency",
    "stable_concurrency",
    "desired",
    "ready",
    ...revisions.flatMap((r) => [`${r}_ready`, `${r}_desired`, `${r}_percent`, `${r}_answers_per_s`]),
  ];
  const lines = rows.map((row) =>
    [
      row.t,
      new Date(row.at).toISOString(),
      row.vus,
      round(row.clientRps),
      round(row.clientFailedPerS),
      round(row.rps),
      row.errorRate === null ? "" : round(row.errorRate, 4),
      row.p95Ms === null ? "" : round(row.p95Ms),
      round(row.concurrency),
      round(row.stableConcurrency),
      row.desired,
      row.ready,
      ...revisions.flatMap((r): (number | string)[] => {
        const point = row.revisions[r];
        return point ? [point.ready, point.desired, point.percent, round(point.rps)] : ["", "", "", ""];
      }),
    ].join(","),
  );
  return `${[header.join(","), ...lines].join("\n")}\n`;
}

const round = (n: number, digits = 1) => Number(n.toFixed(digits));
