import { describe, expect, it } from "vitest";
import { resolveEnvironment } from "./environment.ts";

const configMaps = new Map([["platform-config", { LOG_LEVEL: "info", SHORT_URL_BASE: "http://localhost:8080" }]]);
const secrets = new Map([["platform-secrets", { DATABASE_URL: "postgres://db" }]]);

describe("resolveEnvironment", () => {
  it("takes envFrom first, then env values and references", () => {
    const env = resolveEnvironment(
      [
        { name: "LOG_LEVEL", value: "debug" },
        { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "platform-secrets", key: "DATABASE_URL" } } },
        {
          name: "REDIS_URL",
          valueFrom: { secretKeyRef: { name: "platform-secrets", key: "REDIS_URL", optional: true } },
        },
      ],
      [{ configMapRef: { name: "platform-config" } }],
      configMaps,
      secrets,
    );
    expect(env).toEqual({ LOG_LEVEL: "debug", SHORT_URL_BASE: "http://localhost:8080", DATABASE_URL: "postgres://db" });
  });

  it("names a required key that is missing", () => {
    expect(() =>
      resolveEnvironment(
        [{ name: "ROLLUP_TOKEN", valueFrom: { secretKeyRef: { name: "platform-secrets", key: "ROLLUP_TOKEN" } } }],
        [],
        configMaps,
        secrets,
      ),
    ).toThrow('ROLLUP_TOKEN: key "ROLLUP_TOKEN" not found in "platform-secrets"');
  });
});
