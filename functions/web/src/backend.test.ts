import { describe, expect, it } from "vitest";
import { Backend, toProblem } from "./backend.ts";

describe("the APIs' answers as problems", () => {
  it("keeps an API's problem+json, with only well-formed field errors", () => {
    const body = {
      type: "urn:problem-type:validation",
      title: "Your request is not valid",
      status: 400,
      detail: "see errors",
      errors: [{ in: "body", pointer: "#/targetUrl", detail: "must use http or https" }, { pointer: "#/x" }, "junk"],
      requestId: "r1",
    };
    expect(toProblem(400, body, "links")).toEqual({
      status: 400,
      title: "Your request is not valid",
      detail: "see errors",
      errors: [{ in: "body", pointer: "#/targetUrl", detail: "must use http or https" }],
      requestId: "r1",
    });
  });

  it("names the service when the answer is not a problem (an ingress' 503, a 200 without JSON)", () => {
    expect(toProblem(503, undefined, "analytics")).toEqual({
      status: 503,
      title: "Error 503",
      detail: "The analytics service answered 503.",
    });
    expect(toProblem(200, undefined, "links")).toMatchObject({ status: 502, title: "Bad Gateway" });
  });

  it("answers 503 when a service cannot be reached", async () => {
    const backend = new Backend({
      linksUrl: "http://links.test",
      analyticsUrl: "http://analytics.test",
      fetch: (async () => {
        throw new TypeError("fetch failed");
      }) as typeof fetch,
    });
    expect(await backend.getLink("lsk_x", 1)).toEqual({
      ok: false,
      problem: { status: 503, title: "Service Unavailable", detail: "The links service did not answer; try again." },
    });
  });
});
