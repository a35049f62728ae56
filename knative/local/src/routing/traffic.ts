/**
 * A Service's spec.traffic: validated with Knative's messages, resolved to
 * revisions, and turned into the split the ingress applies.
 * (knative/serving pkg/apis/serving/v1 route and traffic validation; the
 * messages are in ../shared/facts/knative.md.)
 */

export interface TrafficTarget {
  revisionName?: string;
  latestRevision?: boolean;
  percent?: number;
  tag?: string;
}

/** Knative's answers to a bad spec.traffic, each as the API words it (after "validation failed: "). */
export function validateTraffic(traffic: TrafficTarget[]): string[] {
  const errors: string[] = [];
  const firstTagAt = new Map<string, number>();
  let sum = 0;
  traffic.forEach((target, i) => {
    const at = `spec.traffic[${i}]`;
    if (target.latestRevision === true && target.revisionName) {
      errors.push(
        `may not set revisionName "${target.revisionName}" when latestRevision is true: ${at}.latestRevision`,
      );
    } else if (target.latestRevision !== true && !target.revisionName) {
      errors.push(`expected exactly one, got neither: ${at}.latestRevision, ${at}.revisionName`);
    }
    const percent = target.percent ?? 0;
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
      errors.push(`expected 0 <= ${percent} <= 100: ${at}.percent`);
    }
    sum += percent;
    if (target.tag !== undefined) {
      const first = firstTagAt.get(target.tag);
      if (first === undefined) firstTagAt.set(target.tag, i);
      else errors.push(`Multiple definitions for "${target.tag}": ${at}.tag, spec.traffic[${first}].tag`);
    }
  });
  if (traffic.length > 0 && sum !== 100) errors.push(`Traffic targets sum to ${sum}, want 100: spec.traffic`);
  return errors;
}

export interface ResolvedTarget {
  revision: string;
  percent: number;
  tag?: string;
  /** From a latestRevision target: the one a gradual rollout moves. */
  latest?: true;
}

/**
 * Names each target's revision (latestRevision is the latest ready one). An
 * empty list is 100 % to the latest ready revision. Fails with Knative's
 * status message when a named revision does not exist.
 */
export function resolveTraffic(
  traffic: TrafficTarget[],
  latestReady: string | undefined,
  exists: (revision: string) => boolean,
): { targets: ResolvedTarget[] } | { error: string } {
  const specified = traffic.length > 0 ? traffic : [{ latestRevision: true, percent: 100 }];
  const targets: ResolvedTarget[] = [];
  for (const target of specified) {
    const revision = target.latestRevision ? latestReady : target.revisionName;
    if (!revision) return { error: "Configuration has no ready revision yet." };
    if (!exists(revision)) return { error: `Revision "${revision}" referenced in traffic not found.` };
    targets.push({
      revision,
      percent: target.percent ?? 0,
      ...(target.tag ? { tag: target.tag } : {}),
      ...(target.latestRevision ? { latest: true as const } : {}),
    });
  }
  return { targets };
}

/** Percent per revision on the main host: targets of one revision add up; 0 % ones are left out. */
export function mainSplit(targets: ResolvedTarget[]): Map<string, number> {
  const split = new Map<string, number>();
  for (const t of targets) if (t.percent > 0) split.set(t.revision, (split.get(t.revision) ?? 0) + t.percent);
  return split;
}

/** The revision a request on the main host goes to, for a uniform `roll` in [0, 100). */
export function pickRevision(split: Map<string, number>, roll: number): string | undefined {
  let upTo = 0;
  let last: string | undefined;
  for (const [revision, percent] of split) {
    upTo += percent;
    last = revision;
    if (roll < upTo) return revision;
  }
  return last;
}

/** `{service}.{namespace}.{domain}`, and `{tag}-{service}.{namespace}.{domain}` for a tag. */
export function hostOf(service: string, namespace: string, domain: string, tag?: string): string {
  return `${tag ? `${tag}-` : ""}${service}.${namespace}.${domain}`;
}

/** Host -> what it serves: the split for the main host, one revision for each tag's host. */
export function routesByHost(
  service: string,
  namespace: string,
  domain: string,
  targets: ResolvedTarget[],
): Map<string, { split: Map<string, number>; tag?: string }> {
  const routes = new Map<string, { split: Map<string, number>; tag?: string }>();
  routes.set(hostOf(service, namespace, domain), { split: mainSplit(targets) });
  for (const t of targets) {
    if (t.tag)
      routes.set(hostOf(service, namespace, domain, t.tag), { split: new Map([[t.revision, 100]]), tag: t.tag });
  }
  return routes;
}
