import { z } from "zod";

/** Variables every function reads. Knative sets K_SERVICE, K_REVISION and K_CONFIGURATION. */
export const baseConfigSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  /**
   * Where the public port listens: every interface by default, as a function in
   * a pod must; the local platform passes 127.0.0.1, so nothing off the machine reaches its replicas.
   */
  HOST: z.string().min(1).default("0.0.0.0"),
  /**
   * The admin port: /metrics and the health endpoints for Prometheus and
   * probes, never behind the public hosts. 0 takes any free port (local
   * replicas, tests); the manifests set 9464, clear of Knative's own ports.
   */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Where the admin port listens: loopback unless something off the machine scrapes it (0.0.0.0 in a pod). */
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  K_SERVICE: z.string().min(1).default("function"),
  K_REVISION: z.string().min(1).default("local"),
  K_CONFIGURATION: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z
    .string({ error: "is required: a PostgreSQL URL such as postgres://user:password@host:5432/db" })
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://"),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** Unset: the cache is off and every read goes to the database. */
  REDIS_URL: z
    .string()
    .regex(/^(rediss?|redis-sentinel):\/\//, "must start with redis://, rediss:// or redis-sentinel://")
    .refine(
      (url) => !url.startsWith("redis-sentinel://") || /^redis-sentinel:\/\/[^/]+\/[^/]+(\/\d+)?$/.test(url),
      "a Sentinel URL is redis-sentinel://host:port,host:port/<primary name>[/<db>]",
    )
    .optional(),
  /** One log line per request; errors are logged either way. */
  ACCESS_LOG: z.stringbool({ error: "must be true or false" }).default(true),
  /** Share of requests (0 to 1) answered 500 on purpose: a faulty revision for canary drills and load tests. */
  FAIL_RATE: z.coerce.number().min(0, "must be from 0 to 1").max(1, "must be from 0 to 1").default(0),
  /**
   * Milliseconds every request waits before it is handled, on purpose: a slow backend for
   * autoscaling drills, requests in flight that cost no CPU. Keep it under the Service's timeoutSeconds.
   */
  DELAY_MS: z.coerce.number().int("must be a whole number of milliseconds").min(0).max(60_000).default(0),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Parses the environment with a zod object schema. Empty strings count as
 * unset, so `FOO=` behaves like a missing variable and gets its default.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join(".") || "(environment)";
      const received = issue.code === "invalid_type" && cleaned[name] === undefined ? "is not set; it " : "";
      return `${name}: ${received}${issue.message}`;
    }),
  );
}
