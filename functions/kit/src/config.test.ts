import { describe, expect, it } from "vitest";
import { baseConfigSchema, ConfigError, loadConfig } from "./config.ts";

const DB = "postgres://user:pw@localhost:5432/app";

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(baseConfigSchema, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies the defaults", () => {
    expect(loadConfig(baseConfigSchema, { DATABASE_URL: DB })).toEqual({
      PORT: 8080,
      HOST: "0.0.0.0",
      METRICS_PORT: 0,
      METRICS_HOST: "127.0.0.1",
      K_SERVICE: "function",
      K_REVISION: "local",
      LOG_LEVEL: "info",
      DATABASE_URL: DB,
      DATABASE_POOL_MAX: 10,
      ACCESS_LOG: true,
      FAIL_RATE: 0,
      DELAY_MS: 0,
      SHUTDOWN_TIMEOUT_MS: 10_000,
    });
  });

  it.each([
    ["PORT from a string", { PORT: "3000" }, { PORT: 3000 }],
    ["empty PORT as unset", { PORT: "" }, { PORT: 8080 }],
    ["empty K_SERVICE as unset", { K_SERVICE: "" }, { K_SERVICE: "function" }],
    ["rediss:// REDIS_URL", { REDIS_URL: "rediss://cache:6380" }, { REDIS_URL: "rediss://cache:6380" }],
    [
      "Sentinel REDIS_URL",
      { REDIS_URL: "redis-sentinel://s1:26379,s2:26379/cache" },
      { REDIS_URL: "redis-sentinel://s1:26379,s2:26379/cache" },
    ],
    ["ACCESS_LOG false", { ACCESS_LOG: "false" }, { ACCESS_LOG: false }],
    ["ACCESS_LOG true", { ACCESS_LOG: "true" }, { ACCESS_LOG: true }],
    ["postgresql:// scheme", { DATABASE_URL: "postgresql://h/db" }, { DATABASE_URL: "postgresql://h/db" }],
    ["DELAY_MS from a string", { DELAY_MS: "2000" }, { DELAY_MS: 2000 }],
  ])("reads %s", (_name, env, expected) => {
    expect(loadConfig(baseConfigSchema, { DATABASE_URL: DB, ...env })).toMatchObject(expected);
  });

  it.each([
    ["undefined", undefined],
    ["empty", ""],
  ])("leaves an %s REDIS_URL unset", (_name, value) => {
    expect(loadConfig(baseConfigSchema, { DATABASE_URL: DB, REDIS_URL: value })).not.toHaveProperty("REDIS_URL");
  });

  it.each([
    ["missing DATABASE_URL", {}, "DATABASE_URL: is not set"],
    ["empty DATABASE_URL", { DATABASE_URL: "" }, "DATABASE_URL: is not set"],
    ["non-postgres DATABASE_URL", { DATABASE_URL: "mysql://h/db" }, "DATABASE_URL: must start with postgres://"],
    ["PORT abc", { DATABASE_URL: DB, PORT: "abc" }, "PORT:"],
    ["PORT 70000", { DATABASE_URL: DB, PORT: "70000" }, "PORT:"],
    ["REDIS_URL without redis://", { DATABASE_URL: DB, REDIS_URL: "localhost:6379" }, "REDIS_URL: must start with"],
    [
      "a Sentinel REDIS_URL without the primary's name",
      { DATABASE_URL: DB, REDIS_URL: "redis-sentinel://s1:26379" },
      "REDIS_URL: a Sentinel URL is redis-sentinel://host:port,host:port/<primary name>",
    ],
    ["ACCESS_LOG maybe", { DATABASE_URL: DB, ACCESS_LOG: "maybe" }, "ACCESS_LOG: must be true or false"],
    ["DELAY_MS 1.5", { DATABASE_URL: DB, DELAY_MS: "1.5" }, "DELAY_MS: must be a whole number of milliseconds"],
    ["DELAY_MS -1", { DATABASE_URL: DB, DELAY_MS: "-1" }, "DELAY_MS:"],
  ])("refuses %s, naming the variable", (_name, env, expected) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it("reports several problems together, in the message too", () => {
    const env = { PORT: "abc", REDIS_URL: "http://x", ACCESS_LOG: "maybe" };
    expect(() => loadConfig(baseConfigSchema, env)).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*REDIS_URL[\s\S]*ACCESS_LOG/);
    expect(problemsOf(env).map((p) => p.split(":")[0])).toEqual(["PORT", "DATABASE_URL", "REDIS_URL", "ACCESS_LOG"]);
  });
});
