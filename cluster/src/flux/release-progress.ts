/**
 * How far an environment is in releasing a promotion: from its Knative
 * Services and Flagger Canaries as the API server returns them, whether every
 * Service runs its pinned image with all of its traffic, whether a Canary
 * rolled the release back, or what is still awaited. Pure: objects in, a
 * verdict out.
 */
import type { ImagePin } from "./promotion.ts";

interface Condition {
  type: string;
  status: string;
  message?: string;
}

/** The fields of a Knative Service (serving.knative.dev/v1) read here. */
export interface ReleasedService {
  metadata: { name: string; generation: number };
  spec: { template: { spec: { containers: { image: string }[] } } };
  status?: {
    observedGeneration?: number;
    latestReadyRevisionName?: string;
    conditions?: Condition[];
    traffic?: { revisionName?: string; percent?: number }[];
  };
}

/** The fields of a Flagger Canary (flagger.app/v1beta1) read here. */
export interface ReleasingCanary {
  metadata: { name: string };
  spec: { targetRef: { name: string } };
  status?: { phase?: string; canaryWeight?: number; conditions?: Condition[]; lastTransitionTime?: string };
}

/** The Canary's phase, unless it dates from before `since` (ms since the epoch): how an earlier release ended. */
function phaseSince(canary: ReleasingCanary | undefined, since: number): string | undefined {
  const phase = canary?.status?.phase;
  const at = Date.parse(canary?.status?.lastTransitionTime ?? "");
  return phase && !(at < since) ? phase : undefined;
}

export type ReleaseVerdict =
  | { state: "released" }
  | { state: "rolled back"; why: string }
  | { state: "waiting"; for: string[] };

/**
 * Where one Service is, in a word or two, for a progress line (`redirect:
 * Progressing 20 %`), for a release pushed at `since`.
 */
export function serviceStage(
  service: ReleasedService,
  canary: ReleasingCanary | undefined,
  pins: readonly ImagePin[],
  since: number,
) {
  const name = service.metadata.name;
  const image = service.spec.template.spec.containers[0]?.image ?? "";
  const pin = pins.find((p) => image.startsWith(`${p.name}:`));
  if (pin && image !== `${pin.name}:${pin.newTag}`) return `${name}: not applied yet`;
  const status = service.status;
  const ready =
    status?.observedGeneration === service.metadata.generation &&
    (status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
  if (!ready) return `${name}: new revision not Ready yet`;
  const serving = new Set((status?.traffic ?? []).filter((t) => (t.percent ?? 0) > 0).map((t) => t.revisionName));
  if (serving.size === 1 && serving.has(status?.latestReadyRevisionName)) {
    const phase = canary?.status?.phase;
    // Flagger sets Succeeded only after it has written the traffic back: until then it may still move it.
    return !canary || phase === "Succeeded" || phase === "Initialized" ? `${name}: released` : `${name}: ${phase}`;
  }
  if (!canary) return `${name}: rolling out`;
  // Until Flagger's next look the Canary still shows how the last release ended.
  const phase = phaseSince(canary, since);
  if (!phase || phase === "Succeeded" || phase === "Initialized") return `${name}: its Canary has not started yet`;
  const weight = canary?.status?.canaryWeight;
  return `${name}: ${phase}${weight !== undefined && phase === "Progressing" ? ` ${weight} %` : ""}`;
}

/**
 * The release of `pins` in one environment, pushed at `since` (ms since the
 * epoch): released once every Service runs its pin Ready with all of its
 * traffic (a Canary, where there is one, having Succeeded); rolled back as soon
 * as a Canary of a Service on its pin Failed after `since`.
 */
export function releaseVerdict(
  services: readonly ReleasedService[],
  canaries: readonly ReleasingCanary[],
  pins: readonly ImagePin[],
  since: number,
): ReleaseVerdict {
  const canaryOf = (service: ReleasedService) => canaries.find((c) => c.spec.targetRef.name === service.metadata.name);
  for (const service of services) {
    const canary = canaryOf(service);
    const image = service.spec.template.spec.containers[0]?.image ?? "";
    const onPin = pins.some((p) => image === `${p.name}:${p.newTag}`);
    if (onPin && phaseSince(canary, since) === "Failed") {
      const message = canary?.status?.conditions?.find((c) => c.type === "Promoted")?.message ?? "analysis failed";
      return { state: "rolled back", why: `${service.metadata.name}: ${message}` };
    }
  }
  if (services.length === 0) return { state: "waiting", for: ["the environment's Services"] };
  const waiting = services
    .map((service) => serviceStage(service, canaryOf(service), pins, since))
    .filter((stage) => !stage.endsWith(": released"));
  return waiting.length === 0 ? { state: "released" } : { state: "waiting", for: waiting };
}
