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

export interface RunEvent {
  /** Seconds since k6 started. */
  t: number;
  text: string;
  /** What the runner did, as opposed to what the platform did. */
  action?: boolean;
}

/** Events between two states of `service`; `revisionsBefore`/`revisionsNow` are its revision names. */
export function serviceEvents(
  before: ServiceView | undefined,
  now: ServiceView | undefined,
  revisionsBefore: readonly string[],
  revisionsNow: readonly string[],
): string[] {
  const events = revisionsNow.filter((r) => !revisionsBefore.includes(r)).map((r) => `${r} created`);
  const was = before?.canary;
  const is = now?.canary;
  if (is && (is.canary !== was?.canary || is.phase !== was?.phase || is.weight !== was?.weight)) {
    if (is.phase === "Failed") events.push(`${is.canary} rolled back to ${is.primary}`);
    else if (is.phase === "Succeeded") events.push(`${is.canary} promoted`);
    else if (is.weight > 0) events.push(`canary ${is.canary} at ${is.weight} %`);
  }
  const rollout = now?.rollout?.candidate;
  if (rollout && rollout !== before?.rollout?.candidate) events.push(`rolling out ${rollout}`);
  if (before?.rollout && !now?.rollout) events.push(`${before.rollout.candidate} rolled out`);
  return events;
}
