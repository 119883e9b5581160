/**
 * Notebooks: results drawn in a Jupyter cell (the labrx kernel is tslab with labrx's sources
 * loaded; see README, "Notebooks", and docs/decisions for why tslab).
 */
export { show, type ShowOptions } from './show.js';
export { showLive, type ShowLiveOptions, type LivePlot, type LivePlotSummary } from './showLive.js';
export { NotebookError } from './NotebookError.js';
export type { NotebookDisplay } from './notebookDisplay.js';
