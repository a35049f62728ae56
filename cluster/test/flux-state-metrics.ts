/**
 * Flux's objects' state reaches Prometheus as gotk_resource_info (the series
 * the FluxReconciliationFailing alert reads): every Kustomization and the
 * GitRepository appear with the status of their Ready condition.
 */
import { waitFor } from "@platform/processes/wait-for";
import { type Condition, kubectlJson } from "../client/kube.ts";
import { instantQuery } from "../client/prometheus.ts";
import type { CheckResult } from "./check.ts";

interface FluxObject {
  kind: string;
  metadata: { name: string };
  status?: { conditions?: Condition[] };
}

export async function verifyFluxStateMetrics(): Promise<CheckResult> {
  const { items } = await kubectlJson<{ items: FluxObject[] }>([
    "-n",
    "flux-system",
    "get",
    "kustomizations.kustomize.toolkit.fluxcd.io,gitrepositories.source.toolkit.fluxcd.io",
  ]);
  const ready = (o: FluxObject) => o.status?.conditions?.find((c) => c.type === "Ready")?.status ?? "";
  const wanted = new Map(items.map((o) => [`${o.kind}/${o.metadata.name}`, ready(o)]));
  let seen = new Map<string, string>();
  const matches = () => [...wanted].every(([key, status]) => seen.get(key) === status);
  try {
    await waitFor(
      async () => {
        const samples = await instantQuery('gotk_resource_info{exported_namespace="flux-system"}');
        seen = new Map(samples.map((s) => [`${s.metric.customresource_kind}/${s.metric.name}`, s.metric.ready ?? ""]));
        return matches();
      },
      { what: "gotk_resource_info for every Flux object", timeoutMs: 90_000, intervalMs: 2000 },
    );
  } catch {
    // The figures below say which object is missing or differs.
  }
  const figures = [...wanted].map(([key, status]) => {
    const got = seen.get(key);
    return `${got === status ? "ok  " : "FAIL"} gotk_resource_info ${key}: ready="${got ?? "no series"}" (its Ready condition: ${status || "none"})`;
  });
  return { ok: wanted.size > 0 && matches(), figures };
}
