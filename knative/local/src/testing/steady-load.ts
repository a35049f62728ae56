/**
 * Steady requests for rollout and canary tests: `workers` loops, each sending
 * the next request when the last is answered, until stopped. A failed
 * connection counts as status 0, so "no failed request" is checkable.
 */
import { Agent } from "node:http";
import { requestWithHost } from "./http-with-host.ts";

export interface SteadyLoad {
  /** Requests answered so far (a failed connection included). */
  readonly answered: number;
  /** Stops the loops; resolves with every status in the order answered. */
  stop(): Promise<number[]>;
}

/** Health endpoints are asked as Knative's probes ask them: the only requests a function's public port answers them to. */
const PROBE = { "k-kubelet-probe": "queue" };

export function steadyLoad(port: number, host: string, path: string, workers = 3): SteadyLoad {
  const agent = new Agent({ keepAlive: true, maxSockets: workers });
  const headers = path.startsWith("/health/") ? PROBE : {};
  const statuses: number[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      statuses.push(
        await requestWithHost(port, host, path, { agent, headers }).then(
          (r) => r.status,
          () => 0,
        ),
      );
    }
  });
  return {
    get answered() {
      return statuses.length;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return statuses;
    },
  };
}
