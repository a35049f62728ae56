export {
  type AppEnv,
  type AppVariables,
  createFunctionApp,
  type FunctionApp,
  fieldErrors,
  isProbe,
  type ReadinessCheck,
  requestHeader,
  toProblem,
} from "./app.ts";
export { type AuthEnv, apiKeyAuth, type Caller } from "./auth.ts";
export { Cache, INVALIDATION_CHANNEL, jitteredTtl } from "./cache.ts";
export { type BaseConfig, baseConfigSchema, ConfigError, loadConfig } from "./config.ts";
export {
  createDatabase,
  type DatabaseClient,
  type Db,
  isDatabaseUnavailable,
  retryRead,
  sqlState,
  withPrimaryTarget,
} from "./database.ts";
export { FeatureFlags, FLAGS_CHANNEL, FLAGS_KEY, type FlagValue, parseFlags } from "./flags.ts";
export {
  type CollectedMetric,
  collectedMetric,
  histogramSamples,
  type Sample as MetricSample,
} from "./http-metrics.ts";
export { Lifecycle } from "./lifecycle.ts";
export { createLogger, type Logger } from "./logger.ts";
export { Metrics } from "./metrics.ts";
export {
  dateTimeInput,
  EARLIEST_INSTANT_MS,
  idParam,
  instantProblem,
  LATEST_INSTANT_MS,
  ProblemSchema,
  problemContent,
  registerApiKeyScheme,
} from "./openapi.ts";
export { type FieldError, PROBLEM_CONTENT_TYPE, ProblemError, problemResponse, problems } from "./problem.ts";
export { decideRateLimit, hitRateLimit, type RateLimitDecision, rateLimitKey } from "./rate-limit.ts";
export { createRedis, type Redis } from "./redis.ts";
export {
  createFunctionContext,
  type FetchApp,
  type FunctionContext,
  type RunningFunction,
  runFunction,
  serveFunction,
} from "./runtime.ts";
