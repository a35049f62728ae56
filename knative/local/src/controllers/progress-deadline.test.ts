/**
 * A revision that never becomes ready within its progress deadline fails as
 * Knative's does (Ready=False, ProgressDeadlineExceeded), scales to zero and
 * takes no traffic; status and the CLI show why, with its last log lines.
 * Real bundles and processes: the links function, given a readiness path it
 * never answers 200 on, and a 3 s deadline on a ManualClock.
 */

import { waitFor } from "@platform/processes/wait-for";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { formatStatus } from "../cli/format-status.ts";
import { ManualClock } from "../clock.ts";
import { InvalidManifestError } from "../desired/desired-state.ts";
import {
  isCanary,
  localOverlayWithout,
  requestWithHost,
  type ServingUnderTest,
  startServingForTest,
} from "../testing/index.ts";
import { INITIAL_SCALE_NEVER_ACHIEVED, PROGRESS_DEADLINE_EXCEEDED } from "./local-serving.ts";

let under: ServingUnderTest;
const rendered = localOverlayWithout(isCanary);
const clock = new ManualClock(Date.now());

/** The overlay with the links template changed: this progress deadline, and a readiness path. */
function linksWith(deadline: string, readinessPath: string): string {
  return parseAllDocuments(rendered)
    .map((doc) => {
      if (doc.get("kind") === "Service" && doc.getIn(["metadata", "name"]) === "links") {
        doc.setIn(["spec", "template", "metadata", "annotations", "serving.knative.dev/progress-deadline"], deadline);
        doc.setIn(["spec", "template", "spec", "containers", 0, "readinessProbe", "httpGet", "path"], readinessPath);
      }
      return doc.toString();
    })
    .join("---\n");
}

beforeAll(async () => {
  under = await startServingForTest({ start: true, logLevel: "info", clock });
  await under.serving.apply(rendered);
}, 120_000);

afterAll(() => under.close());

describe("the progress deadline", () => {
  it("refuses an invalid deadline with Knative's message, changing nothing", async () => {
    const apply = under.serving.apply(linksWith("1500ms", "/health/readiness"));
    await expect(apply).rejects.toThrow(InvalidManifestError);
    await expect(apply).rejects.toThrow("progress-deadline=1500ms is not at second precision");
    expect(under.serving.status().map((r) => r.revision)).not.toContain("links-00002");
  });

  it("fails a revision not ready by its deadline: reason, last lines, zero replicas, traffic as it was", async () => {
    let applied = false;
    const apply = under.serving.apply(linksWith("3s", "/health/never-ready")).finally(() => {
      applied = true;
    });
    // Its replica is up and has written its start-up lines, but never gets ready.
    await waitFor(() => (under.serving.logsOf("links-00002")?.tail(1).length ?? 0) > 0, {
      what: "links-00002's first log line",
    });
    clock.advance(2900);
    await new Promise((resolve) => setImmediate(resolve));
    expect(applied).toBe(false); // still within its deadline
    clock.advance(100);
    await apply;

    const failed = under.serving.status().find((r) => r.revision === "links-00002");
    expect(failed).toMatchObject({
      failure: { reason: PROGRESS_DEADLINE_EXCEEDED, message: INITIAL_SCALE_NEVER_ACHIEVED },
      ready: 0,
      desired: 0,
      running: 0,
      percent: 0,
    });
    // The function's own start-up lines, as `npm run platform -- logs` shows them.
    expect(failed?.failure?.lastLogLines).toContainEqual(expect.stringMatching(/^\[links-00002-1\] /));

    // Routing stayed on the revision that was ready.
    expect(under.serving.ingress.currentRoutes.get("links.default.localhost")).toEqual(new Map([["links-00001", 100]]));
    expect((await requestWithHost(under.port, "links.default.localhost", "/openapi.json")).status).toBe(200);

    const cli = formatStatus({
      services: under.serving.services(),
      revisions: under.serving.status(),
      routes: Object.fromEntries(
        [...under.serving.ingress.currentRoutes].map(([host, split]) => [host, Object.fromEntries(split)]),
      ),
    });
    expect(cli).toContain(`links-00002 failed: ${PROGRESS_DEADLINE_EXCEEDED}: ${INITIAL_SCALE_NEVER_ACHIEVED}`);
    expect(cli).toContain("[links-00002-1] ");
  }, 60_000);
});
