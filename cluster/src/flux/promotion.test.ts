import { describe, expect, it } from "vitest";
import { pinnedImages, promotionChanges, promotionMessage, withPinnedImages } from "./promotion.ts";

const TEST_FUNCTIONS = `# test's functions
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../../../knative/overlays/test
images:
  - name: ghcr.io/x/links
    newTag: main-0a1b-1764500000 # {"$imagepolicy": "flux-system:links:tag"}
  - name: ghcr.io/x/web
    newTag: main-0a1b-1764500000 # {"$imagepolicy": "flux-system:web:tag"}
`;
const TEST_MIGRATIONS = `kind: Kustomization
images:
  - name: ghcr.io/x/migrations
    newTag: main-0a1b-1764500000 # {"$imagepolicy": "flux-system:migrations:tag"}
`;
const PROD_FUNCTIONS = `# prod's functions
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../../../knative/overlays/prod
`;
const PROD_MIGRATIONS = "kind: Kustomization\nnamespace: prod\n";

const files: Record<string, string> = {
  "test/functions": TEST_FUNCTIONS,
  "test/migrations": TEST_MIGRATIONS,
  "prod/functions": PROD_FUNCTIONS,
  "prod/migrations": PROD_MIGRATIONS,
};
const read = (env: string, part: string) => files[`${env}/${part}`] ?? "";

describe("pinnedImages", () => {
  it("reads each entry's image and tag, setter markers or not", () => {
    expect(pinnedImages(TEST_FUNCTIONS, "f")).toEqual([
      { name: "ghcr.io/x/links", newTag: "main-0a1b-1764500000" },
      { name: "ghcr.io/x/web", newTag: "main-0a1b-1764500000" },
    ]);
    expect(pinnedImages(PROD_FUNCTIONS, "f")).toEqual([]);
  });

  it("names the file and the entry it cannot promote", () => {
    expect(() => pinnedImages("images:\n  - name: ghcr.io/x/links\n", "flux/apps/test/functions")).toThrow(
      "flux/apps/test/functions: images[0] needs a name and a newTag to be promoted",
    );
    expect(() => pinnedImages("images: ghcr.io/x/links\n", "k.yaml")).toThrow("k.yaml: images must be a list");
  });
});

describe("withPinnedImages", () => {
  it("adds the pins without setter markers, keeping the rest and its comments", () => {
    const text = withPinnedImages(PROD_FUNCTIONS, [{ name: "ghcr.io/x/links", newTag: "main-0a1b-1" }], "test");
    expect(text).toBe(
      `${PROD_FUNCTIONS}# The images test passed its checks on, pinned by a promotion commit (npm run promote).\n` +
        "images:\n  - name: ghcr.io/x/links\n    newTag: main-0a1b-1\n",
    );
  });

  it("replaces earlier pins in place", () => {
    const once = withPinnedImages(PROD_FUNCTIONS, [{ name: "ghcr.io/x/links", newTag: "main-a-1" }], "test");
    const twice = withPinnedImages(`${once}labels: []\n`, [{ name: "ghcr.io/x/links", newTag: "main-b-2" }], "test");
    expect(pinnedImages(twice, "f")).toEqual([{ name: "ghcr.io/x/links", newTag: "main-b-2" }]);
    expect(twice.indexOf("images:")).toBeLessThan(twice.indexOf("labels:"));
    expect(twice.match(/promotion commit/g)).toHaveLength(1);
  });
});

describe("promotionChanges", () => {
  it("pins every part's images of the earlier environment in the later one", () => {
    const changes = promotionChanges(read, "test", "prod");
    expect(changes.map((c) => c.part)).toEqual(["functions", "migrations"]);
    for (const change of changes) expect(pinnedImages(change.text, change.part)).toEqual(change.pins);
    expect(changes[1]?.pins).toEqual([{ name: "ghcr.io/x/migrations", newTag: "main-0a1b-1764500000" }]);
  });

  it("changes nothing once the later environment pins the same", () => {
    const promoted = Object.fromEntries(promotionChanges(read, "test", "prod").map((c) => [`prod/${c.part}`, c.text]));
    expect(promotionChanges((env, part) => promoted[`${env}/${part}`] ?? read(env, part), "test", "prod")).toEqual([]);
  });

  it("refuses an environment that pins nothing", () => {
    expect(() => promotionChanges(read, "prod", "test")).toThrow(
      "flux/apps/prod/functions/kustomization.yaml pins no image: there is nothing to promote",
    );
  });
});

describe("promotionMessage", () => {
  it("says what moves from where to where, image by image", () => {
    const changes = promotionChanges(read, "test", "prod");
    changes[0]?.before.push({ name: "ghcr.io/x/links", newTag: "main-9f9f-1764400000" });
    expect(promotionMessage("test", "prod", changes)).toBe(
      "promote test to prod: main-0a1b-1764500000\n\n" +
        "- links: main-9f9f-1764400000 -> main-0a1b-1764500000\n" +
        "- web: (its default) -> main-0a1b-1764500000\n" +
        "- migrations: (its default) -> main-0a1b-1764500000\n",
    );
  });
});
