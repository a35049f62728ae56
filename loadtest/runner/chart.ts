/**
 * The run as an SVG chart (pure): panels that share the time axis (requests
 * and failures, concurrency, replicas per revision, traffic split, 5xx share)
 * and the run's events as numbered lines across them. No library: a few
 * hundred lines of SVG that any browser shows and Git diffs.
 */
import type { RunEvent } from "./events.ts";
import { type Row, revisionsIn } from "./timeline.ts";

interface Line {
  label: string;
  color: string;
  values: (number | null)[];
  dashed?: boolean;
}

interface Panel {
  title: string;
  lines: Line[];
  /** A fixed top of the y axis (the split is out of 100). */
  max?: number;
}

const WIDTH = 1000;
const LEFT = 56;
const LEGEND = 190;
const PLOT_WIDTH = WIDTH - LEFT - LEGEND;
const PANEL_HEIGHT = 110;
const PANEL_GAP = 40;
const TOP = 92;
const REVISION_COLORS = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#0891b2", "#ca8a04", "#db2777"];
const RED = "#dc2626";
const GREY = "#6b7280";

export function renderChart(
  title: string,
  subtitle: string,
  rows: readonly Row[],
  events: readonly RunEvent[],
): string {
  const revisions = revisionsIn(rows);
  const colorOf = (revision: string) => REVISION_COLORS[revisions.indexOf(revision) % REVISION_COLORS.length] as string;
  const perRevision = (pick: (p: Row["revisions"][string]) => number) => (revision: string) =>
    rows.map((r) => {
      const point = r.revisions[revision];
      return point ? pick(point) : null;
    });
  const panels: Panel[] = [
    {
      // The service counts its answers exactly each second; k6 publishes its counters in bursts.
      title: "Requests per second",
      lines: [
        { label: "k6: sent", color: "#9ca3af", values: rows.map((r) => r.clientRps) },
        { label: "service: answered", color: "#111827", values: rows.map((r) => r.rps) },
        { label: "k6: failed", color: RED, values: rows.map((r) => r.clientFailedPerS) },
      ],
    },
    {
      title: "Concurrency",
      lines: [
        { label: "in flight at the service", color: "#9ca3af", values: rows.map((r) => r.concurrency) },
        {
          label: "stable-window average",
          color: "#111827",
          values: rows.map((r) => r.stableConcurrency),
        },
        { label: "k6 virtual users", color: GREY, values: rows.map((r) => r.vus), dashed: true },
      ],
    },
    {
      title: "Replicas: ready (solid), desired (dashed)",
      lines: revisions.flatMap((revision) => [
        { label: `${revision} ready`, color: colorOf(revision), values: perRevision((p) => p.ready)(revision) },
        {
          label: `${revision} desired`,
          color: colorOf(revision),
          values: perRevision((p) => p.desired)(revision),
          dashed: true,
        },
      ]),
    },
    {
      title: "Traffic split (%)",
      max: 100,
      lines: revisions.map((revision) => ({
        label: revision,
        color: colorOf(revision),
        values: perRevision((p) => p.percent)(revision),
      })),
    },
    {
      title: "Answers that were 5xx (%)",
      lines: [
        { label: "5xx share", color: RED, values: rows.map((r) => (r.errorRate === null ? null : r.errorRate * 100)) },
      ],
    },
  ];

  const tMin = rows[0]?.t ?? 0;
  const tMax = Math.max(tMin + 1, rows.at(-1)?.t ?? 1);
  const x = (t: number) => LEFT + ((t - tMin) / (tMax - tMin)) * PLOT_WIDTH;
  const chartBottom = TOP + panels.length * (PANEL_HEIGHT + PANEL_GAP);
  const eventListTop = chartBottom + 16;
  const height = eventListTop + events.length * 16 + 16;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="22" font-size="16" font-weight="600">${escapeXml(title)}</text>`,
    ...wrap(subtitle, 150).map(
      (line, i) => `<text x="${LEFT}" y="${38 + i * 13}" fill="${GREY}">${escapeXml(line)}</text>`,
    ),
  ];
  panels.forEach((panel, i) => {
    parts.push(panelSvg(panel, TOP + i * (PANEL_HEIGHT + PANEL_GAP), rows, x));
  });
  // Time axis under the last panel.
  const axisY = chartBottom - PANEL_GAP;
  for (const t of timeTicks(tMin, tMax)) {
    parts.push(
      `<text x="${x(t).toFixed(1)}" y="${axisY + 14}" text-anchor="middle" fill="${GREY}">${formatSeconds(t)}</text>`,
    );
  }
  parts.push(
    `<text x="${LEFT + PLOT_WIDTH}" y="${axisY + 28}" text-anchor="end" fill="${GREY}">seconds since k6 started</text>`,
  );
  // Events: a numbered line across every panel, listed below.
  let lastX = Number.NEGATIVE_INFINITY;
  let stacked = 0;
  events.forEach((event, i) => {
    const at = x(Math.min(tMax, Math.max(tMin, event.t)));
    // Markers closer than a marker's width go side by side instead of on top of each other.
    stacked = at - lastX < 15 ? stacked + 1 : 0;
    lastX = at;
    const ex = at.toFixed(1);
    const mx = (at + stacked * 15).toFixed(1);
    const color = event.action ? "#7c3aed" : GREY;
    parts.push(
      `<line x1="${ex}" y1="${TOP - 21}" x2="${ex}" y2="${axisY}" stroke="${color}" stroke-dasharray="2 3" stroke-width="1"/>`,
      `<circle cx="${mx}" cy="${TOP - 28}" r="7" fill="${color}"/>`,
      `<text x="${mx}" y="${TOP - 24.5}" text-anchor="middle" fill="#fff" font-size="9">${i + 1}</text>`,
      `<text x="${LEFT}" y="${eventListTop + i * 16 + 12}" fill="${color}">${i + 1}. ${formatSeconds(event.t)} s: ${escapeXml(event.text)}</text>`,
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

function panelSvg(panel: Panel, top: number, rows: readonly Row[], x: (t: number) => number): string {
  const observed = Math.max(0, ...panel.lines.flatMap((l) => l.values.filter((v): v is number => v !== null)));
  const max = panel.max ?? niceCeiling(observed);
  const y = (v: number) => top + PANEL_HEIGHT - (v / max) * PANEL_HEIGHT;
  const parts = [
    `<text x="${LEFT}" y="${top - 8}" font-weight="600">${escapeXml(panel.title)}</text>`,
    `<rect x="${LEFT}" y="${top}" width="${PLOT_WIDTH}" height="${PANEL_HEIGHT}" fill="#f9fafb" stroke="#e5e7eb"/>`,
  ];
  for (const v of [0, max / 2, max]) {
    parts.push(
      `<line x1="${LEFT}" x2="${LEFT + PLOT_WIDTH}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb"/>`,
      `<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="${GREY}">${formatNumber(v)}</text>`,
    );
  }
  panel.lines.forEach((line, i) => {
    const d = pathOf(line.values, rows, x, y);
    if (d) {
      parts.push(
        `<path d="${d}" fill="none" stroke="${line.color}" stroke-width="1.6"${line.dashed ? ` stroke-dasharray="5 3"` : ""}/>`,
      );
    }
    const ly = top + 10 + i * 15;
    const lx = LEFT + PLOT_WIDTH + 12;
    parts.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${line.color}" stroke-width="2"${line.dashed ? ` stroke-dasharray="4 2"` : ""}/>`,
      `<text x="${lx + 24}" y="${ly}">${escapeXml(line.label)}</text>`,
    );
  });
  return parts.join("\n");
}

/** An SVG path through the values; a gap (null) lifts the pen. */
export function pathOf(
  values: readonly (number | null)[],
  rows: readonly Row[],
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  let d = "";
  let penDown = false;
  values.forEach((v, i) => {
    const row = rows[i];
    if (v === null || !row) {
      penDown = false;
      return;
    }
    d += `${penDown ? "L" : "M"}${x(row.t).toFixed(1)} ${y(v).toFixed(1)} `;
    penDown = true;
  });
  return d.trim();
}

/** The smallest of 1, 2, 2.5, 5 x 10^n at or above `value` (at least 1). */
export function niceCeiling(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

/** Tick marks every 10, 30, 60 or 120 s: about eight across the axis. */
export function timeTicks(tMin: number, tMax: number): number[] {
  const step = [5, 10, 15, 30, 60, 120, 300].find((s) => (tMax - tMin) / s <= 10) ?? 600;
  const ticks: number[] = [];
  for (let t = Math.ceil(tMin / step) * step; t <= tMax; t += step) ticks.push(t);
  return ticks;
}

/** Lines of at most `width` characters, broken at spaces (two at most: it is a subtitle). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.slice(0, 2);
}

const formatSeconds = (t: number) => String(Math.round(t));
const formatNumber = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
