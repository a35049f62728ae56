/**
 * A LocalServing on a fresh database and Redis of the test run, its ingress
 * on a free port, its revisions in a temporary folder.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshDatabase, freshRedisUrl } from "@platform/kit/testing";
import type { Clock } from "../clock.ts";
import { LocalServing } from "../controllers/local-serving.ts";
import { renderKustomizationSync } from "../desired/render.ts";

/** The local overlay as kustomize renders it, without the documents `drop` picks (e.g. the Canaries). */
export function localOverlayWithout(drop: (doc: string) => boolean): string {
  return renderKustomizationSync("knative/overlays/local")
    .split(/^---\n/m)
    .filter((doc) => !drop(doc))
    .join("---\n");
}

export const isCanary = (doc: string) => /^kind: Canary$/m.test(doc);

export interface ServingUnderTest {
  serving: LocalServing;
  port: number;
  close(): Promise<void>;
}

export async function startServingForTest(
  options: { log?: (line: string) => void; start?: boolean; logLevel?: string; clock?: Clock } = {},
): Promise<ServingUnderTest> {
  const dataDir = await mkdtemp(join(tmpdir(), "local-serving-"));
  const secrets = new Map([
    [
      "platform-secrets",
      { DATABASE_URL: await freshDatabase(), REDIS_URL: await freshRedisUrl(), ROLLUP_TOKEN: "t".repeat(24) },
    ],
  ]);
  const serving = new LocalServing({
    dataDir,
    domain: "localhost",
    secrets,
    log: options.log ?? (() => {}),
    envOverrides: { LOG_LEVEL: options.logLevel ?? "warn" },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const port = await serving.ingress.listen(0);
  if (options.start) serving.start();
  return {
    serving,
    port,
    close: async () => {
      await serving.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
