/**
 * What the runner needs from the platform under load, locally or on a
 * cluster: where k6 sends requests, a sample of every revision each second,
 * and the releases a scenario makes (a new revision, a variable set).
 */
import type { AutoscalingSettings, Sample } from "@platform/local/contract";
import type { ServiceView } from "./events.ts";

export interface ServiceState extends ServiceView {
  /** The scaling the latest template asks for, as the report states it. */
  autoscaling?: Partial<AutoscalingSettings>;
}

/**
 * `new`: the code and configuration as they are; `faulty`: one that fails a
 * share of requests (FAIL_RATE); `healthy`: without that fault again.
 */
export type ReleaseKind = "new" | "faulty" | "healthy";

export interface PlatformState {
  sample: Sample;
  services: ServiceState[];
}

export interface Platform {
  /** One line for the report: what ran the functions. */
  readonly description: string;
  /** Settings of the platform itself that the report states (e.g. the scale-to-zero grace period). */
  readonly settings: Record<string, string>;
  /** What k6 needs: the ingress, how hosts are named, a tenant's API key. */
  readonly target: { baseUrl: string; namespace: string; domain: string; apiKey?: string };
  /** Every revision's counters now; undefined when the platform's metrics cannot be read. */
  state(): Promise<PlatformState | undefined>;
  /** Makes a new revision of the service and says how: of its code as it is, faulty, or healthy again. */
  release(service: string, kind: ReleaseKind): Promise<string>;
  /** Undoes what the run changed, where the platform allows it; stops what the runner started. */
  close(): Promise<void>;
}
