import { resultToSvg, type PlotOptions } from '../datafiles/plotSvg.js';
import type { SavableResult } from '../datafiles/resultTable.js';
import { cellDisplay, writeDisplay, type NotebookDisplay } from './notebookDisplay.js';

/** How `show` draws, and where. */
export interface ShowOptions extends PlotOptions {
  /** Where the plot goes (default: the running tslab kernel's output of the current cell). */
  readonly display?: NotebookDisplay;
}

/**
 * Draws a result in a notebook cell as an SVG plot — the same picture as `labrx … --plot`
 * (`resultToSvg`): a Trace as ch1/ch2 in V against time (µs, ms or s), a Spectrum against
 * frequency with SI prefixes (kHz as 'k', MHz as 'M') in its own unit, a FrequencyResponse as |H| in dB
 * and phase in degrees. Await it in the cell (`await show(trace)`): the plot is sent to the
 * cell's output when drawn, and an un-awaited plot could arrive after the cell ended.
 *
 * @throws DataFileError if `result` is not a Trace, Spectrum or FrequencyResponse (a Spectrogram has no plot here)
 * @throws NotebookError outside a labrx Jupyter kernel when no `display` is given
 *
 * @example
 * await show(await rp.scope.single({ decimation: 64 }));
 * await show(rps.na.single({ start: 5e5, stop: 2e6, points: 101 }), { title: 'resonator' });
 */
export async function show(result: SavableResult, options: ShowOptions = {}): Promise<void> {
  const display = options.display ?? cellDisplay();
  const svg = await resultToSvg(result, options);
  writeDisplay(() => display.svg(svg));
}
