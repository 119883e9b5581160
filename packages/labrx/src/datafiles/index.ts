/**
 * Data files: save and load results as CSV, JSON and NumPy .npy, and draw them as SVG.
 */
export { DataFileError } from './DataFileError.js';
export { DATA_FORMATS, dataFormatOf, npySidecarPath, type DataFormat } from './dataFormat.js';
export {
  RESULT_KINDS,
  resultKind,
  resultToTable,
  tableToResult,
  type ResultKind,
  type ResultColumn,
  type ResultTable,
  type SavableResult,
  type SavedFrequencyResponse,
  type LoadedResult,
} from './resultTable.js';
export { tableToCsv, csvToTable } from './csvFormat.js';
export { tableToJson, jsonToTable, type ResultJsonDocument } from './jsonFormat.js';
export { encodeNpy, decodeNpy, columnsToMatrix, matrixToColumns, type NpyArray } from './npyFormat.js';
export { encodeResult, decodeResult, type EncodedResult } from './encodeResult.js';
export { saveResult, loadResult } from './saveResult.js';
export { resultToSvg, savePlotSvg, plotSpec, type PlotOptions } from './plotSvg.js';
