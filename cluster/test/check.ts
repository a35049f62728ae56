/** One named check of `npm run test:cluster`, with the figures it prints. */
export interface CheckContext {
  /** Where the platform's functions run (the dev overlay's namespace). */
  namespace: string;
  /** Where the checks' own Services go; deleted at the end. */
  testNamespace: string;
  /** Where charts and CSVs go. */
  resultsDir: string;
  log: (line: string) => void;
}

export interface CheckResult {
  ok: boolean;
  figures: string[];
}

export interface Check {
  name: string;
  run(ctx: CheckContext): Promise<CheckResult>;
}
