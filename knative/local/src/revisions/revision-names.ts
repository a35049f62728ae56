/** Revisions are named by the template generation: `<service>-00001`, `<service>-00002`, ... */

export interface RevisionRecord {
  service: string;
  name: string;
  generation: number;
  templateDigest: string;
}

export function revisionName(service: string, generation: number): string {
  return `${service}-${String(generation).padStart(5, "0")}`;
}

/**
 * The revision a template needs: undefined when the service's latest revision
 * already has this template (an apply with no change makes no revision).
 */
export function nextRevision(
  existing: RevisionRecord[],
  service: string,
  templateDigest: string,
  force = false,
): RevisionRecord | undefined {
  const own = existing.filter((r) => r.service === service);
  const latest = own.reduce<RevisionRecord | undefined>(
    (a, r) => (!a || r.generation > a.generation ? r : a),
    undefined,
  );
  if (latest && latest.templateDigest === templateDigest && !force) return undefined;
  const generation = (latest?.generation ?? 0) + 1;
  return { service, name: revisionName(service, generation), generation, templateDigest };
}
