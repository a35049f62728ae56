/**
 * `npm run test:cluster`: brings the real cluster up (from the build cache),
 * shows the platform on the real engines, and brings it down.
 * `npm run test:gitops` (--suite gitops): the same around the delivery checks:
 * Flagger's canary cases, Flux bootstrapped, dev, test and prod reconciled
 * from Git, a new build through image automation to dev and test, then
 * promoted to prod.
 *   --keep          leave the cluster running afterwards
 *   --no-up         use the cluster that is running
 *   --only <a,b>    run only these checks of the suite (names in SUITES)
 * Prints each check's figures; exits 1 if any check fails.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { probeApi } from "../client/api-probes.ts";
import { kubectl } from "../client/kube.ts";
import { REPO, runCommand } from "../client/run-command.ts";
import type { Check, CheckContext } from "./check.ts";
import { alertingPath } from "./checks/alerting.ts";
import { autoscaleK6 } from "./checks/autoscale-k6.ts";
import { flaggerCanary } from "./checks/flagger-canary.ts";
import { gitopsReconcile } from "./checks/gitops.ts";
import { imageUpdate } from "./checks/image-update.ts";
import { minScaleHeartbeat } from "./checks/min-scale-heartbeat.ts";
import { promotion } from "./checks/promotion.ts";
import { rolloutUnderLoad } from "./checks/rollout-under-load.ts";
import { scaleFromZero } from "./checks/scale-from-zero.ts";
import { trafficSplit } from "./checks/traffic-split.ts";

/** A script of its own run as a check (it prints its figures; its exit code is the verdict). */
function scriptCheck(name: string, script: string): Check {
  return {
    name,
    async run() {
      const code = await runCommand("npx", ["tsx", script]);
      return { ok: code === 0, figures: [`${script} exited ${code}`] };
    },
  };
}

const SUITES: Record<string, Record<string, Check>> = {
  cluster: {
    platform: {
      name: "platform Ready and the quickstart's flow through Kourier",
      run: ({ namespace, log }) => probeApi(namespace, log),
    },
    alerting: alertingPath,
    split: trafficSplit,
    "scale-from-zero": scaleFromZero,
    rollout: rolloutUnderLoad,
    autoscale: autoscaleK6,
    f6: minScaleHeartbeat,
    "postgres-failover": scriptCheck("PostgreSQL leader deleted under writes", "cluster/test/postgres-failover.ts"),
  },
  gitops: {
    // Flagger's canary cases (healthy, faulty, an alert by hand) on a Service of their own, before
    // Flux's three environments take the node's CPU.
    canary: flaggerCanary,
    // From the bootstrap on Flux owns dev, test and prod, and corrects what a check would change by hand.
    gitops: gitopsReconcile,
    // After gitops: the environments reconciled from Git, which image automation then writes to.
    "image-update": imageUpdate,
    // After image-update: test runs the new build, which is promoted to prod.
    promotion,
  },
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      keep: { type: "boolean", default: false },
      "no-up": { type: "boolean", default: false },
      only: { type: "string" },
      suite: { type: "string", default: "cluster" },
    },
  });
  const suite = SUITES[values.suite];
  if (!suite) {
    console.error(`--suite: no suite named ${values.suite}; the suites are ${Object.keys(SUITES).join(", ")}`);
    return 2;
  }
  const names = values.only ? values.only.split(",") : Object.keys(suite);
  const unknown = names.filter((n) => !(n in suite));
  if (unknown.length) {
    console.error(
      `--only: no check named ${unknown.join(", ")} in the ${values.suite} suite; its checks are ${Object.keys(suite).join(", ")}`,
    );
    return 2;
  }
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  if (!values["no-up"]) {
    console.log("== cluster up (cached builds after the first)");
    const code = await runCommand("npm", ["run", "-s", "cluster", "--", "up"]);
    if (code !== 0) return 1;
  }
  const ctx: CheckContext = {
    namespace: process.env.CLUSTER_NAMESPACE ?? "dev",
    testNamespace: "cluster-test",
    resultsDir: join(REPO, "cluster", "test", "results"),
    log: (line) => console.log(`   ${line}`),
  };
  await mkdir(ctx.resultsDir, { recursive: true });
  await kubectl(["create", "namespace", ctx.testNamespace, "--dry-run=client", "-o", "yaml"]).then((yaml) =>
    kubectl(["apply", "-f", "-"], yaml),
  );
  const verdicts: { name: string; ok: boolean }[] = [];
  for (const name of names) {
    const check = suite[name] as Check;
    console.log(`== ${check.name} [${elapsed()}]`);
    const result = await check.run(ctx).catch((error: Error) => ({ ok: false, figures: [`error: ${error.message}`] }));
    for (const figure of result.figures) console.log(`   ${figure}`);
    console.log(`   ${result.ok ? "PASS" : "FAIL"}`);
    verdicts.push({ name, ok: result.ok });
    // Each check's Services go before the next starts: one node has little CPU to spare.
    await kubectl(["-n", ctx.testNamespace, "delete", "ksvc", "--all", "--wait=true", "--timeout=120s"]).catch(
      () => undefined,
    );
  }
  if (!values.keep) {
    console.log("== cluster down");
    await runCommand("npm", ["run", "-s", "cluster", "--", "down"]);
  }
  const failed = verdicts.filter((v) => !v.ok).map((v) => v.name);
  console.log(
    `\ntest:${values.suite}: ${verdicts.length - failed.length} passed, ${failed.length} failed${failed.length ? ` (${failed.join(", ")})` : ""} in ${elapsed()}`,
  );
  return failed.length ? 1 : 0;
}

process.exitCode = await main();
