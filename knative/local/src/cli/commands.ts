/**
 * The platform CLI's commands, parsed into the control API request each one
 * makes (pure, so every spelling is tested without a platform running). The
 * syntax follows `kn service update`: `rev=percent`, `@latest`, `rev=tag`.
 * Options are read by node:util's parseArgs.
 */
import { parseArgs } from "node:util";

export const USAGE = `usage: npm run platform -- <command>
  status                                   services, revisions, replicas, concurrency, routes
  console                                  a sign-in link to the console for your browser (one use, 10 minutes)
  deploy <service>                         a new revision from the working tree (also: npm run deploy -- <service>)
  traffic <service> <rev>=<percent> ...    set the split; @latest is the latest ready revision
  tag <service> <rev>=<tag>                reach a revision on <tag>-<service>.<namespace>.<domain>
  untag <service> <tag>                    remove a tag
  scale <service> [min=<n>] [max=<n>] [window=<6s..1h>]
                                           min/max scale, stable window (a new revision, as kn service update makes)
  env <service> NAME=value | NAME- ...     set or remove a variable (a new revision), e.g. env redirect FAIL_RATE=0.3
  reset <service>                          drop the changes above: the manifests alone again
  logs <revision> [--tail <n>] [--follow]  what the revision's replicas wrote`;

export type Command =
  | { kind: "help" }
  | { kind: "status" }
  | { kind: "console" }
  | { kind: "logs"; revision: string; tail: number; follow: boolean }
  | { kind: "request"; method: "POST" | "DELETE"; path: string; body?: unknown; done: string };

/** The request a command line makes, or the reason it is wrong (with the usage). */
export function parseCommand(args: string[]): Command | { error: string } {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    return { error: `${error instanceof Error ? error.message : error}\n\n${USAGE}` };
  }
  const { values: options, positionals } = parsed;
  const [name, subject, ...rest] = positionals;
  if (options.help) return { kind: "help" };
  if (name !== "logs" && (options.tail !== undefined || options.follow)) {
    return { error: `--tail and --follow are options of logs\n\n${USAGE}` };
  }
  const service = subject ? encodeURIComponent(subject) : "";
  const needsSubject = (what: string) => ({ error: `${name} needs ${what}\n\n${USAGE}` });
  switch (name) {
    case "help":
      return { kind: "help" };
    case "status":
      return { kind: "status" };
    case "console":
      return { kind: "console" };
    case "deploy":
      if (!subject) return needsSubject("a service");
      return { kind: "request", method: "POST", path: `/deploy/${service}`, done: "deployed" };
    case "traffic": {
      if (!subject || rest.length === 0) return needsSubject("a service and at least one <rev>=<percent>");
      const traffic = [];
      for (const pair of rest.flatMap((a) => a.split(","))) {
        const match = /^(.+)=(\d+)$/.exec(pair);
        if (!match) return { error: `"${pair}" is not <revision>=<percent> (e.g. redirect-00001=90 @latest=10)` };
        const [, revision, percent] = match as unknown as [string, string, string];
        traffic.push(
          revision === "@latest"
            ? { latestRevision: true, percent: Number(percent) }
            : { revisionName: revision, percent: Number(percent) },
        );
      }
      return {
        kind: "request",
        method: "POST",
        path: `/services/${service}/traffic`,
        body: { traffic },
        done: "traffic set",
      };
    }
    case "tag": {
      const match = /^(.+)=(.+)$/.exec(rest[0] ?? "");
      if (!subject || !match || rest.length > 1) return needsSubject("a service and one <revision>=<tag>");
      const [, revision, tag] = match as unknown as [string, string, string];
      return {
        kind: "request",
        method: "POST",
        path: `/services/${service}/tags`,
        body: { tag, revision },
        done: `tagged ${tag}`,
      };
    }
    case "untag":
      if (!subject || rest.length !== 1) return needsSubject("a service and a tag");
      return {
        kind: "request",
        method: "POST",
        path: `/services/${service}/tags`,
        body: { tag: rest[0] },
        done: "untagged",
      };
    case "scale": {
      if (!subject || rest.length === 0) return needsSubject("min=<n>, max=<n>, window=<duration> or some of them");
      const body: { minScale?: number; maxScale?: number; window?: string } = {};
      for (const pair of rest) {
        const bound = /^(min|max)=(\d+)$/.exec(pair);
        const window = /^window=(.+)$/.exec(pair);
        if (bound) body[bound[1] === "min" ? "minScale" : "maxScale"] = Number(bound[2]);
        else if (window) body.window = window[1] as string;
        else
          return {
            error: `"${pair}" is not min=<n>, max=<n> (whole numbers, 0 or more) or window=<duration> (e.g. 6s)`,
          };
      }
      return { kind: "request", method: "POST", path: `/services/${service}/scale`, body, done: "scale set" };
    }
    case "env": {
      if (!subject || rest.length === 0) return needsSubject("a service and NAME=value or NAME- (to remove)");
      const env: Record<string, string | null> = {};
      for (const pair of rest) {
        const set = /^([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$/s.exec(pair);
        const unset = /^([A-Za-z_][A-Za-z0-9_.-]*)-$/.exec(pair);
        if (set) env[set[1] as string] = set[2] as string;
        else if (unset) env[unset[1] as string] = null;
        else return { error: `"${pair}" is not NAME=value or NAME- (a variable name: letters, digits, _ . -)` };
      }
      return {
        kind: "request",
        method: "POST",
        path: `/services/${service}/env`,
        body: { env },
        done: "environment set",
      };
    }
    case "reset":
      if (!subject) return needsSubject("a service");
      return {
        kind: "request",
        method: "DELETE",
        path: `/services/${service}/live-changes`,
        done: "reset to the manifests",
      };
    case "logs": {
      if (!subject || rest.length > 0) return needsSubject("a revision, e.g. redirect-00001");
      const tail = options.tail === undefined ? 100 : Number(options.tail);
      if (!Number.isInteger(tail) || tail <= 0) return { error: "--tail needs a whole number of lines, 1 or more" };
      return { kind: "logs", revision: subject, tail, follow: options.follow ?? false };
    }
    default:
      return { error: USAGE };
  }
}

/** The options any command line may carry; everything else is positional (`NAME-` included). */
function parseOptions(args: string[]) {
  return parseArgs({
    args,
    options: {
      tail: { type: "string" },
      follow: { type: "boolean", short: "f" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
}
