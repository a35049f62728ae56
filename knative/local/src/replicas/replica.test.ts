import { fileURLToPath } from "node:url";
import { freePort } from "@platform/processes/free-port";
import { Replica } from "@platform/processes/replica";
import { describe, expect, it } from "vitest";

const entry = fileURLToPath(new URL("../../test-fixtures/echo-function.mjs", import.meta.url));
const start = async (overrides: Partial<ConstructorParameters<typeof Replica>[0]> = {}) =>
  new Replica({
    id: "r1",
    service: "echo",
    revision: "echo-00001",
    entry,
    port: await freePort(),
    env: { GREETING: "hi" },
    readinessPath: "/health/readiness",
    terminationGraceMs: 2000,
    ...overrides,
  });
const once = (replica: Replica, event: string) =>
  new Promise<unknown[]>((resolve) => replica.once(event, (...a) => resolve(a)));

describe("Replica", () => {
  it("becomes ready, with the revision's identity and the manifest's environment", async () => {
    const replica = await start();
    await once(replica, "ready");
    expect(replica.phase).toBe("ready");
    expect(await (await fetch(`${replica.url}/`)).text()).toBe("hello from echo-00001 (hi)");
    await replica.stop();
    expect(replica.phase).toBe("stopped");
  });

  it("drains: an in-flight request finishes before the process is stopped", async () => {
    const replica = await start();
    await once(replica, "ready");
    replica.requestStarted();
    const slow = fetch(`${replica.url}/slow?ms=300`).then((r) => r.text());
    const exited = once(replica, "exit");
    const stopping = replica.stop();
    expect(replica.phase).toBe("draining");
    expect(await slow).toBe("slow echo-00001");
    replica.requestFinished();
    await stopping;
    expect(await exited).toEqual([0, true]);
  });

  it("reports a crash as an unexpected exit", async () => {
    const replica = await start();
    await once(replica, "ready");
    const exited = once(replica, "exit");
    await fetch(`${replica.url}/crash`).catch(() => undefined);
    expect(await exited).toEqual([3, false]);
  });
});
