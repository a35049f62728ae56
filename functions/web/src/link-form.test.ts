import { describe, expect, it } from "vitest";
import { createBody, formErrors, fromDateTimeLocal, readLinkForm, toDateTimeLocal, updateBody } from "./link-form.ts";

const FIELDS = ["targetUrl", "code", "redirectType", "expiresAt"];

describe("the link form to the links API", () => {
  it.each([
    ["2030-01-01T12:30", "2030-01-01T12:30:00Z"],
    ["2030-01-01T12:30:15", "2030-01-01T12:30:15Z"],
    ["tomorrow", "tomorrow"],
    ["2030-01-01", "2030-01-01"],
  ])("reads the expiry %s (UTC) as %s", (input, sent) => {
    expect(fromDateTimeLocal(input)).toBe(sent);
  });

  it("shows a stored expiry in the datetime-local input", () => {
    expect(toDateTimeLocal("2030-01-01T12:30:00.000Z")).toBe("2030-01-01T12:30");
  });

  it("sends only what was filled in on create, and values it cannot read as typed", () => {
    const values = readLinkForm({ targetUrl: " https://example.com ", code: "", redirectType: "302", other: "x" });
    expect(createBody(values)).toEqual({ targetUrl: "https://example.com", redirectType: 302 });
    expect(createBody(readLinkForm({ targetUrl: "a", code: "c0de", redirectType: "307", expiresAt: "soon" }))).toEqual({
      targetUrl: "a",
      code: "c0de",
      redirectType: "307",
      expiresAt: "soon",
    });
  });

  it("clears the expiry on update when the field is empty, and never sends the code", () => {
    expect(updateBody(readLinkForm({ targetUrl: "https://e.com", code: "x", redirectType: "301" }))).toEqual({
      targetUrl: "https://e.com",
      redirectType: 301,
      expiresAt: null,
    });
  });
});

describe("the API's errors on the form", () => {
  it("puts each error at the field its pointer names, the rest above the form", () => {
    const errors = formErrors(
      {
        status: 400,
        title: "Your request is not valid",
        errors: [
          { in: "body", pointer: "#/targetUrl", detail: "must use http or https" },
          { in: "body", pointer: "#/targetUrl", detail: "is too long" },
          { in: "body", pointer: "#/enabled", detail: "must be a boolean" },
          { in: "query", pointer: "#/code", detail: "not a body field" },
          { detail: "no pointer" },
        ],
      },
      FIELDS,
    );
    expect(errors).toEqual({
      fields: { targetUrl: ["must use http or https", "is too long"] },
      general: ["enabled: must be a boolean", "code: not a body field", "no pointer"],
    });
  });

  it("puts a conflict at the conflicting field, and any other problem above the form", () => {
    const taken = { status: 409, title: "Conflict", detail: "The code 'x' is taken; choose another." };
    expect(formErrors(taken, FIELDS, "code").fields).toEqual({ code: ["The code 'x' is taken; choose another."] });
    expect(formErrors({ status: 429, title: "Too Many Requests" }, FIELDS)).toEqual({
      fields: {},
      general: ["Too Many Requests"],
    });
  });
});
