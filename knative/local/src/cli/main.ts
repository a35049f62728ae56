/**
 * The running local platform from the command line:
 *   npm run platform -- status          revisions, replicas, concurrency, routes
 *   npm run deploy -- <service>         a new revision from the working tree
 * It talks to the status API that `npm start` serves (URL in .data/local-state.json,
 * or PLATFORM_URL).
 */

import { readLocalState } from "./local-state.ts";
import type { RevisionStatus } from "./serving-control/local-serving.ts";

export interface StatusDocument {
  revisions: RevisionStatus[];
  routes: Record<string, Record<string, number>>;
}

const USAGE = "usage: npm run platform -- status | deploy <service>   (npm run deploy -- <service>)";

/** Pure: the status as a person reads it. */
export function formatStatus(status: StatusDocument): string {
  const header = ["SERVICE", "REVISION", "ROUTED", "READY", "DESIRED", "STABLE", "PANIC", "MODE"];
  const rows = status.revisions.map((r) => [
    r.service,
    r.revision,
    r.routed ? "yes" : "no",
    String(r.ready),
    String(r.desired),
    r.stableConcurrency.toFixed(1),
    r.panicConcurrency.toFixed(1),
    r.panicking ? "panic" : "stable",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join("  ")
      .trimEnd();
  const routes = Object.entries(status.routes).map(
    ([host, split]) =>
      `  ${host} -> ${Object.entries(split)
        .map(([revision, percent]) => `${revision} ${percent}%`)
        .join(", ")}`,
  );
  return [line(header), ...rows.map(line), "", "Routes:", ...routes, ""].join("\n");
}

export async function runCli(
  args: string[],
  io: { baseUrl: string | undefined; out: (text: string) => void },
): Promise<number> {
  const [command, service] = args;
  if (command !== "status" && command !== "deploy") {
    io.out(`${USAGE}\n`);
    return 2;
  }
  if (!io.baseUrl) {
    io.out("The platform is not running here: start it with `npm start` (or set PLATFORM_URL).\n");
    return 1;
  }
  try {
    if (command === "status") {
      io.out(formatStatus((await (await fetch(`${io.baseUrl}/status`)).json()) as StatusDocument));
      return 0;
    }
    if (!service) {
      io.out(`${USAGE}\n`);
      return 2;
    }
    const res = await fetch(`${io.baseUrl}/deploy/${encodeURIComponent(service)}`, { method: "POST" });
    const body = (await res.json()) as { revision?: string; error?: string; canary?: { weight: number } | null };
    if (!res.ok) {
      io.out(`deploy refused: ${body.error}\n`);
      return 1;
    }
    io.out(
      `${body.revision} is ready${body.canary ? `; the canary gives it ${body.canary.weight}% and more at each passing check` : " and takes the traffic"}\n`,
    );
    return 0;
  } catch (error) {
    io.out(`cannot reach the platform at ${io.baseUrl}: ${error instanceof Error ? error.message : error}\n`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const baseUrl = process.env.PLATFORM_URL ?? readLocalState()?.controlUrl;
  process.exitCode = await runCli(process.argv.slice(2), { baseUrl, out: (text) => process.stdout.write(text) });
}
