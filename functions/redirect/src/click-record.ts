/** One redirect, as the hot path records it: plain numbers and the strings the request already had. */
export interface Click {
  tenantId: number;
  linkId: number;
  /** Epoch milliseconds (a number, not a Date: the hot path allocates less). */
  clickedAt: number;
  referrer: string | null;
  userAgent: string | null;
  /** ISO 3166 alpha-2, or ZZ when unknown. */
  country: string;
}

/**
 * What a buffered click costs in memory, as a bound rather than a measure: a
 * V8 object of six fields (about 80 bytes with its hidden-class pointer and
 * the boxed numbers) plus two bytes per character of each string (V8 keeps
 * Latin-1 strings at one, so this over-counts them).
 */
export const CLICK_OVERHEAD_BYTES = 96;

export function clickBytes(click: Click): number {
  return CLICK_OVERHEAD_BYTES + 2 * ((click.referrer?.length ?? 0) + (click.userAgent?.length ?? 0));
}

/** The key of a click's link, for sets of links. */
export function linkKey(tenantId: number, linkId: number): string {
  return `${tenantId}:${linkId}`;
}
