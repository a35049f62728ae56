/**
 * The running local platform from the command line (`npm run platform -- <command>`;
 * commands in ./commands.ts). It talks to the control API that `npm start`
 * serves (URL in .data/local-state.json, token in .data/control-token; or
 * PLATFORM_URL and PLATFORM_TOKEN).
 */
import type { ConsoleCodeDocument, DeployDocument, ServiceDocument, StatusDocument } from "../control-api/contract.ts";
import {
  type ControlEndpoint,
  controlRequest,
  localControlEndpoint,
  type Refusal,
  readAnswer,
  refusalOf,
} from "../control-api/control-client.ts";
import { parseCommand, USAGE } from "./commands.ts";
import { formatStatus } from "./format-status.ts";

export interface CliIo {
  endpoint: ControlEndpoint | undefined;
  out: (text: string) => void;
}

/** Runs one command; resolves with the exit code (0 done, 1 refused or unreachable, 2 usage). */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const command = parseCommand(args);
  if ("error" in command) {
    io.out(`${command.error}\n`);
    return 2;
  }
  if (command.kind === "help") {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const { endpoint } = io;
  if (!endpoint) {
    io.out("The platform is not running here: start it with `npm start` (or set PLATFORM_URL and PLATFORM_TOKEN).\n");
    return 1;
  }
  try {
    switch (command.kind) {
      case "status": {
        const answer = await readAnswer<StatusDocument>(await controlRequest(endpoint, "GET", "/status"));
        if (!answer.ok) return refused(io, answer);
        io.out(formatStatus(answer.document));
        return 0;
      }
      case "console": {
        const answer = await readAnswer<ConsoleCodeDocument>(await controlRequest(endpoint, "POST", "/console-codes"));
        if (!answer.ok) return refused(io, answer);
        const { url, expiresInSeconds } = answer.document;
        io.out(
          `Open ${url}\n(a sign-in link for one browser: it works once, within ${expiresInSeconds / 60} minutes)\n`,
        );
        return 0;
      }
      case "logs": {
        const query = `tail=${command.tail}${command.follow ? "&follow" : ""}`;
        const path = `/revisions/${encodeURIComponent(command.revision)}/logs?${query}`;
        const res = await controlRequest(endpoint, "GET", path);
        if (!res.ok) return refused(io, await refusalOf(res));
        for await (const chunk of res.body ?? []) io.out(Buffer.from(chunk).toString("utf8"));
        return 0;
      }
      case "request": {
        const res = await controlRequest(endpoint, command.method, command.path, { body: command.body });
        const answer = await readAnswer<ServiceDocument | DeployDocument>(res);
        if (!answer.ok) return refused(io, answer);
        io.out(describeOutcome(command.done, answer.document));
        return 0;
      }
    }
  } catch (error) {
    io.out(`cannot reach the platform at ${endpoint.baseUrl}: ${error instanceof Error ? error.message : error}\n`);
    return 1;
  }
}

/** PLATFORM_URL and PLATFORM_TOKEN, else what `npm start` wrote in .data/. */
function endpointFromEnvironment(): ControlEndpoint | undefined {
  const local = localControlEndpoint();
  const baseUrl = process.env.PLATFORM_URL ?? local?.baseUrl;
  const token = process.env.PLATFORM_TOKEN ?? local?.token;
  return baseUrl && token ? { baseUrl, token } : undefined;
}

function refused(io: CliIo, answer: Refusal): number {
  const { problem } = answer;
  const fields = (problem.errors ?? []).map((e) => `\n  ${e.pointer}: ${e.detail}`).join("");
  io.out(`refused (${answer.status}): ${problem.detail ?? answer.statusText}${fields}\n`);
  return 1;
}

function describeOutcome(done: string, body: ServiceDocument | DeployDocument): string {
  if (!("revisions" in body)) {
    return `${body.revision} is ready${body.canary ? `; the canary gives it ${body.canary.weight}% and more at each passing check` : " and takes the traffic"}\n`;
  }
  const split = body.revisions
    .filter((r) => r.percent > 0 || r.tags.length > 0)
    .map((r) => `${r.revision} ${r.percent}%${r.tags.length ? ` (${r.tags.join(", ")})` : ""}`)
    .join(", ");
  return `${body.name}: ${done}; now ${split}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = await runCli(process.argv.slice(2), {
      endpoint: endpointFromEnvironment(),
      out: (text) => process.stdout.write(text),
    });
  } catch (error) {
    // A control-token file that holds no usable token: say which and what to do.
    process.stdout.write(`${error instanceof Error ? error.message : error}\n`);
    process.exitCode = 1;
  }
}
