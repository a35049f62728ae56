/**
 * Seals an environment's Secrets for Git: each Secret in PLATFORM_SECRETS,
 * made from `<from>/<name>.env`, encrypted by SOPS for the age recipients,
 * written to `<out>/<name>.yaml`. kustomize-controller decrypts them with the
 * cluster's age key (the Secret `sops-age` in flux-system), which is never in Git.
 *
 *   seal.ts --env <env> --from <dir of .env files> --age <recipient>[,<recipient>...] --out <dir>
 *
 * A file already in <out> that decrypts (SOPS_AGE_KEY_FILE) to the same Secret
 * for the same recipients is left as it is: SOPS encrypts with a new data key
 * each time, and sealing unchanged values again must change nothing in Git.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { parse, stringify } from "yaml";
import { SOPS_BIN as SOPS } from "../paths.ts";
import { ENCRYPTED_REGEX, isAgeRecipient, PLATFORM_SECRETS, parseEnvFile, secretManifest } from "./secrets.ts";

const USAGE = "usage: seal.ts --env <env> --from <dir of .env files> --age <recipient>[,<recipient>...] --out <dir>";

function fail(problem: string): never {
  console.error(`seal: ${problem}\n${USAGE}`);
  process.exit(2);
}

const sops = (args: string[], input?: string) =>
  execFileSync(SOPS, args, { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });

/** What the sealed file holds, decrypted, or undefined when it cannot be (no key, another key, not SOPS). */
function unsealed(file: string): { secret: unknown; recipients: string[] } | undefined {
  try {
    const sealed = parse(readFileSync(file, "utf8"));
    const recipients = ((sealed?.sops?.age ?? []) as { recipient: string }[]).map((a) => a.recipient).sort();
    return { secret: parse(sops(["decrypt", file])), recipients };
  } catch {
    return undefined;
  }
}

const { values } = parseArgs({
  options: { env: { type: "string" }, from: { type: "string" }, age: { type: "string" }, out: { type: "string" } },
});
const { env, from, age, out } = values;
if (!env || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(env)) fail("--env: a namespace name, such as dev");
if (!from) fail("--from: the folder holding <secret>.env for each Secret (make-secrets.sh writes them)");
if (!out) fail("--out: the folder to write the sealed Secrets to, such as flux/secrets/dev");
const recipients = (age ?? "").split(",").filter(Boolean);
if (recipients.length === 0) fail("--age: the cluster's age public key (age-keygen -y <key file> prints it)");
for (const r of recipients) if (!isAgeRecipient(r)) fail(`--age: "${r}" is not an age public key (age1...)`);
if (!existsSync(SOPS)) fail(`no sops at ${SOPS}: build it with cluster/build/go-install.sh, or set SOPS_BIN`);

mkdirSync(out, { recursive: true });
for (const name of PLATFORM_SECRETS) {
  const source = join(from, `${name}.env`);
  if (!existsSync(source)) fail(`--from: ${source} is missing (cluster/manifests/dev/make-secrets.sh makes it)`);
  let values: Record<string, string>;
  try {
    values = parseEnvFile(readFileSync(source, "utf8"), source);
  } catch (error) {
    fail(`--from: ${(error as Error).message}`);
  }
  const secret = secretManifest(name, env, values);
  const target = join(out, `${name}.yaml`);
  const current = existsSync(target) ? unsealed(target) : undefined;
  if (
    current &&
    isDeepStrictEqual(current.secret, secret) &&
    isDeepStrictEqual(current.recipients, [...recipients].sort())
  ) {
    console.log(`${target}: unchanged`);
    continue;
  }
  const sealed = sops(
    [
      "encrypt",
      "--age",
      recipients.join(","),
      "--encrypted-regex",
      ENCRYPTED_REGEX,
      "--input-type",
      "yaml",
      "--output-type",
      "yaml",
      "--filename-override",
      target,
    ],
    stringify(secret),
  );
  writeFileSync(target, sealed, { mode: 0o644 });
  console.log(`${target}: sealed for ${recipients.length} age key${recipients.length === 1 ? "" : "s"}`);
}
