/** The image-update check's pure parts: the release tag a build printed, and each step's time. */

import { imageOf, type KnativeServiceWithImage, servesLatestOnly } from "../client/kube.ts";
import { imageSetters } from "../src/flux/image-setters.ts";

/** The tag `platform-images.sh --release` printed last ("release main-<commit>-<unix time>"). */
export function releaseTagOf(output: string): string {
  const line = output.trim().split("\n").at(-1) ?? "";
  const match = /^release (main-[0-9a-f]+-[0-9]+)$/.exec(line.trim());
  if (!match?.[1]) throw new Error(`platform-images.sh --release printed no release tag; its last line: "${line}"`);
  return match[1];
}

export interface ImageStep {
  name: string;
  /** When it was seen done (ms since the epoch). */
  at: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One line per step: how long it took after the one before, and since the start. */
export function stepFigures(started: number, steps: readonly ImageStep[]): string[] {
  return steps.map((step, i) => {
    const previous = i === 0 ? started : (steps[i - 1]?.at ?? started);
    return `${i + 1}. ${step.name}: ${seconds(step.at - previous)} (${seconds(step.at - started)} from the build's start)`;
  });
}

/**
 * Whether the kustomization files hold `tag` in every setter of `policies`, and
 * each policy has one. Every setter counts: one environment's stale setter is
 * not hidden by another's of the same policy that already moved.
 */
export function tagsSet(kustomizations: string, policies: readonly string[], tag: string): boolean {
  const setters = imageSetters(kustomizations).filter((s) => policies.includes(s.policy));
  return policies.every((p) => setters.some((s) => s.policy === p)) && setters.every((s) => s.tag === tag);
}

/**
 * What still keeps one Service from running `tag` with all its traffic, as Knative reports it;
 * undefined once it does. For the check's failure message: a timeout alone says nothing of why.
 */
export function rolloutHoldUp(service: KnativeServiceWithImage, tag: string): string | undefined {
  const image = imageOf(service);
  if (!image.endsWith(`:${tag}`)) return `still on ${image.split(":").at(-1)} (the new tag not applied)`;
  const status = service.status;
  if (status?.observedGeneration !== service.metadata.generation)
    return `generation ${service.metadata.generation} not observed yet (observed ${status?.observedGeneration ?? "none"})`;
  const ready = status.conditions?.find((c) => c.type === "Ready");
  if (ready?.status !== "True")
    return `latest created ${status.latestCreatedRevisionName ?? "?"} not Ready: ${ready?.reason ?? "no Ready condition"}${ready?.message ? ` (${ready.message})` : ""}`;
  if (!servesLatestOnly(service)) {
    const split = (status.traffic ?? []).map((t) => `${t.revisionName} ${t.percent ?? 0}%`).join(", ");
    return `traffic not all on ${status.latestReadyRevisionName}: ${split || "none"}`;
  }
  return undefined;
}
