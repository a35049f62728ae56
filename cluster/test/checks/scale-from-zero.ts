/** A request to a Service at zero is held by the activator and served. */
import type { Check } from "../check.ts";
import { coldStart, deployColdService } from "../cold-start.ts";

export const scaleFromZero: Check = {
  name: "scale from zero through the activator",
  async run({ testNamespace: namespace }) {
    const url = await deployColdService(namespace, "cold");
    const first = await coldStart(namespace, "cold", url);
    const second = await coldStart(namespace, "cold", url);
    return {
      ok: first.status === 200 && second.status === 200,
      figures: [
        `scaled to zero after ${first.waitedForZeroS.toFixed(0)} s idle; first request from zero: ${first.status} in ${first.ms.toFixed(0)} ms`,
        `again: ${second.status} in ${second.ms.toFixed(0)} ms (npm run bench:cluster: p50 over more rounds)`,
      ],
    };
  },
};
