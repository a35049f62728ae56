import { describe, expect, it } from "vitest";
import type { Condition, KnativeServiceWithImage } from "../client/kube.ts";
import { releaseTagOf, rolloutHoldUp, stepFigures, tagsSet } from "./image-update-course.ts";

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

  it("does not while one environment's file lags behind another's, whichever comes first", () => {
    const dev = file("main-a-2", "0.1.0");
    const test = file("main-a-2", "main-a-2");
    expect(tagsSet(`${dev}\n${test}`, ["links", "web"], "main-a-2")).toBe(false);
    expect(tagsSet(`${test}\n${dev}`, ["links", "web"], "main-a-2")).toBe(false);
    expect(tagsSet(`${test}\n${test}`, ["links", "web"], "main-a-2")).toBe(true);
  });
});

describe("rolloutHoldUp", () => {
  const TAG = "main-0123abcd4567-1764500000";
  const service = (
    image: string,
    status: { observed?: number; ready?: Condition; traffic?: [string, number][] } = {},
  ): KnativeServiceWithImage => ({
    metadata: { name: "redirect", namespace: "dev", generation: 3 },
    spec: { template: { spec: { containers: [{ image: `127.0.0.1:5000/x/redirect:${image}` }] } } },
    status: {
      observedGeneration: status.observed ?? 3,
      latestCreatedRevisionName: "redirect-00003",
      latestReadyRevisionName: "redirect-00003",
      conditions: [status.ready ?? { type: "Ready", status: "True" }],
      traffic: (status.traffic ?? [["redirect-00003", 100]]).map(([revisionName, percent]) => ({
        revisionName,
        percent,
      })),
    },
  });

  it.each([
    ["the new tag not applied", service("main-old-1"), "still on main-old-1 (the new tag not applied)"],
    ["a generation Knative has not seen", service(TAG, { observed: 2 }), "generation 3 not observed yet (observed 2)"],
    [
      "a revision that is not Ready, with Knative's reason",
      service(TAG, {
        ready: { type: "Ready", status: "Unknown", reason: "RevisionMissing", message: "Configuration is waiting" },
      }),
      "latest created redirect-00003 not Ready: RevisionMissing (Configuration is waiting)",
    ],
    [
      "a rollout still splitting traffic",
      service(TAG, {
        traffic: [
          ["redirect-00002", 60],
          ["redirect-00003", 40],
        ],
      }),
      "traffic not all on redirect-00003: redirect-00002 60%, redirect-00003 40%",
    ],
  ])("names %s", (_case, svc, why) => {
    expect(rolloutHoldUp(svc, TAG)).toBe(why);
  });

  it("is undefined once the Service runs the tag with all its traffic (a 0 % entry aside)", () => {
    expect(rolloutHoldUp(service(TAG), TAG)).toBeUndefined();
    expect(
      rolloutHoldUp(
        service(TAG, {
          traffic: [
            ["redirect-00002", 0],
            ["redirect-00003", 100],
          ],
        }),
        TAG,
      ),
    ).toBeUndefined();
  });
});
