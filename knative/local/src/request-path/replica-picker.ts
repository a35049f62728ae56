/**
 * How the activator chooses a replica (knative/serving pkg/activator/net/lb_policy.go):
 * power of two random choices when containerConcurrency is 0 (unlimited),
 * the first with a free slot when it is 3 or less, round robin over those
 * with a free slot otherwise. Pure: randomness and load are passed in.
 */
export interface ReplicaLoad {
  readonly inFlight: number;
}

export type PickPolicy = "power-of-two" | "first-available" | "round-robin";

export function policyFor(containerConcurrency: number): PickPolicy {
  if (containerConcurrency === 0) return "power-of-two";
  return containerConcurrency <= 3 ? "first-available" : "round-robin";
}

export class ReplicaPicker {
  private next = 0;

  constructor(
    private readonly containerConcurrency: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** A replica for the next request, or undefined when none can take it now. */
  pick<R extends ReplicaLoad>(replicas: readonly R[]): R | undefined {
    if (replicas.length === 0) return undefined;
    const cc = this.containerConcurrency;
    switch (policyFor(cc)) {
      case "power-of-two": {
        if (replicas.length === 1) return replicas[0];
        const a = Math.floor(this.random() * replicas.length);
        let b = Math.floor(this.random() * (replicas.length - 1));
        if (b >= a) b++;
        const first = replicas[a] as R;
        const second = replicas[b] as R;
        return second.inFlight < first.inFlight ? second : first;
      }
      case "first-available":
        return replicas.find((r) => r.inFlight < cc);
      case "round-robin": {
        for (let i = 0; i < replicas.length; i++) {
          const candidate = replicas[(this.next + i) % replicas.length] as R;
          if (candidate.inFlight < cc) {
            this.next = (this.next + i + 1) % replicas.length;
            return candidate;
          }
        }
        return undefined;
      }
    }
  }
}
