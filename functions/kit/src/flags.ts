import type { Logger } from "./logger.ts";
import { type Redis, throttled } from "./redis.ts";

/** Flags live in one Redis hash (name -> JSON value); changes are announced on a channel. */
export const FLAGS_KEY = "flags";
export const FLAGS_CHANNEL = "flags:changed";

export type FlagValue = boolean | number | string;

export interface FeatureFlagsOptions<F extends Record<string, FlagValue>> {
  defaults: F;
  redis?: Redis;
  subscriber?: Redis;
  logger: Logger;
}

/**
 * Feature flags mirrored in every process: reads are local and synchronous;
 * a change written with `set` reaches every instance through pub/sub, and
 * each (re)connection reloads the whole hash so that a
 * change missed while disconnected is picked up. Without Redis, or while it
 * is down, the last known values (or the defaults) stay in force.
 */
export class FeatureFlags<F extends Record<string, FlagValue>> {
  private values: F;
  private readonly logError: (error: unknown) => void;
  private readonly listeners = new Set<(name: keyof F, value: FlagValue) => void>();

  constructor(private readonly options: FeatureFlagsOptions<F>) {
    this.values = { ...options.defaults };
    this.logError = throttled((error) => options.logger.warn({ err: error }, "feature flags: Redis unavailable"));
    const { redis, subscriber } = options;
    redis?.on("ready", () => void this.reload());
    if (subscriber) {
      subscriber.on("message", (channel: string) => {
        if (channel === FLAGS_CHANNEL) void this.reload();
      });
      subscriber.on("ready", () => void this.reload());
      subscriber.subscribe(FLAGS_CHANNEL).catch(this.logError);
    }
  }

  get<K extends keyof F>(name: K): F[K] {
    return this.values[name];
  }

  all(): F {
    return { ...this.values };
  }

  /** Called after a reload changed a flag. */
  onChange(listener: (name: keyof F, value: FlagValue) => void): void {
    this.listeners.add(listener);
  }

  /** Stores a flag and tells every instance. Throws when Redis is unavailable. */
  async set<K extends keyof F & string>(name: K, value: F[K]): Promise<void> {
    const redis = this.options.redis;
    if (!redis) throw new Error("feature flags need REDIS_URL to be changed at run time");
    await redis.multi().hset(FLAGS_KEY, name, JSON.stringify(value)).publish(FLAGS_CHANNEL, name).exec();
    const change: Partial<F> = {};
    change[name] = value;
    this.apply(change);
  }

  /** Reads every flag from Redis; values of unknown names or of the wrong type are ignored. */
  async reload(): Promise<void> {
    const redis = this.options.redis;
    if (redis?.status !== "ready") return; // called again on "ready"
    try {
      const stored = await redis.hgetall(FLAGS_KEY);
      this.apply(parseFlags(this.options.defaults, stored));
    } catch (error) {
      this.logError(error);
    }
  }

  private apply(changes: Partial<F>): void {
    for (const [name, value] of Object.entries(changes) as [keyof F, F[keyof F]][]) {
      if (this.values[name] === value) continue;
      this.values = { ...this.values, [name]: value };
      this.options.logger.info({ flag: name, value }, "feature flag changed");
      for (const listener of this.listeners) listener(name, value);
    }
  }
}

/** Pure: the stored hash, kept to known names whose JSON value has the default's type. */
export function parseFlags<F extends Record<string, FlagValue>>(
  defaults: F,
  stored: Record<string, string>,
): Partial<F> {
  const result: Partial<F> = {};
  for (const [name, raw] of Object.entries(stored)) {
    if (!Object.hasOwn(defaults, name)) continue; // not `in`: "__proto__" must not pass
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      continue;
    }
    if (typeof value === typeof defaults[name]) result[name as keyof F] = value as F[keyof F];
  }
  return result;
}
