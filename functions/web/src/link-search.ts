/**
 * Search over a tenant's links through the links API, which has none of its
 * own: the newest pages of 100 are read, up to `maxPages`, and filtered by
 * code or target, case-insensitively.
 */
import type { Backend, Link, Problem } from "./backend.ts";

export type SearchResult = { problem: Problem } | { links: Link[]; scanned: number; complete: boolean };

export function matches(link: Link, query: string): boolean {
  const needle = query.toLowerCase();
  return link.code.toLowerCase().includes(needle) || link.targetUrl.toLowerCase().includes(needle);
}

export async function searchLinks(
  backend: Backend,
  key: string,
  query: string,
  options: { maxPages: number; requestId?: string },
): Promise<SearchResult> {
  const links: Link[] = [];
  let cursor: string | undefined;
  let scanned = 0;
  for (let pageNumber = 0; pageNumber < options.maxPages; pageNumber++) {
    const page = await backend.listLinks(key, { limit: 100, ...(cursor ? { cursor } : {}) }, options.requestId);
    if (!page.ok) return { problem: page.problem };
    scanned += page.value.items.length;
    links.push(...page.value.items.filter((link) => matches(link, query)));
    if (!page.value.nextCursor) return { links, scanned, complete: true };
    cursor = page.value.nextCursor;
  }
  return { links, scanned, complete: false };
}
