/**
 * bench:ingress's ingress, in a process of its own that runs as `npm start`
 * runs the platform (knative/local/run-bundled.mjs: bundled, plain Node): the
 * local ingress in front of one replica of redirect, all of one Host's
 * requests to it. Arguments: <replica entry> <DATABASE_URL> <host>.
 * Sends the bench {ingressPort, replicaPort} once the replica is ready; stops
 * the replica and exits when the bench goes, however that ends.
 */
import { freePort } from "@platform/processes/free-port";
import { waitFor } from "@platform/processes/wait-for";
import { Ingress } from "../src/ingress/ingress.ts";
import { RevisionRuntime } from "../src/replicas/revision-runtime.ts";

export interface IngressUnderTest {
  ingressPort: number;
  replicaPort: number;
}

const [entry, databaseUrl, host] = process.argv.slice(2);
if (!entry || !databaseUrl || !host || !process.send) {
  throw new Error("bench:ingress forks this with <replica entry> <DATABASE_URL> <host>");
}
const runtime = new RevisionRuntime(
  {
    service: "redirect",
    revision: "redirect-00001",
    entry,
    env: { DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" },
    readinessPath: "/health/readiness",
    containerConcurrency: 0,
    timeoutSeconds: 30,
  },
  freePort,
);
const ingress = new Ingress((name) => (name === "redirect-00001" ? runtime : undefined));
process.on("disconnect", async () => {
  await runtime.stopAll();
  await ingress.close();
  process.exit(0);
});
await runtime.scaleTo(1);
await waitFor(() => runtime.readyCount >= 1, { timeoutMs: 60_000, what: "the replica to be ready" });
const replica = runtime.replicas[0];
if (!replica) throw new Error("no replica");
ingress.setRoutes(new Map([[host, new Map([["redirect-00001", 100]])]]));
const ready: IngressUnderTest = {
  ingressPort: await ingress.listen(0),
  replicaPort: Number(new URL(replica.url).port),
};
process.send(ready);
