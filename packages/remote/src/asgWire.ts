import type { ResolvedAsgSettings } from '@labrx/core';
import { base64ToFloat64, float64ToBase64 } from './wireFrames.js';

/** Generator settings for JSON (an arbitrary waveform's samples as base64 float64). */
export function asgToWire(s: ResolvedAsgSettings): Record<string, unknown> {
  return { ...s, data: s.data ? float64ToBase64(s.data) : null };
}

/** Generator settings from JSON (the inverse of `asgToWire`). */
export function asgFromWire(w: Record<string, unknown>): ResolvedAsgSettings {
  return { ...(w as unknown as ResolvedAsgSettings), data: typeof w['data'] === 'string' ? base64ToFloat64(w['data']) : null };
}
