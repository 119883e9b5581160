import { EMPTY, Subject, catchError, concatMap, type Observable, type Subscription } from 'rxjs';
import type { BoardDriver } from '@labrx/core';
import { AcquisitionModel } from './AcquisitionModel.js';
import { DeepGenerationModel } from './DeepGenerationModel.js';
import { DeepMemoryModel } from './DeepMemoryModel.js';
import { GeneratorModel } from './GeneratorModel.js';
import { PinModel } from './PinModel.js';

/**
 * The board as every SCPI connection shares it: acquisition, generators and slow I/O over one
 * `BoardDriver`. Board work (generator updates, starting acquisitions) runs through one ordered queue,
 * so an acquisition armed after `OUTPUT1:STATE ON` sees the generator already running, even when the
 * driver applies settings asynchronously.
 */
export class ScpiDevice {
  readonly acq: AcquisitionModel;
  /** Deep-memory acquisition (ACQ:AXI:*), armed with `acq`. */
  readonly deep: DeepMemoryModel;
  /** Deep-memory generation (GEN:AXI:*, SOUR<n>:AXI:*), over the generators. */
  readonly deepGen: DeepGenerationModel;
  readonly gen: readonly GeneratorModel[];
  readonly pins = new PinModel();
  /** Offset of `SYST:TIME`/`SYST:DATE` from the board's clock, in ms. */
  clockOffsetMs = 0;

  private readonly work = new Subject<Observable<unknown>>();
  private readonly workSubscription: Subscription;

  constructor(
    readonly board: BoardDriver,
    /** Called with failures of board work that no connection can be told about. */
    onError: (err: unknown) => void,
  ) {
    this.workSubscription = this.work
      .pipe(
        concatMap((w) =>
          w.pipe(
            catchError((err: unknown) => {
              onError(err);
              return EMPTY;
            }),
          ),
        ),
      )
      .subscribe();
    const enqueue = (w: Observable<unknown>): void => this.work.next(w);
    this.deep = new DeepMemoryModel(board);
    this.acq = new AcquisitionModel(board, enqueue, this.deep);
    this.gen = Array.from({ length: board.info.asgCount }, (_, i) => new GeneratorModel(board, i, enqueue));
    const deep = this.deep;
    this.deepGen = new DeepGenerationModel(board.info, this.gen, () => deep.reservedRanges(), () => ({ start: deep.regionStart, bytes: deep.available ? deep.regionBytes : 0 }));
    deep.generationReserved = () => this.deepGen.reservedRanges();
  }

  /** Board clock plus the SYST:TIME/DATE offset, in ms since 1970 (UTC). */
  now(): number {
    return this.board.scheduler.now() + this.clockOffsetMs;
  }

  /** Stops the acquisition and the work queue (the board itself is the caller's). */
  dispose(): void {
    this.acq.dispose();
    this.workSubscription.unsubscribe();
    this.work.complete();
  }
}
