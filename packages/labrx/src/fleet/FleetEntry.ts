/**
 * A result from one board of a fleet: which board (its id, e.g. 'sim:7' or
 * 'scpi://127.0.0.1:5000', and its position in `fleet.boards`) and the value.
 */
export interface FleetFulfilled<R> {
  readonly status: 'fulfilled';
  /** The board's id. */
  readonly board: string;
  /** The board's position in `fleet.boards`. */
  readonly index: number;
  readonly value: R;
}

/** A failure on one board of a fleet: which board, and the error unchanged. */
export interface FleetRejected {
  readonly status: 'rejected';
  /** The board's id. */
  readonly board: string;
  /** The board's position in `fleet.boards`. */
  readonly index: number;
  readonly error: unknown;
}

/** The outcome on one board: narrow on `status`. */
export type FleetSettled<R> = FleetFulfilled<R> | FleetRejected;

/** How far a fleet-wide operation has got. */
export interface FleetProgress {
  /** Boards finished so far (succeeded or failed). */
  readonly done: number;
  /** Of these, how many failed. */
  readonly failed: number;
  /** Boards in the operation. */
  readonly total: number;
}

/** One board finished in a fleet-wide operation: its outcome, and the progress counting it. */
export type FleetMapEvent<R> = FleetSettled<R> & { readonly progress: FleetProgress };

/**
 * A target that could not be connected: what was asked for, its position in the targets, and why.
 * `target` is the URL, or `sim:<seed>` for an embedded board, or the driver's id.
 */
export interface FleetConnectFailure {
  readonly status: 'rejected';
  readonly target: string;
  /** Position in the targets given to `connectMany`. */
  readonly index: number;
  readonly error: unknown;
}
