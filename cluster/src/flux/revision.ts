/**
 * Flux's revisions of a Git source (`main@sha1:<sha>`, as in a GitRepository's
 * artifact and a Kustomization's lastAppliedRevision) against a commit we
 * pushed. Flux may fetch a later commit than ours (image automation pushes
 * too), and it then holds ours if ours is one of its ancestors.
 */

/** The commit a Flux revision names, or undefined when it names none. */
export function revisionCommit(revision: string): string | undefined {
  const sha = revision.split("sha1:").at(-1) ?? "";
  return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
}

/** Whether the revision holds `commit`; `isAncestor(a, b)` asks git whether a is an ancestor of b. */
export async function revisionHolds(
  revision: string,
  commit: string,
  isAncestor: (ancestor: string, descendant: string) => Promise<boolean>,
): Promise<boolean> {
  const applied = revisionCommit(revision);
  if (!applied) return false;
  return applied === commit || isAncestor(commit, applied);
}
