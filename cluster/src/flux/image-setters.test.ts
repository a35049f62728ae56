import { describe, expect, it } from "vitest";
import { imageSetters } from "./image-setters.ts";

describe("imageSetters", () => {
  it("reads each images entry's tag and the policy that sets it", () => {
    const file =
      "images:\n" +
      '  - name: ghcr.io/x/links\n    newTag: main-0a1b-1764500000 # {"$imagepolicy": "flux-system:links:tag"}\n' +
      '  - name: ghcr.io/x/web\n    newTag: 0.1.0 # {"$imagepolicy": "apps:web-2:tag"}\n';
    expect(imageSetters(file)).toEqual([
      { namespace: "flux-system", policy: "links", tag: "main-0a1b-1764500000" },
      { namespace: "apps", policy: "web-2", tag: "0.1.0" },
    ]);
  });

  it("ignores entries without a marker and markers for other fields", () => {
    const file =
      "images:\n  - name: ghcr.io/x/links\n    newTag: 0.1.0\n" +
      '  - name: ghcr.io/x/web\n    newName: ghcr.io/y/web # {"$imagepolicy": "flux-system:web:name"}\n';
    expect(imageSetters(file)).toEqual([]);
  });
});
