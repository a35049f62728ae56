/** The status API's document as a person reads it in a terminal (pure). */
import type { StatusDocument } from "../control-api/contract.ts";

export function formatStatus(status: StatusDocument): string {
  const header = ["SERVICE", "REVISION", "TRAFFIC", "TAGS", "READY", "DESIRED", "STABLE", "PANIC", "MODE"];
  const rows = status.revisions.map((r) => [
    r.service,
    r.revision,
    `${r.percent}%`,
    r.tags.join(",") || "-",
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
  const notes = status.services.flatMap((s) => [
    ...(s.canary?.phase === "Progressing" ? [`  ${s.name}: canary ${s.canary.canary} at ${s.canary.weight}%`] : []),
    ...(s.rollout ? [`  ${s.name}: rolling out ${s.rollout.candidate}`] : []),
    ...(s.liveChange ? [`  ${s.name}: live change (not in Git) ${JSON.stringify(s.liveChange)}`] : []),
  ]);
  const troubles = status.revisions.flatMap((r) => [
    ...(r.failure
      ? [
          `  ${r.revision} failed: ${r.failure.reason}: ${r.failure.message}; its last lines:`,
          ...r.failure.lastLogLines.slice(-10).map((line) => `    ${line}`),
        ]
      : []),
    ...(r.crashLoop
      ? [
          `  ${r.revision}: CrashLoopBackOff: ${r.crashLoop.replica} exited with code ${r.crashLoop.exitCode} ` +
            `(${r.crashLoop.crashes} in a row), starts again at ${new Date(r.crashLoop.restartAt).toISOString().slice(11, 19)} UTC`,
        ]
      : []),
  ]);
  const routes = Object.entries(status.routes).map(
    ([host, split]) =>
      `  ${host} -> ${Object.entries(split)
        .map(([revision, percent]) => `${revision} ${percent}%`)
        .join(", ")}`,
  );
  return [
    line(header),
    ...rows.map(line),
    "",
    ...(troubles.length ? [...troubles, ""] : []),
    ...(notes.length ? [...notes, ""] : []),
    "Routes:",
    ...routes,
    "",
  ].join("\n");
}
