import { describe, expect, it } from "vitest";
import { releaseTagOf, stepFigures, tagsSet } from "./image-update-course.ts";

describe("releaseTagOf", () => {
  it("reads the tag platform-images.sh --release prints last", () => {
    const output =
      "127.0.0.1:5000/x/links:0.1.0 pushed\n127.0.0.1:5000/x/links:content-ab exists\nrelease main-0123abcd4567-1764500000\n";
    expect(releaseTagOf(output)).toBe("main-0123abcd4567-1764500000");
  });

  it("says what came instead of a tag", () => {
    expect(() => releaseTagOf("127.0.0.1:5000/x/links:0.1.0 pushed\n")).toThrow(
      'printed no release tag; its last line: "127.0.0.1:5000/x/links:0.1.0 pushed"',
    );
    expect(() => releaseTagOf("release 0.1.0")).toThrow("printed no release tag");
  });
});

describe("stepFigures", () => {
  it("gives each step's own time and its time from the start", () => {
    expect(
      stepFigures(1_000, [
        { name: "built", at: 41_000 },
        { name: "scanned", at: 43_500 },
      ]),
    ).toEqual([
      "1. built: 40.0 s (40.0 s from the build's start)",
      "2. scanned: 2.5 s (42.5 s from the build's start)",
    ]);
  });
});

describe("tagsSet", () => {
  const file = (links: string, web: string) =>
    `images:\n  - name: ghcr.io/x/links\n    newTag: ${links} # {"$imagepolicy": "flux-system:links:tag"}\n` +
    `  - name: ghcr.io/x/web\n    newTag: ${web} # {"$imagepolicy": "flux-system:web:tag"}\n`;

  it("holds once every policy's setter has the tag", () => {
    expect(tagsSet(file("main-a-2", "main-a-2"), ["links", "web"], "main-a-2")).toBe(true);
  });

  it("does not while one setter lags, or one policy has no setter", () => {
    expect(tagsSet(file("main-a-2", "0.1.0"), ["links", "web"], "main-a-2")).toBe(false);
    expect(tagsSet(file("main-a-2", "main-a-2"), ["links", "web", "migrations"], "main-a-2")).toBe(false);
  });
});
