import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { hostOf, type ResolvedTarget, routesByHost } from "../routing/traffic.ts";
import { requestWithHost } from "../testing/http-with-host.ts";
import { Ingress } from "./ingress.ts";

/** Revisions that answer with their own name: the ingress is what is under test. */
const named = (name: string) => ({
  handle: async (_req: IncomingMessage, res: ServerResponse) => {
    res.end(name);
  },
});

let ingress: Ingress | undefined;
afterEach(() => ingress?.close());

async function start(targets: ResolvedTarget[], random?: () => number) {
  ingress = new Ingress((name) => (name.startsWith("s-") ? named(name) : undefined), random);
  const routes = routesByHost("s", "default", "localhost", targets);
  ingress.setRoutes(new Map([...routes].map(([host, r]) => [host, r.split])));
  const port = await ingress.listen(0);
  return (host: string, path = "/") => requestWithHost(port, host, path).then(({ status, body }) => ({ status, body }));
}

describe("Ingress", () => {
  it("routes by Host, ignoring the port", async () => {
    const get = await start([{ revision: "s-00001", percent: 100 }]);
    expect(await get("s.default.localhost:8080")).toEqual({ status: 200, body: "s-00001" });
    expect(await get("other.default.localhost")).toEqual({
      status: 404,
      body: "no route for host other.default.localhost",
    });
  });

  it("gives a tag its own host, even at 0 %", async () => {
    const get = await start([
      { revision: "s-00001", percent: 100 },
      { revision: "s-00002", percent: 0, tag: "candidate" },
    ]);
    expect((await get(hostOf("s", "default", "localhost", "candidate"))).body).toBe("s-00002");
    for (let i = 0; i < 20; i++) expect((await get("s.default.localhost")).body).toBe("s-00001");
  });

  it("splits requests between revisions within a statistical bound", async () => {
    const get = await start([
      { revision: "s-00001", percent: 80 },
      { revision: "s-00002", percent: 20 },
    ]);
    const n = 1000;
    let second = 0;
    for (let i = 0; i < n; i++) if ((await get("s.default.localhost")).body === "s-00002") second++;
    // Binomial(1000, 0.2): mean 200, standard deviation 12.6; 5 deviations either side.
    expect(second).toBeGreaterThan(200 - 63);
    expect(second).toBeLessThan(200 + 63);
  });
});
