/**
 * Promotion from one environment to the next by a commit: the images the
 * earlier environment runs (its kustomizations' `images:` entries, which Flux's
 * image automation keeps at main's newest build) are written, pinned, into the
 * later one's kustomizations. Pure: file texts in, file texts out.
 */
import { type Document, isMap, isScalar, parseDocument } from "yaml";

/** One `images:` entry: the image and the tag it is pinned to. */
export interface ImagePin {
  name: string;
  newTag: string;
}

/** The parts of an environment whose kustomizations carry images (flux/apps/<env>/<part>). */
export const PROMOTED_PARTS = ["functions", "migrations"] as const;

/** The pinned images of one kustomization file; `file` names it in errors. */
export function pinnedImages(kustomization: string, file: string): ImagePin[] {
  const images = parseDocument(kustomization).toJS()?.images;
  if (images === undefined) return [];
  if (!Array.isArray(images)) throw new Error(`${file}: images must be a list of {name, newTag}`);
  return images.map((entry, i) => {
    const { name, newTag } = (entry ?? {}) as Partial<Record<string, unknown>>;
    if (typeof name !== "string" || typeof newTag !== "string" || newTag === "")
      throw new Error(`${file}: images[${i}] needs a name and a newTag to be promoted`);
    return { name, newTag };
  });
}

/**
 * `kustomization` with its `images:` set to `pins` (no setter markers: only a
 * promotion changes them), everything else and its comments kept.
 */
export function withPinnedImages(kustomization: string, pins: readonly ImagePin[], from: string): string {
  const doc: Document = parseDocument(kustomization);
  if (!isMap(doc.contents)) throw new Error("a kustomization file must be a mapping");
  const pair = doc.createPair(
    "images",
    pins.map(({ name, newTag }) => ({ name, newTag })),
  );
  if (isScalar(pair.key))
    pair.key.commentBefore = ` The images ${from} passed its checks on, pinned by a promotion commit (npm run promote).`;
  const items = doc.contents.items;
  const at = items.findIndex((item) => isScalar(item.key) && item.key.value === "images");
  if (at >= 0) items.splice(at, 1, pair);
  else items.push(pair);
  return doc.toString({ lineWidth: 0 });
}

export interface PromotionChange {
  part: string;
  pins: ImagePin[];
  /** The later environment's pins before, for the message. */
  before: ImagePin[];
  text: string;
}

/**
 * What promoting `from` into `to` changes, part by part (only the parts that
 * change). `read(env, part)` gives a kustomization file's text.
 */
export function promotionChanges(
  read: (env: string, part: string) => string,
  from: string,
  to: string,
): PromotionChange[] {
  return PROMOTED_PARTS.flatMap((part) => {
    const source = `flux/apps/${from}/${part}/kustomization.yaml`;
    const pins = pinnedImages(read(from, part), source);
    if (pins.length === 0) throw new Error(`${source} pins no image: there is nothing to promote`);
    const current = read(to, part);
    const before = pinnedImages(current, `flux/apps/${to}/${part}/kustomization.yaml`);
    const same = before.length === pins.length && pins.every((p, i) => samePin(p, before[i]));
    return same ? [] : [{ part, pins, before, text: withPinnedImages(current, pins, from) }];
  });
}

const samePin = (a: ImagePin, b: ImagePin | undefined) => a.name === b?.name && a.newTag === b.newTag;

/** The promotion commit's message: a subject, then each image's old and new tag. */
export function promotionMessage(from: string, to: string, changes: readonly PromotionChange[]): string {
  const lines = changes.flatMap(({ pins, before }) =>
    pins.map((pin) => {
      const old = before.find((b) => b.name === pin.name)?.newTag ?? "(its default)";
      return `- ${pin.name.split("/").at(-1)}: ${old} -> ${pin.newTag}`;
    }),
  );
  const tags = [...new Set(changes.flatMap(({ pins }) => pins.map((p) => p.newTag)))];
  return `promote ${from} to ${to}: ${tags.join(", ")}\n\n${lines.join("\n")}\n`;
}
