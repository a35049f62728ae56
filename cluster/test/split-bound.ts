/**
 * Whether counts observed over a traffic split agree with its percentages: each
 * revision's count within `z` standard deviations of a binomial draw with its
 * share (z = 4: a correct split fails about once in 16 000 runs).
 */
export interface SplitVerdict {
  ok: boolean;
  lines: string[];
}

export function judgeSplit(counts: Record<string, number>, shares: Record<string, number>, z = 4): SplitVerdict {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const lines: string[] = [];
  let ok = total > 0;
  for (const [name, share] of Object.entries(shares)) {
    const seen = counts[name] ?? 0;
    const expected = total * share;
    const sd = Math.sqrt(total * share * (1 - share));
    const within = Math.abs(seen - expected) <= z * sd + 1e-9;
    ok &&= within;
    lines.push(
      `${name}: ${seen}/${total} (${((100 * seen) / Math.max(total, 1)).toFixed(1)} %, want ${(100 * share).toFixed(0)} % ± ${((100 * z * sd) / Math.max(total, 1)).toFixed(1)})${within ? "" : "  OUT OF BOUND"}`,
    );
  }
  const strays = Object.keys(counts).filter((name) => !(name in shares));
  for (const name of strays) lines.push(`${name}: ${counts[name]} answers from a revision outside the split`);
  return { ok: ok && strays.length === 0, lines };
}
