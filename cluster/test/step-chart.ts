/**
 * A step chart (pure SVG) of counts over time, one line per series, with a
 * dashed floor line: replicas answering a heartbeat, per revision and in all;
 * a canary's traffic weight (%) per release.
 */
export interface StepSeries {
  label: string;
  points: { t: number; value: number }[];
}

const W = 900;
const H = 320;
const PAD = { left: 50, right: 170, top: 50, bottom: 40 };
const COLORS = ["#111827", "#2563eb", "#ea580c", "#16a34a", "#9333ea"];

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderStepChart(title: string, series: StepSeries[], floor: { value: number; label: string }): string {
  const all = series.flatMap((s) => s.points);
  const tMax = Math.max(1, ...all.map((p) => p.t));
  const yMax = Math.max(floor.value + 1, ...all.map((p) => p.value)) + 1;
  const x = (t: number) => PAD.left + (t / tMax) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);
  const path = (points: StepSeries["points"]) =>
    points
      .map((p, i) =>
        i === 0 ? `M${x(p.t).toFixed(1)},${y(p.value).toFixed(1)}` : `H${x(p.t).toFixed(1)}V${y(p.value).toFixed(1)}`,
      )
      .join("");
  // The series' labels are listed from the top right; the floor's label goes below them if its line is up there.
  const floorLabelY = Math.max(y(floor.value) + 4, PAD.top + 16 * series.length);
  const yStep = yMax > 20 ? 10 : 1;
  const yTicks = Array.from({ length: Math.floor(yMax / yStep) + 1 }, (_, i) => i * yStep);
  const xStep = tMax > 120 ? 30 : tMax > 40 ? 10 : 5;
  const xTicks = Array.from({ length: Math.floor(tMax / xStep) + 1 }, (_, i) => i * xStep);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${PAD.left}" y="24" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...yTicks.map(
      (v) =>
        `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/><text x="${PAD.left - 8}" y="${y(v) + 4}" text-anchor="end">${v}</text>`,
    ),
    ...xTicks.map((t) => `<text x="${x(t)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${t}s</text>`),
    `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(floor.value)}" y2="${y(floor.value)}" stroke="#dc2626" stroke-dasharray="6 4"/>`,
    `<text x="${W - PAD.right + 8}" y="${floorLabelY}" fill="#dc2626">${escapeXml(floor.label)}</text>`,
    ...series.map((s, i) => {
      const color = COLORS[i % COLORS.length];
      return `<path d="${path(s.points)}" fill="none" stroke="${color}" stroke-width="${i === 0 ? 3 : 2}"/><text x="${W - PAD.right + 8}" y="${PAD.top + 16 * i}" fill="${color}">${escapeXml(s.label)}</text>`;
    }),
    "</svg>",
  ].join("\n");
}
