/**
 * Flux's image setters as this tree writes them, on a kustomization's
 * `images:` entries: `newTag: <tag> # {"$imagepolicy": "<namespace>:<policy>:tag"}`.
 * image-automation-controller rewrites the tag; the checks read it back.
 */

export interface ImageSetter {
  /** The ImagePolicy's namespace and name. */
  namespace: string;
  policy: string;
  /** The tag the line holds now. */
  tag: string;
}

const SETTER = /newTag: (\S+) # \{"\$imagepolicy": "([a-z0-9-]+):([a-z0-9-]+):tag"\}/g;

/** Every tag setter in the text of one or more kustomization files, in order. */
export function imageSetters(kustomization: string): ImageSetter[] {
  return [...kustomization.matchAll(SETTER)].map(([, tag = "", namespace = "", policy = ""]) => ({
    namespace,
    policy,
    tag,
  }));
}
