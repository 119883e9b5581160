import { defer, repeat, type Subscription } from 'rxjs';
import type { ScopeSettings, Trace } from '@labrx/core';
import type { Fleet } from '../fleet/Fleet.js';
import { minMaxEnvelope } from './minMaxEnvelope.js';
import { errorInfo, type FleetCell } from './protocol.js';

export type { FleetCell } from './protocol.js';

/** Pixel columns of a fleet view's small multiple (ch1 as a min/max envelope of this many columns). */
export const FLEET_CELL_COLUMNS = 80;

/**
 * The studio's fleet view (`startStudio({ fleet })`): every board of the fleet takes scope traces one
 * after another (each a Single, so that the page's own instruments on the first board take turns),
 * and the page gets each board's newest trace as a small envelope, with the boards that could not
 * connect or whose acquisition failed marked as failed (a failed board is not retried).
 */
export class StudioFleet {
  private readonly cells: FleetCell[];
  private readonly subs: Subscription[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly fleet: Fleet,
    private readonly settings: ScopeSettings = { decimation: 64 },
  ) {
    const failed = fleet.failures.map((f): FleetCell => ({ id: f.target, status: 'failed', error: errorInfo(f.error), seq: 0, x0: 0, dx: 0, ch1: [] }));
    this.cells = [...fleet.boards.map((b): FleetCell => ({ id: b.id, status: 'waiting', seq: 0, x0: 0, dx: 0, ch1: [] })), ...failed];
  }

  /** Starts every board's acquisitions. */
  start(): void {
    this.fleet.boards.forEach((board, i) => {
      const single$ = board.scope.single$(this.settings);
      this.subs.push(
        defer(() => single$)
          .pipe(repeat())
          .subscribe({
            next: (t) => this.update(i, t),
            error: (error: unknown) => {
              this.cells[i] = { ...this.cells[i]!, status: 'failed', error: errorInfo(error) };
              this.changed();
            },
          }),
      );
    });
  }

  /** Every board's cell, connected boards first, in fleet order. */
  snapshot(): readonly FleetCell[] {
    return this.cells;
  }

  /** Calls `listener` after every change; returns its removal. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops every board's acquisitions (the fleet's owner closes the boards). */
  close(): void {
    for (const s of this.subs) s.unsubscribe();
    this.subs.length = 0;
    this.listeners.clear();
  }

  private update(i: number, t: Trace): void {
    const out = new Float64Array(2 * FLEET_CELL_COLUMNS);
    const n = minMaxEnvelope(t.ch1, FLEET_CELL_COLUMNS, out);
    const dx = n < t.ch1.length ? (t.ch1.length * t.dt) / n : t.dt;
    this.cells[i] = { id: this.cells[i]!.id, status: 'live', seq: this.cells[i]!.seq + 1, x0: t.t0, dx, ch1: Array.from(out.subarray(0, n), (v) => Math.round(v * 1e5) / 1e5) };
    this.changed();
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
