import type { Click } from "./click-record.ts";

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** A value in COPY's text format: \N for NULL; backslash, tab, newline and carriage return escaped. */
export function copyText(value: string | null): string {
  if (value === null) return "\\N";
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] as string) : value;
}

/**
 * Clicks as the rows of `COPY clicks (tenant_id, link_id, clicked_at, referrer,
 * user_agent, country) FROM STDIN` (text format). Clicks
 * of one burst share their millisecond, so the last timestamp's text is reused.
 */
export function encodeClicks(clicks: readonly Click[]): string {
  let text = "";
  let lastAt = Number.NaN;
  let lastAtText = "";
  for (const c of clicks) {
    if (c.clickedAt !== lastAt) {
      lastAt = c.clickedAt;
      lastAtText = new Date(c.clickedAt).toISOString();
    }
    text += `${c.tenantId}\t${c.linkId}\t${lastAtText}\t${copyText(c.referrer)}\t${copyText(c.userAgent)}\t${copyText(c.country)}\n`;
  }
  return text;
}
