/**
 * Changes made to a running Service from the console or the CLI, as
 * `kn service update` makes them: `--traffic` and `--tag` set spec.traffic;
 * `--scale-min`, `--scale-max` and `--scale-window` set the template's
 * annotations and `--env` its container's environment, so they make a new
 * revision. They are laid over the rendered manifests at every apply,
 * so they go through the same validation, until they are reset (Git stays the
 * source of truth: on a cluster Flux would undo them at its next sync).
 */

import type { LiveChange } from "../control-api/contract.ts";
import type { TrafficTarget } from "../routing/traffic.ts";

export type { LiveChange };

/** A later change over an earlier one: fields replace, variables merge. */
export function mergeLiveChanges(before: LiveChange | undefined, change: LiveChange): LiveChange {
  const merged = { ...before, ...change };
  if (before?.env && change.env) merged.env = { ...before.env, ...change.env };
  return merged;
}

// biome-ignore lint/suspicious/noExplicitAny: YAML documents are read field by field and checked
type Doc = any;

/** The documents with each Service's live change laid over it; the input is not modified. */
export function withLiveChanges(docs: Doc[], changes: ReadonlyMap<string, LiveChange>): Doc[] {
  return docs.map((doc) => {
    const change = doc?.kind === "Service" ? changes.get(doc.metadata?.name) : undefined;
    if (!change) return doc;
    const copy = structuredClone(doc);
    if (change.traffic) copy.spec.traffic = change.traffic;
    if (change.minScale !== undefined || change.maxScale !== undefined || change.window !== undefined) {
      copy.spec.template ??= {};
      copy.spec.template.metadata ??= {};
      copy.spec.template.metadata.annotations ??= {};
      const annotations = copy.spec.template.metadata.annotations;
      if (change.minScale !== undefined) annotations["autoscaling.knative.dev/min-scale"] = String(change.minScale);
      if (change.maxScale !== undefined) annotations["autoscaling.knative.dev/max-scale"] = String(change.maxScale);
      if (change.window !== undefined) annotations["autoscaling.knative.dev/window"] = change.window;
    }
    const container = copy.spec.template?.spec?.containers?.[0];
    if (change.env && container) container.env = withEnv(container.env ?? [], change.env);
    return copy;
  });
}

/** `kn service update --env NAME=value` replaces the variable in place or appends it; `--env NAME-` removes it. */
function withEnv(env: { name: string }[], change: Record<string, string | null>): { name: string }[] {
  const changed = (name: string) => Object.hasOwn(change, name);
  const kept = env.filter((e) => !changed(e.name) || change[e.name] !== null);
  const set = kept.map((e) => (changed(e.name) ? { name: e.name, value: change[e.name] } : e));
  const added = Object.entries(change)
    .filter(([name, value]) => value !== null && !env.some((e) => e.name === name))
    .map(([name, value]) => ({ name, value }));
  return [...set, ...added];
}

/**
 * `kn service update --tag` semantics on a traffic list: the tag moves to
 * `revision` (a target at 0 % is added when the revision has none); an empty
 * revision removes the tag.
 */
export function withTag(traffic: TrafficTarget[], tag: string, revision: string | undefined): TrafficTarget[] {
  const current: TrafficTarget[] = traffic.length > 0 ? traffic : [{ latestRevision: true, percent: 100 }];
  const untagged = current.map((t) => (t.tag === tag ? withoutTag(t) : t)).filter((t) => (t.percent ?? 0) > 0 || t.tag);
  if (!revision) return untagged;
  const at = untagged.findIndex((t) => t.revisionName === revision && !t.tag);
  if (at >= 0) return untagged.map((t, i) => (i === at ? { ...t, tag } : t));
  return [...untagged, { revisionName: revision, percent: 0, tag }];
}

function withoutTag(target: TrafficTarget): TrafficTarget {
  const { tag: _, ...rest } = target;
  return rest;
}
