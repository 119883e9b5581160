import type { Observable } from 'rxjs';
import type { ResolvedScopeSettings } from '../settings/scopeSettings.js';

/**
 * Which samples a deep-memory capture keeps around its trigger sample s: `samples` samples per
 * channel, the trigger sample at index `triggerIndex` of the capture, i.e. stream samples
 * s − triggerIndex … s − triggerIndex + samples − 1. `triggerIndex` may be negative (the capture
 * starts after the trigger, as a positive scope `triggerDelay` does) and at most `samples`.
 */
export interface DeepCaptureWindow {
  /** Samples per channel (≥ 1). */
  readonly samples: number;
  /** Index of the trigger sample in the capture (≤ samples; negative: before the capture). */
  readonly triggerIndex: number;
}

/** The capture window of a scope trace of `samples` samples whose trigger is delayed by `triggerDelayS` at `dtS` per sample: the trigger mid-trace at delay 0, as in a standard trace. */
export function deepCaptureWindow(samples: number, triggerDelayS: number, dtS: number): DeepCaptureWindow {
  return { samples, triggerIndex: Math.min(samples, Math.floor(samples / 2) - Math.round(triggerDelayS / dtS)) };
}

/**
 * What a deep-memory capture emits, in order: one `trigger` event once the trigger has fired (the
 * geometry of the whole capture), then `chunk` events that together cover sample 0 to
 * `samples − 1` exactly once, in order, then completion.
 */
export type DeepCaptureEvent = DeepCaptureTrigger | DeepCaptureChunk;

/** The trigger fired: the capture's geometry. */
export interface DeepCaptureTrigger {
  readonly kind: 'trigger';
  /** Samples per channel the capture will hold. */
  readonly samples: number;
  /** Seconds per sample (decimation / base rate). */
  readonly dt: number;
  /** Time of sample 0 relative to the trigger, in seconds (−triggerIndex · dt). */
  readonly t0: number;
  /** Board clock (scheduler ms) at the trigger. */
  readonly timestamp: number;
}

/**
 * Samples `offset … offset + ch1.length − 1` of both inputs in volts. The arrays may be reused
 * by the driver for the next chunk: copy what you keep before returning from `next`.
 */
export interface DeepCaptureChunk {
  readonly kind: 'chunk';
  /** Index of the chunk's first sample in the capture. */
  readonly offset: number;
  /** Input 1 in V. */
  readonly ch1: Float64Array;
  /** Input 2 in V (same length as ch1). */
  readonly ch2: Float64Array;
}

/**
 * A board's deep-memory acquisition (the Red Pitaya's DMA into DDR, firmware 2.00-18 and later):
 * one capture of up to `BoardInfo.deepMemorySamples` samples per channel around one trigger, at
 * any decimation, with no gap between samples, delivered in chunks.
 */
export interface DeepMemoryDriver {
  /**
   * Cold: arms on subscribe with the scope `settings` (decimation, trigger, gain, boxcar; the
   * `triggerDelay` and `samples` settings are the window's business), accepts the trigger only once
   * the samples before it that the window keeps have been recorded (none are stale), emits the
   * `trigger` event, then the samples in
   * chunks as they are read or recorded, then completes. Unsubscribing stops the capture.
   *
   * `catchUp$` (optional; a board that records in real time may ignore it): after the trigger, each
   * of its emissions asks for every sample recorded by then, emitted synchronously before the
   * emission returns (a simulated DMA whose timers run late thereby never lags the board's clock
   * when someone looks: the SCPI server's `ACQ:AXI` queries).
   */
  capture$(settings: Omit<ResolvedScopeSettings, 'averages'>, window: DeepCaptureWindow, catchUp$?: Observable<unknown>): Observable<DeepCaptureEvent>;
}
