/**
 * Knative's gradual rollout (`serving.knative.dev/rollout-duration`), as pure
 * functions: once the new revision is Ready it gets 1 %, then the rest of the
 * latest-revision target's percent moves to it in equal steps spread over the
 * duration (knative/serving pkg/reconciler/route/traffic/rollout.go,
 * computeProperties). Traffic is taken from the oldest revisions first.
 */

export interface RolloutPlan {
  /** Percent moved at each step after the first 1 %. */
  stepSize: number;
  stepMs: number;
}

export interface RolloutShare {
  revision: string;
  percent: number;
}

/**
 * Knative's step computation. `minStepSec` is how long the first 1 % took to
 * program (at least 1 s); `percent` is what the latest-revision target gets.
 */
export function planRollout(durationSec: number, percent: number, minStepSec = 1): RolloutPlan {
  const duration = Math.max(1, durationSec - minStepSec);
  const remaining = percent - 1;
  const steps = Math.max(1, Math.min(duration / minStepSec, remaining));
  return { stepSize: Math.max(1, Math.round(remaining / steps)), stepMs: (duration / steps) * 1000 };
}

/** The new revision's percent `elapsedMs` after it got its first 1 %. */
export function candidatePercent(plan: RolloutPlan, percent: number, elapsedMs: number): number {
  const steps = Math.floor(elapsedMs / plan.stepMs);
  return Math.min(percent, 1 + steps * plan.stepSize);
}

/**
 * The split of a target's percent while `candidate` has `candidateShare` of it:
 * the previous revisions (oldest first) give up traffic, oldest first.
 */
export function rolloutSplit(previous: RolloutShare[], candidate: string, candidateShare: number): RolloutShare[] {
  let toTake = candidateShare;
  const kept: RolloutShare[] = [];
  for (const share of previous) {
    const taken = Math.min(share.percent, toTake);
    toTake -= taken;
    if (share.percent - taken > 0) kept.push({ revision: share.revision, percent: share.percent - taken });
  }
  return [...kept, { revision: candidate, percent: candidateShare }];
}
