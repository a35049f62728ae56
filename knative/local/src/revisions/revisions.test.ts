import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshDatabase } from "@platform/kit/testing";
import { bundleFunction } from "@platform/processes/bundle";
import { freePorts } from "@platform/processes/free-port";
import { waitFor } from "@platform/processes/wait-for";
import { describe, expect, it } from "vitest";
import { nextRevision, type RevisionRecord, revisionName } from "./revision-names.ts";

describe("revision names", () => {
  const existing: RevisionRecord[] = [
    { service: "redirect", name: "redirect-00001", generation: 1, templateDigest: "aaa" },
    { service: "redirect", name: "redirect-00002", generation: 2, templateDigest: "bbb" },
    { service: "links", name: "links-00001", generation: 1, templateDigest: "ccc" },
  ];

  it("number by generation, five digits", () => {
    expect(revisionName("redirect", 7)).toBe("redirect-00007");
    expect(nextRevision(existing, "redirect", "ddd")?.name).toBe("redirect-00003");
    expect(nextRevision(existing, "analytics", "eee")?.name).toBe("analytics-00001");
  });

  it("make none when the template did not change, unless a deploy asks for one", () => {
    expect(nextRevision(existing, "redirect", "bbb")).toBeUndefined();
    expect(nextRevision(existing, "redirect", "bbb", true)?.name).toBe("redirect-00003");
    // Going back to an older template is a new revision too, as in Knative.
    expect(nextRevision(existing, "redirect", "aaa")?.name).toBe("redirect-00003");
  });
});

describe("a revision's bundle", () => {
  it("runs on its own with plain node and answers its health endpoints", async () => {
    const dir = await mkdtemp(join(tmpdir(), "revision-"));
    try {
      const main = await bundleFunction("redirect", dir);
      const [port, metricsPort] = await freePorts(2);
      const child = spawn(process.execPath, [main], {
        env: {
          ...process.env,
          PORT: String(port),
          METRICS_PORT: String(metricsPort),
          DATABASE_URL: await freshDatabase(),
          K_REVISION: "redirect-00001",
        },
        stdio: "ignore",
      });
      try {
        // As queue-proxy probes it; without the probe header the public port has no health endpoints.
        const live = () =>
          fetch(`http://127.0.0.1:${port}/health/liveness`, { headers: { "k-kubelet-probe": "queue" } }).then(
            (r) => r.status === 200,
            () => false,
          );
        await waitFor(live, { what: "the bundle's liveness", intervalMs: 100 });
        const liveness = await fetch(`http://127.0.0.1:${metricsPort}/health/liveness`);
        expect(await liveness.json()).toEqual({ status: "ok", revision: "redirect-00001" });
        const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        expect(metrics).toContain("# TYPE http_requests_total counter");
        expect((await fetch(`http://127.0.0.1:${port}/health/liveness`)).status).toBe(404);
      } finally {
        child.kill("SIGTERM");
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
