import type { Click } from "./click-record.ts";

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** A value in COPY's text format: \N for NULL; backslash, tab, newline and carriage return escaped. */
export function copyText(value: string | null): string {
  if (value === null) return "\\N";
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] as string) : value;
}

/**
 * Clicks as the rows of `COPY clicks (tenant_id, link_id, clicked_at,
 * referrer, user_agent, country, count) FROM STDIN` (text format), identical
 * clicks merged: one row, with its count, per link, second, referrer, user
 * agent and country. The time is kept to the second (the analytics count by
 * the hour). The encoded row is its own key, so merging costs one Map lookup.
 */
export function encodeClicks(clicks: readonly Click[]): { text: string; rows: number } {
  const counts = new Map<string, number>();
  let lastSecond = Number.NaN;
  let lastSecondText = "";
  for (const c of clicks) {
    const second = Math.floor(c.clickedAt / 1000);
    if (second !== lastSecond) {
      lastSecond = second;
      lastSecondText = new Date(second * 1000).toISOString();
    }
    const row = `${c.tenantId}\t${c.linkId}\t${lastSecondText}\t${copyText(c.referrer)}\t${copyText(c.userAgent)}\t${copyText(c.country)}`;
    counts.set(row, (counts.get(row) ?? 0) + 1);
  }
  let text = "";
  for (const [row, count] of counts) text += `${row}\t${count}\n`;
  return { text, rows: counts.size };
}
