import type { Observable, Subscription } from 'rxjs';
import { resultToSvg, type PlotOptions } from '../datafiles/plotSvg.js';
import type { SavableResult } from '../datafiles/resultTable.js';
import { newCellDisplay, writeDisplay, type NotebookDisplay } from './notebookDisplay.js';

/** How `showLive` draws, and where. */
export interface ShowLiveOptions extends PlotOptions {
  /**
   * The display entry to redraw (default: a new one in the current cell of the tslab kernel,
   * `tslab.newDisplay()`). Each frame replaces the last.
   */
  readonly display?: NotebookDisplay;
}

/** What a live plot did, once its stream ended or it was stopped. */
export interface LivePlotSummary {
  /** Results the stream delivered. */
  readonly received: number;
  /** Frames drawn: at most `received`, fewer when results came faster than plots could be drawn. */
  readonly drawn: number;
}

/** A live plot in a notebook cell. */
export interface LivePlot {
  /**
   * Resolves when the stream completes (after its last result is drawn) or after `stop()`;
   * rejects with the stream's error (the last frame drawn stays shown), or the drawing's.
   */
  readonly done: Promise<LivePlotSummary>;
  /** Unsubscribes from the stream (which stops its acquisition); `done` resolves. Idempotent. */
  stop(): void;
}

/**
 * Shows a stream of results as one plot that redraws itself in place (a Jupyter display that is
 * updated, so it keeps updating in the notebook after the cell has run). The newest result wins:
 * while one frame is being drawn (about 50–150 ms per SVG here) results that arrive replace each
 * other, and only the newest is drawn next — a fast stream never queues, and the last result of a
 * finite stream is always drawn. The subtitle counts the results: "frame 12 of the stream".
 *
 * `await showLive(stream$.pipe(take(20))).done` waits for the whole stream; for an endless one,
 * keep the handle and `stop()` it.
 *
 * @throws NotebookError outside a labrx Jupyter kernel when no `display` is given
 *
 * @example
 * await showLive(rp.specan.stream$({ span: 1e6, averages: 4 }).pipe(take(10))).done;
 */
export function showLive(source: Observable<SavableResult>, options: ShowLiveOptions = {}): LivePlot {
  const display = options.display ?? newCellDisplay();
  let received = 0;
  let drawn = 0;
  let pending: { result: SavableResult; frame: number } | undefined;
  let drawing = false;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let subscription: Subscription | undefined;
  let settle!: (summary: LivePlotSummary) => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<LivePlotSummary>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  // A live plot is often left running un-awaited in a cell: its failure must not be an unhandled
  // rejection, which would end the kernel's process. Awaiting `done` still gets the error.
  done.catch(() => undefined);

  const finish = (): void => {
    if (failure) fail(failure.error);
    else settle({ received, drawn });
  };
  const end = (error?: { error: unknown }): void => {
    if (ended) return;
    ended = true;
    failure ??= error;
    subscription?.unsubscribe();
    if (!drawing) finish();
  };

  const drawLoop = async (): Promise<void> => {
    drawing = true;
    try {
      while (pending && !(ended && failure)) {
        const { result, frame } = pending;
        pending = undefined;
        const svg = await resultToSvg(result, { ...options, subtitle: `frame ${frame} of the stream` });
        writeDisplay(() => display.svg(svg));
        drawn++;
      }
    } catch (error) {
      pending = undefined;
      drawing = false;
      end({ error });
      return;
    }
    drawing = false;
    if (ended) finish();
  };

  subscription = source.subscribe({
    next: (result) => {
      if (ended) return;
      received++;
      pending = { result, frame: received };
      if (!drawing) void drawLoop();
    },
    error: (error: unknown) => end({ error }),
    complete: () => end(),
  });
  if (ended) subscription.unsubscribe();

  return {
    done,
    stop: () => {
      pending = undefined;
      end();
    },
  };
}
