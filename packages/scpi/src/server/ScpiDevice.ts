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
  /**
   * The two inputs' own acquisitions in split-trigger mode (`ACQ:SPLIT:TRig ON`): each with its own
   * decimation, trigger and state, each keeping only its input of the board's trace.
   */
  readonly splitAcq: readonly [AcquisitionModel, AcquisitionModel];
  /** ACQ:SPLIT:TRig: true when each input triggers on its own. */
  splitTrigger = false;
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
    this.splitAcq = [new AcquisitionModel(board, enqueue), new AcquisitionModel(board, enqueue)];
    this.gen = Array.from({ length: board.info.asgCount }, (_, i) => new GeneratorModel(board, i, enqueue));
    const deep = this.deep;
    this.deepGen = new DeepGenerationModel(board.info, this.gen, () => deep.reservedRanges(), () => ({ start: deep.regionStart, bytes: deep.available ? deep.regionBytes : 0 }));
    deep.generationReserved = () => this.deepGen.reservedRanges();
  }

  /** The acquisition whose buffer input `ch` (0-based) reads: its own in split mode, else the common one. */
  acqFor(ch: number): AcquisitionModel {
    return this.splitTrigger ? this.splitAcq[ch === 1 ? 1 : 0] : this.acq;
  }

  /** ACQ:SPLIT:TRig: switching mode stops every acquisition (as the FPGA's mode bit resets the writers). */
  setSplitTrigger(on: boolean): void {
    if (on === this.splitTrigger) return;
    this.acq.stop();
    for (const a of this.splitAcq) a.stop();
    this.splitTrigger = on;
  }

  /** Board clock plus the SYST:TIME/DATE offset, in ms since 1970 (UTC). */
  now(): number {
    return this.board.scheduler.now() + this.clockOffsetMs;
  }

  /** Stops the acquisition and the work queue (the board itself is the caller's). */
  dispose(): void {
    this.acq.dispose();
    for (const a of this.splitAcq) a.dispose();
    this.workSubscription.unsubscribe();
    this.work.complete();
  }
}
