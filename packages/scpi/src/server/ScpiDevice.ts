import { EMPTY, Subject, catchError, concatMap, type Observable, type Subscription } from 'rxjs';
import type { BoardDriver } from '@labrx/core';
import { AcquisitionModel, type AcqGain } from './AcquisitionModel.js';
import { DeepGenerationModel } from './DeepGenerationModel.js';
import { DeepMemoryModel } from './DeepMemoryModel.js';
import { GeneratorModel } from './GeneratorModel.js';
import { PinModel } from './PinModel.js';
import { ScpiApiError, RP_API_ERROR } from './scpiErrors.js';

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
   * Each input's own acquisition in split-trigger mode (`ACQ:SPLIT:TRig ON`): each with its own
   * decimation, trigger and state, each keeping only its input of its front end's trace. Two on a
   * 2-input board; four on a 4-input board (inputs 3 and 4 on the second front end).
   */
  readonly splitAcq: readonly AcquisitionModel[];
  /** Fast analog inputs: 2, or 4 when the server was given a second front end (`inputs34`). */
  readonly inputCount: number;
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
    /**
     * Inputs 3 and 4 of a STEMlab 125-14 4-Input: a second front end on the same clock whose inputs 1
     * and 2 are the board's 3 and 4 (absent: a 2-input board). They acquire in split-trigger mode.
     */
    inputs34?: BoardDriver,
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
    const split = [new AcquisitionModel(board, enqueue), new AcquisitionModel(board, enqueue)];
    if (inputs34) split.push(new AcquisitionModel(inputs34, enqueue, undefined, 2), new AcquisitionModel(inputs34, enqueue, undefined, 2));
    this.splitAcq = split;
    this.inputCount = split.length;
    this.gen = Array.from({ length: board.info.asgCount }, (_, i) => new GeneratorModel(board, i, enqueue));
    const deep = this.deep;
    this.deepGen = new DeepGenerationModel(board.info, this.gen, () => deep.reservedRanges(), () => ({ start: deep.regionStart, bytes: deep.available ? deep.regionBytes : 0 }));
    deep.generationReserved = () => this.deepGen.reservedRanges();
  }

  /**
   * The acquisition whose buffer input `ch` (0-based) reads: its own in split mode, else the common one.
   * Inputs 3 and 4 of the simulated 4-input board acquire in split mode only (API error 24 otherwise).
   */
  acqFor(ch: number): AcquisitionModel {
    if (this.splitTrigger) return this.splitAcq[ch]!;
    if (ch >= 2) throw new ScpiApiError(RP_API_ERROR.NOTS, `Failed to read input ${ch + 1}: the simulated 4-input board acquires inputs 3 and 4 in split-trigger mode only (ACQ:SPLIT:TRig ON).`);
    return this.acq;
  }

  /** ACQ:SOUR<n>:GAIN? of input `ch` (0-based). */
  gainOf(ch: number): AcqGain {
    return (ch < 2 ? this.acq : this.splitAcq[ch]!).gainOf(ch);
  }

  /** ACQ:SOUR<n>:GAIN: one jumper per input, so every acquisition of that input sees it. */
  setGain(ch: number, gain: AcqGain): void {
    for (const a of [this.acq, ...this.splitAcq]) a.setGain(ch, gain);
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
