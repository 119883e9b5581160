/**
 * A minimal SVG line chart, hand-written (no plotting dependency): panels side by side, each with
 * its own x and y axes, linear or log y, and one polyline per series. Enough for "error against
 * requested delay, one series per method".
 */

/** One line of a panel. */
export interface Series {
  readonly name: string;
  readonly color: string;
  /** [x, y] pairs; points whose y cannot be drawn (≤ 0 on a log axis, NaN) break the line. */
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
}

/** One chart of the figure. */
export interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xDomain: readonly [number, number];
  readonly yDomain: readonly [number, number];
  readonly yScale: 'linear' | 'log';
  readonly series: readonly Series[];
}

/** Ticks for a linear axis: about `count` round steps (1, 2 or 5 × 10^k). */
function linearTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000 || a < 0.01) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Renders `panels` left to right with one shared legend below; returns the SVG document. */
export function renderSvg(panels: readonly Panel[], title: string, panelWidth = 430, panelHeight = 300): string {
  const margin = { left: 62, right: 14, top: 30, bottom: 44 };
  const legendNames = [...new Map(panels.flatMap((p) => p.series).map((s) => [s.name, s] as const)).values()];
  const legendRows = Math.ceil(legendNames.length / 2);
  const width = panels.length * panelWidth;
  const height = 34 + panelHeight + 16 + legendRows * 18 + 10;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  panels.forEach((panel, k) => {
    const x0 = k * panelWidth + margin.left;
    const y0 = 34 + margin.top - 20;
    const w = panelWidth - margin.left - margin.right;
    const h = panelHeight - margin.top - margin.bottom + 20;
    const [xa, xb] = panel.xDomain;
    const log = panel.yScale === 'log';
    const [ya, yb] = log ? [Math.log10(panel.yDomain[0]), Math.log10(panel.yDomain[1])] : panel.yDomain;
    const sx = (x: number): number => x0 + ((x - xa) / (xb - xa)) * w;
    const sy = (y: number): number => {
      const v = log ? Math.log10(y) : y;
      return y0 + h - ((Math.min(Math.max(v, ya), yb) - ya) / (yb - ya)) * h;
    };
    out.push(`<g>`);
    out.push(`<text x="${x0 + w / 2}" y="${y0 - 8}" text-anchor="middle" font-size="12" font-weight="bold">${escapeXml(panel.title)}</text>`);
    out.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#888"/>`);
    for (const t of linearTicks(xa, xb, 5)) {
      out.push(`<line x1="${sx(t)}" y1="${y0}" x2="${sx(t)}" y2="${y0 + h}" stroke="#eee"/>`);
      out.push(`<text x="${sx(t)}" y="${y0 + h + 14}" text-anchor="middle">${formatTick(t)}</text>`);
    }
    const yTicks = log
      ? Array.from({ length: Math.floor(yb) - Math.ceil(ya) + 1 }, (_, i) => 10 ** (Math.ceil(ya) + i))
      : linearTicks(ya, yb, 6);
    for (const t of yTicks) {
      out.push(`<line x1="${x0}" y1="${sy(t)}" x2="${x0 + w}" y2="${sy(t)}" stroke="${t === 0 ? '#999' : '#eee'}"/>`);
      out.push(`<text x="${x0 - 5}" y="${sy(t) + 4}" text-anchor="end">${formatTick(t)}</text>`);
    }
    out.push(`<text x="${x0 + w / 2}" y="${y0 + h + 32}" text-anchor="middle">${escapeXml(panel.xLabel)}</text>`);
    out.push(`<text transform="translate(${x0 - 46},${y0 + h / 2}) rotate(-90)" text-anchor="middle">${escapeXml(panel.yLabel)}</text>`);
    for (const s of panel.series) {
      // Split at undrawable points so that a gap shows instead of a misleading segment.
      const runs: string[][] = [[]];
      for (const [x, y] of s.points) {
        if (!Number.isFinite(y) || (log && y <= 0)) runs.push([]);
        else runs[runs.length - 1]!.push(`${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
      }
      for (const run of runs.filter((r) => r.length > 0)) {
        out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.4"${s.dashed ? ' stroke-dasharray="4 3"' : ''} points="${run.join(' ')}"/>`);
      }
    }
    out.push(`</g>`);
  });
  const ly = 34 + panelHeight + 16;
  legendNames.forEach((s, i) => {
    const lx = 20 + (i % 2) * (width / 2);
    const yy = ly + Math.floor(i / 2) * 18;
    out.push(`<line x1="${lx}" y1="${yy}" x2="${lx + 24}" y2="${yy}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="4 3"' : ''}/>`);
    out.push(`<text x="${lx + 30}" y="${yy + 4}">${escapeXml(s.name)}</text>`);
  });
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
