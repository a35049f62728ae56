/**
 * serving.knative.dev/progress-deadline (spec.template.metadata.annotations):
 * how long a new revision may take to reach its initial scale before Knative
 * gives it up. A Go duration at second precision, positive; 600 s when absent
 * (config-deployment's progress-deadline default). Validated with the rules
 * and messages of Knative's validateProgressDeadlineAnnotation
 * (pkg/apis/serving/v1/revision_validation.go), except that 0 s is refused
 * here: Knative's webhook lets it through, then Kubernetes refuses the
 * Deployment (progressDeadlineSeconds must exceed minReadySeconds).
 */
import { parseGoDuration } from "../autoscaler/go-duration.ts";

export const PROGRESS_DEADLINE = "serving.knative.dev/progress-deadline";
export const DEFAULT_PROGRESS_DEADLINE_MS = 600_000;

const PATH = `spec.template.metadata.annotations.${PROGRESS_DEADLINE}`;

export function readProgressDeadline(raw: string | undefined): { ms: number; errors: string[] } {
  if (raw === undefined || raw === "") return { ms: DEFAULT_PROGRESS_DEADLINE_MS, errors: [] };
  const ms = parseGoDuration(raw);
  if (ms === undefined) return { ms: DEFAULT_PROGRESS_DEADLINE_MS, errors: [`invalid value: ${raw}: ${PATH}`] };
  if (ms % 1000 !== 0) {
    return {
      ms: DEFAULT_PROGRESS_DEADLINE_MS,
      errors: [`progress-deadline=${raw} is not at second precision: ${PATH}`],
    };
  }
  if (ms <= 0)
    return { ms: DEFAULT_PROGRESS_DEADLINE_MS, errors: [`progress-deadline=${raw} must be positive: ${PATH}`] };
  return { ms, errors: [] };
}
