import { createRequire } from 'node:module';
import { NotebookError } from './NotebookError.js';

/**
 * Where a notebook cell's rich output goes: the part of tslab's `Display` that labrx uses (tslab's
 * own `display` and `newDisplay()` have this shape, so they can be passed as they are). A display
 * made by `newDisplay()` replaces its one output each time it is written to.
 */
export interface NotebookDisplay {
  /** Shows an SVG document (MIME type image/svg+xml). */
  svg(svg: string): void;
  /** Shows plain text. */
  text(text: string): void;
}

/** The part of tslab's public module labrx uses. */
interface TslabModule {
  readonly display: NotebookDisplay;
  newDisplay(): NotebookDisplay;
}

/** The tslab module of the running kernel, once found. */
let tslab: TslabModule | undefined;

/**
 * Finds the running kernel's tslab module. It is looked up from this package (tslab installed in
 * the workspace) and then from the kernel's own script (a tslab installed globally); the same
 * module the kernel loaded is found either way, because Node keeps one instance per file.
 *
 * @throws NotebookError when tslab cannot be found
 */
function kernelTslab(): TslabModule {
  if (tslab) return tslab;
  const from = [import.meta.url, process.argv[1]].filter((p): p is string => typeof p === 'string' && p !== '');
  for (const base of from) {
    try {
      tslab = createRequire(base)('tslab') as TslabModule;
      return tslab;
    } catch {
      // try the next place
    }
  }
  throw new NotebookError('no notebook display: run this in the labrx Jupyter kernel (tslab; `pnpm notebook:setup`, see README "Notebooks"), or pass { display }');
}

/**
 * Writes to a display, turning tslab's "Not ready" (a display used outside a running cell) into a
 * `NotebookError` that says what to do.
 */
export function writeDisplay(write: () => void): void {
  try {
    write();
  } catch (error) {
    if (error instanceof Error && error.message === 'Not ready') {
      throw new NotebookError('no notebook display: the tslab kernel is not running a cell (show() must run inside a notebook cell, and be awaited there)', { cause: error });
    }
    throw error;
  }
}

/** The kernel's display for the current cell's output. @throws NotebookError outside the kernel */
export function cellDisplay(): NotebookDisplay {
  return kernelTslab().display;
}

/** A new display entry in the current cell that each write replaces. @throws NotebookError outside the kernel */
export function newCellDisplay(): NotebookDisplay {
  return kernelTslab().newDisplay();
}
