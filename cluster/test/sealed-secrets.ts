/**
 * The platform's Secrets came from Git, sealed: each one in the environment
 * was applied by its `<env>-secrets` Kustomization with the values the cluster
 * made (so kustomize-controller decrypted them), the Git server's branch holds
 * them only as SOPS ciphertext, and no plain value, nor the cluster's age key,
 * is anywhere in the history of the Git server's repository or of this clone.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isDeepStrictEqual, promisify } from "node:util";
import { parse } from "yaml";
import { kubectlJson } from "../client/kube.ts";
import { REPO } from "../client/run-command.ts";
import { ENVIRONMENTS, PLATFORM_SECRETS, parseEnvFile, sealedDir } from "../src/flux/secrets.ts";
import { CLUSTER_SECRETS_DIR, GIT_REPOSITORY, SOPS_AGE_KEY } from "../src/paths.ts";
import type { CheckResult } from "./check.ts";

const run = promisify(execFile);

interface Secret {
  metadata: { labels?: Record<string, string> };
  data?: Record<string, string>;
}

const git = (gitDir: string, args: string[]) =>
  run("git", ["--git-dir", gitDir, ...args], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });

/** The files in any commit of the repository that hold one of `needles`; none is the only good answer. */
async function historyHolding(gitDir: string, needles: string[]): Promise<string[]> {
  const revisions = (await git(gitDir, ["rev-list", "--all"])).stdout.split("\n").filter(Boolean);
  try {
    const { stdout } = await git(gitDir, ["grep", "-l", "-F", ...needles.flatMap((n) => ["-e", n]), ...revisions]);
    return stdout.split("\n").filter(Boolean);
  } catch (error) {
    if ((error as { code?: number }).code === 1) return []; // git grep: nothing found
    throw error;
  }
}

export async function verifySealedSecrets(namespace: string): Promise<CheckResult> {
  const figures: string[] = [];
  let ok = true;
  const expect = (good: boolean, line: string) => {
    ok &&= good;
    figures.push(`${good ? "ok  " : "FAIL"} ${line}`);
  };

  const plain = async (env: string, name: string) => {
    const file = join(CLUSTER_SECRETS_DIR, env, `${name}.env`);
    return parseEnvFile(await readFile(file, "utf8"), file);
  };
  for (const name of PLATFORM_SECRETS) {
    const live = await kubectlJson<Secret>(["-n", namespace, "get", "secret", name]);
    const appliedBy = live.metadata.labels?.["kustomize.toolkit.fluxcd.io/name"];
    const values = Object.fromEntries(
      Object.entries(live.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
    );
    const same = isDeepStrictEqual(values, await plain(namespace, name));
    expect(
      appliedBy === `${namespace}-secrets` && same,
      `${namespace}/${name}: applied by ${appliedBy ?? "no Kustomization"}, ${same ? "decrypted to the cluster's values" : "values differ from the cluster's"}`,
    );
    const inGit = parse((await git(GIT_REPOSITORY, ["show", `main:${sealedDir(namespace)}/${name}.yaml`])).stdout);
    const sealedValues = Object.values(inGit?.stringData ?? {}) as string[];
    const encrypted = sealedValues.length > 0 && sealedValues.every((v) => v.startsWith("ENC[AES256_GCM,data:"));
    expect(encrypted, `Git's main: ${sealedDir(namespace)}/${name}.yaml holds its values as SOPS ciphertext only`);
  }

  const needles: string[] = [];
  for (const env of ENVIRONMENTS) {
    for (const name of PLATFORM_SECRETS) needles.push(...Object.values(await plain(env, name)));
  }
  const key = (await readFile(SOPS_AGE_KEY, "utf8")).split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-"));
  if (key) needles.push(key);
  expect(key !== undefined, `the cluster's age key is ${SOPS_AGE_KEY}, outside the repository`);
  for (const [what, gitDir] of [
    ["the Git server's repository", GIT_REPOSITORY],
    ["this clone", (await run("git", ["-C", REPO, "rev-parse", "--absolute-git-dir"])).stdout.trim()],
  ] as const) {
    const holding = await historyHolding(gitDir, needles);
    expect(
      holding.length === 0,
      `${needles.length} plain values and the age key: in no commit of ${what}${holding.length ? `; found in ${holding.slice(0, 3).join(", ")}` : ""}`,
    );
  }
  return { ok, figures };
}
