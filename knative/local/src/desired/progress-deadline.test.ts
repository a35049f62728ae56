import { describe, expect, it } from "vitest";
import { readProgressDeadline } from "./progress-deadline.ts";

const PATH = "spec.template.metadata.annotations.serving.knative.dev/progress-deadline";

describe("readProgressDeadline", () => {
  it.each([
    [undefined, 600_000],
    ["", 600_000],
    ["42s", 42_000],
    ["10m", 600_000],
    ["1h2m3s", 3_723_000],
    ["2s", 2_000],
  ])("%j is %i ms", (raw, ms) => {
    expect(readProgressDeadline(raw)).toEqual({ ms, errors: [] });
  });

  it.each([
    ["ten minutes", `invalid value: ten minutes: ${PATH}`],
    ["600", `invalid value: 600: ${PATH}`],
    ["1500ms", `progress-deadline=1500ms is not at second precision: ${PATH}`],
    ["-5s", `progress-deadline=-5s must be positive: ${PATH}`],
    ["0s", `progress-deadline=0s must be positive: ${PATH}`],
  ])("%j is refused: %s", (raw, error) => {
    expect(readProgressDeadline(raw).errors).toEqual([error]);
  });
});
