/**
 * What happened to a service during a run, read from two consecutive states
 * of it (pure): revisions created, canary steps, rollbacks, promotions,
 * rollouts. The runner adds its own actions (a deploy, a variable set).
 */

export interface CanaryView {
  phase: string;
  primary: string;
  canary: string;
  weight: number;
}

/** The part of the platform's service status the events are read from. */
export interface ServiceView {
  name: string;
  canary?: CanaryView;
  rollout?: { candidate: string };
}

/** What the platform did to a service's revisions, as a record. */
export type PlatformEvent =
  | { kind: "created"; revision: string }
  | { kind: "canary-step"; revision: string; weight: number }
  | { kind: "rolled-back"; revision: string; primary: string }
  | { kind: "promoted"; revision: string }
  | { kind: "rollout-started"; revision: string }
  | { kind: "rolled-out"; revision: string };

export interface RunEvent {
  /** Seconds since k6 started. */
  t: number;
  /** For the report and the chart. */
  text: string;
  /** What the runner did, as opposed to what the platform did. */
  action?: boolean;
  /** What the platform did; scenarios match on its fields. */
  platform?: PlatformEvent;
}

/** An event in the report's words. */
export function describeEvent(event: PlatformEvent): string {
  switch (event.kind) {
    case "created":
      return `${event.revision} created`;
    case "canary-step":
      return `canary ${event.revision} at ${event.weight} %`;
    case "rolled-back":
      return `${event.revision} rolled back to ${event.primary}`;
    case "promoted":
      return `${event.revision} promoted`;
    case "rollout-started":
      return `rolling out ${event.revision}`;
    case "rolled-out":
      return `${event.revision} rolled out`;
  }
}

/** Events between two states of `service`; `revisionsBefore`/`revisionsNow` are its revision names. */
export function serviceEvents(
  before: ServiceView | undefined,
  now: ServiceView | undefined,
  revisionsBefore: readonly string[],
  revisionsNow: readonly string[],
): PlatformEvent[] {
  const events: PlatformEvent[] = revisionsNow
    .filter((r) => !revisionsBefore.includes(r))
    .map((revision) => ({ kind: "created", revision }));
  const was = before?.canary;
  const is = now?.canary;
  if (is && (is.canary !== was?.canary || is.phase !== was?.phase || is.weight !== was?.weight)) {
    if (is.phase === "Failed") events.push({ kind: "rolled-back", revision: is.canary, primary: is.primary });
    // Promoted once the same canary was seen in analysis: a new revision first shows up
    // beside the status of the release before it (Flagger's gauge says Succeeded until it starts).
    else if (is.phase === "Succeeded") {
      if (was?.canary === is.canary && was.phase !== "Succeeded")
        events.push({ kind: "promoted", revision: is.canary });
    } else if (is.weight > 0) events.push({ kind: "canary-step", revision: is.canary, weight: is.weight });
  }
  const rollout = now?.rollout?.candidate;
  if (rollout && rollout !== before?.rollout?.candidate) events.push({ kind: "rollout-started", revision: rollout });
  if (before?.rollout && !now?.rollout) events.push({ kind: "rolled-out", revision: before.rollout.candidate });
  return events;
}
