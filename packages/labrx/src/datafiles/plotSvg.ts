import { writeFile } from 'node:fs/promises';
import type { FrequencyResponse, Spectrum, Trace } from '@labrx/core';
import { envelopeStep, minMaxEnvelope } from '../studio/minMaxEnvelope.js';
import { DataFileError } from './DataFileError.js';
import { resultKind, type SavableResult } from './resultTable.js';

/** How `resultToSvg` draws. */
export interface PlotOptions {
  /** Title above the plot (default: what the result is). */
  readonly title?: string;
  /** A smaller second line under the title (e.g. a live plot's frame number); none by default. */
  readonly subtitle?: string;
  /** Width of the plotting area in px (default 720). */
  readonly width?: number;
  /** Height of the plotting area in px (default 320; the NA's two panels get this each). */
  readonly height?: number;
}

type Row = { x: number; y: number; series: string };

/**
 * Draws a result as an SVG document with Vega-Lite (rendered headless in Node by Vega's SVG
 * renderer — no browser, no canvas needed):
 * - a Trace: ch1 and ch2 in V against time in µs/ms/s (long traces as min/max envelopes of
 *   2 × width points, which look the same at that width);
 * - a Spectrum: each analysed channel against frequency, log y for linear units (Vpk², V²/Hz,
 *   V/√Hz; zero bins are left out; ticks with SI prefixes, 2µ for 2e-6), linear y for dBm;
 * - a FrequencyResponse: |H| in dB and the phase in degrees, one panel each, log x for log sweeps.
 * A Spectrogram has no SVG plot (thousands of cells make a poor vector file): `DataFileError`; the
 * studio's waterfall exports its canvas as PNG.
 *
 * Vega is loaded on first use, so commands that do not plot do not pay for it.
 */
export async function resultToSvg(result: SavableResult, options: PlotOptions = {}): Promise<string> {
  // refused before Vega is loaded
  if (resultKind(result) === 'spectrogram') throw noSpectrogramSvg();
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const width = options.width ?? 720;
  const height = options.height ?? 320;
  const spec = plotSpec(result, width, height, options.title);
  if (options.subtitle !== undefined) spec['title'] = { text: spec['title'], subtitle: options.subtitle };
  const view = new vega.View(vega.parse(vegaLite.compile(spec as never).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Draws a result (see `resultToSvg`) into an .svg file. */
export async function savePlotSvg(path: string, result: SavableResult, options: PlotOptions = {}): Promise<void> {
  await writeFile(path, await resultToSvg(result, options));
}

/** The Vega-Lite specification of a result's plot (exported for tests that check the data drawn). */
export function plotSpec(result: SavableResult, width: number, height: number, title?: string): Record<string, unknown> {
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white', config: { font: 'sans-serif' } };
  const color = { field: 'series', type: 'nominal', title: null, scale: { range: ['#1f77b4', '#d62728'] } };
  const kind = resultKind(result);
  if (kind === 'spectrogram') throw noSpectrogramSvg();
  if (kind === 'trace') {
    const tr = result as Trace;
    const span = tr.dt * tr.ch1.length;
    const [scale, unit] = span < 2e-3 ? [1e6, 'µs'] : span < 2 ? [1e3, 'ms'] : [1, 's'];
    const rows: Row[] = [];
    for (const [name, ch] of [['ch1', tr.ch1], ['ch2', tr.ch2]] as const) addEnvelope(rows, name, ch, tr.t0 * scale, tr.dt * scale, width);
    return {
      ...base,
      title: title ?? `Scope trace (decimation ${(tr.settings as { decimation?: number } | null)?.decimation ?? '?'}, ${tr.averages} average${tr.averages === 1 ? '' : 's'})`,
      width,
      height,
      data: { values: rows },
      mark: { type: 'line', strokeWidth: 1, clip: true },
      encoding: { x: { field: 'x', type: 'quantitative', title: `time since trigger (${unit})` }, y: { field: 'y', type: 'quantitative', title: 'V' }, color },
    };
  }
  if (kind === 'spectrum') {
    const s = result as Spectrum;
    const logY = !s.unit.startsWith('dB');
    const rows: Row[] = [];
    const df = s.frequencies.length > 1 ? s.frequencies[1]! - s.frequencies[0]! : 1;
    for (const [name, ch] of [['ch1', s.ch1], ['ch2', s.ch2]] as const) addEnvelope(rows, name, ch, s.frequencies[0] ?? 0, df, width);
    return {
      ...base,
      title: title ?? `Spectrum (${s.window} window, rbw ${formatHz(s.rbw)}, ${s.averages} average${s.averages === 1 ? '' : 's'})`,
      width,
      height,
      data: { values: logY ? rows.filter((r) => r.y > 0 && Number.isFinite(r.y)) : rows.filter((r) => Number.isFinite(r.y)) },
      mark: { type: 'line', strokeWidth: 1, clip: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'frequency (Hz)', axis: { format: '~s' } },
        y: { field: 'y', type: 'quantitative', title: s.unit, scale: logY ? { type: 'log' } : { zero: false }, ...(logY ? { axis: { format: '~s' } } : {}) },
        color,
      },
    };
  }
  const h = result as FrequencyResponse;
  const logX = (h.settings as { logscale?: boolean } | null)?.logscale === true && (h.frequencies[0] ?? 0) > 0;
  const m = h.magnitude();
  const p = h.phaseDeg();
  const rows = Array.from(h.frequencies, (f, i) => ({ x: f, db: 20 * Math.log10(m[i]!), deg: p[i]! }));
  const x = { field: 'x', type: 'quantitative', title: 'frequency (Hz)', scale: logX ? { type: 'log', nice: false } : { zero: false, nice: false }, axis: { format: '~s' } };
  const panel = (field: string, ytitle: string, colour: string, domain?: number[]) => ({
    width,
    height,
    mark: { type: 'line', strokeWidth: 1.5, point: rows.length <= 60, color: colour, clip: true },
    encoding: { x, y: { field, type: 'quantitative', title: ytitle, scale: domain ? { domain } : { zero: false } } },
  });
  return {
    ...base,
    title: title ?? `Network analyzer: H(f), ${rows.length} points`,
    data: { values: rows.filter((r) => Number.isFinite(r.db)) },
    vconcat: [panel('db', '|H| (dB)', '#1f77b4'), panel('deg', 'phase (deg)', '#d62728', [-180, 180])],
  };
}

function noSpectrogramSvg(): DataFileError {
  return new DataFileError('(result)', 'a spectrogram has no SVG plot: save its data (CSV, JSON, .npy) or, in the studio, export the waterfall as PNG');
}

/** Adds a channel's min/max envelope (2 × width points) to the plot rows. */
function addEnvelope(rows: Row[], series: string, values: Float64Array, x0: number, dx: number, width: number): void {
  if (values.length === 0) return;
  const out = new Float64Array(Math.max(values.length, 2 * width));
  const n = minMaxEnvelope(values, width, out);
  const step = envelopeStep(values.length, width, dx);
  for (let k = 0; k < n; k++) rows.push({ x: x0 + k * step, y: out[k]!, series });
}

function formatHz(hz: number): string {
  const [scale, unit] = hz >= 1e6 ? [1e6, 'MHz'] : hz >= 1e3 ? [1e3, 'kHz'] : [1, 'Hz'];
  return `${+(hz / scale).toPrecision(4)} ${unit}`;
}
