/**
 * `npm run promote -- --wait` as the release of k6's `release` scenario:
 * steady traffic to every function of the target environment while its
 * Canaries analyse the promoted build. prod has no users on this machine, and
 * Flagger judges a release by the requests it serves (with none, it finds no
 * data and rolls the release back); k6 stands in for them, and not one of its
 * requests may fail. promote's own lines are shown as they come.
 */
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { INGRESS_URL } from "../client/ingress.ts";
import { demoApiKey, kubectlJson } from "../client/kube.ts";
import { PROMETHEUS_URL } from "../client/prometheus.ts";
import { REPO, runCommand } from "../client/run-command.ts";

const RESULTS = join(REPO, "loadtest", "results");

export interface PromotionUnderLoad {
  /** The load runner's exit code: 0 when promote succeeded and no request failed. */
  exitCode: number;
  /** The run's results (report, chart, summary.json), if it wrote them. */
  resultsDir: string | undefined;
}

/** Follows a growing file, handing each new complete line to `onLine`, until stopped. */
function followLines(path: string, onLine: (line: string) => void): () => Promise<void> {
  let offset = 0;
  let pending = "";
  let stopped = false;
  const read = async () => {
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    if (size <= offset) return;
    const file = await open(path, "r");
    try {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(size - offset), 0, size - offset, offset);
      offset += bytesRead;
      const lines = (pending + buffer.toString("utf8", 0, bytesRead)).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) onLine(line);
    } finally {
      await file.close();
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await read();
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    await read();
    if (pending) onLine(pending);
  };
}

export async function promoteUnderLoad(options: {
  from: string;
  to: string;
  /** Where promote's output goes. */
  logPath: string;
  waitMinutes: number;
  onLine: (line: string) => void;
}): Promise<PromotionUnderLoad> {
  const { from, to, logPath, waitMinutes, onLine } = options;
  const redirect = await kubectlJson<{ status?: { url?: string } }>(["-n", to, "get", "ksvc", "redirect"]);
  const before = new Set(await readdir(RESULTS).catch(() => []));
  await open(logPath, "w").then((f) => f.close());
  const stop = followLines(logPath, onLine);
  const exitCode = await runCommand("npm", ["run", "-s", "loadtest", "--", "release"], {
    ...process.env,
    BASE_URL: INGRESS_URL.origin,
    NAMESPACE: to,
    // <service>.<namespace>.<domain>: the domain is what follows the namespace in the Service's URL.
    DOMAIN: new URL(redirect.status?.url ?? `http://redirect.${to}.localhost`).hostname.split(".").slice(2).join("."),
    API_KEY: await demoApiKey(to),
    PROMETHEUS_URL,
    // Enough for every Canary's analysis (each function about 2 requests a second), little for two cores.
    RATE: "8",
    RELEASE_AT: "20",
    // The cap; the run ends once the release command has returned.
    DURATION: `${waitMinutes + 5}m`,
    RELEASE_COMMAND: `npm run -s promote -- --from ${from} --to ${to} --wait --wait-minutes ${waitMinutes} > '${logPath}' 2>&1`,
  }).finally(stop);
  const resultsDir = (await readdir(RESULTS))
    .filter((d) => d.startsWith("release-") && !before.has(d))
    .sort()
    .at(-1);
  return { exitCode, resultsDir: resultsDir ? join(RESULTS, resultsDir) : undefined };
}
