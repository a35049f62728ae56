/**
 * Every overlay, as kustomize renders it, checked by kubeconform -strict
 * against the schemas of Knative Serving's and Flagger's own CRDs (from their
 * Go modules, so it runs offline). ConfigMaps, a core kind whose schema is
 * not available offline, are skipped and counted.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderKustomizationSync } from "./local/src/desired/render.ts";
import { writeSchemas } from "./validation/crd-schemas.ts";
import { crdFiles, kubeconform } from "./validation/kubeconform.ts";

let dir: string;
let schemaLocation: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "crd-schemas-"));
  schemaLocation = await writeSchemas(crdFiles(), dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(["local", "dev", "test", "prod"])("knative/overlays/%s against the CRD schemas", (env) => {
  it("is valid: every Service, Canary and DomainMapping", () => {
    const result = kubeconform(renderKustomizationSync(`knative/overlays/${env}`), schemaLocation);
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ invalid: 0, errors: 0, skipped: 2 });
    // 4 Services and a DomainMapping, and a Canary per Service except in dev and test; the 2 ConfigMaps have no CRD schema.
    expect(result.valid).toBe(env === "dev" || env === "test" ? 5 : 9);
  });
});

describe("the schema check", () => {
  const service = (spec: string) => `
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: broken
spec:
  template:
    spec:
${spec}
`;

  it.each([
    [
      "a misspelt field",
      "      containerConcurency: 10\n      containers:\n        - image: example/x",
      "containerConcurency",
    ],
    [
      "a field of the wrong type",
      "      containerConcurrency: ten\n      containers:\n        - image: example/x",
      "containerConcurrency",
    ],
    ["a template without containers", "      timeoutSeconds: 10", "containers"],
  ])("refuses %s", (_what, spec, mention) => {
    const result = kubeconform(service(spec), schemaLocation);
    expect(result.invalid).toBe(1);
    expect(result.problems.join("\n")).toContain(mention);
  });

  it("refuses a Canary with an unknown analysis field", () => {
    const canary = `
apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: broken
spec:
  provider: knative
  targetRef: { apiVersion: serving.knative.dev/v1, kind: Service, name: x }
  analysis: { interval: 1m, threshold: 5, stepWeights: 10 }
`;
    expect(kubeconform(canary, schemaLocation).problems.join("\n")).toContain("stepWeights");
  });
});
