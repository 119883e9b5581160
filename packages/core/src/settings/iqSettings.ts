import type { BoardInfo } from './boardInfo.js';
import { defineSettings, setting, type ResolvedSettingsOf, type UserSettingsOf } from './declareSettings.js';
import { integerIn, numberAbove, numberIn, oneOf } from './rules.js';

/** Inputs an IQ module can demodulate. */
export const IQ_INPUTS = ['in1', 'in2'] as const;

/**
 * The longest an IQ module settles or integrates for one measurement, in seconds: one day. Longer
 * is no measurement anyone waits for, and beyond ~24.8 days a timer cannot even be set; a
 * network analyzer's point (settle + integration) is bounded by the same day (`NA_MAX_POINT_S`).
 */
export const IQ_MAX_TIME_S = 86_400;

/**
 * One IQ (lock-in) measurement's parameters, declared once: an IQ module (iq0…iq2) has no standing
 * settings of its own, each `measure$` call gives all of them. See `SCOPE_SETTINGS` for what derives.
 */
export const IQ_SETTINGS = defineSettings('iq', {
  /** Which input the module demodulates. */
  input: setting({ rule: () => oneOf(IQ_INPUTS), default: 'in1', doc: 'input demodulated' }),
  /** Demodulation (local oscillator) frequency in Hz, 0 to fs/2. */
  frequencyHz: setting({ rule: (info) => numberIn(0, info.sampleRateHz / 2, 'Hz'), default: 0, unit: 'Hz', doc: 'demodulation (local oscillator) frequency' }),
  /** The generator whose phase the local oscillator is locked to (0 … asgCount − 1), as in a lock-in amplifier. */
  lockToAsg: setting({ rule: (info) => integerIn(0, info.asgCount - 1), default: 0, doc: 'generator the local oscillator is locked to' }),
  /** Seconds to wait before integrating (for the device under test to settle). */
  settleS: setting({ rule: () => numberIn(0, IQ_MAX_TIME_S, 's'), default: 0, unit: 's', doc: 'settling time before integrating' }),
  /** Seconds of integration; the noise bandwidth of the result is about 1 / integrationS. */
  integrationS: setting({ rule: () => numberAbove(0, 's', IQ_MAX_TIME_S), default: 1e-3, unit: 's', doc: 'integration time (noise bandwidth ≈ 1 / integrationS)' }),
});

/** An IQ measurement request as a caller gives it. */
export type IqSettings = UserSettingsOf<typeof IQ_SETTINGS.table>;

/** A validated IQ measurement request, as the driver receives it (`IqMeasureRequest`). */
export type ResolvedIqSettings = ResolvedSettingsOf<typeof IQ_SETTINGS.table>;

/** Validates an IQ request (every field given, or its default); throws `SettingsError` naming the field. */
export function resolveIqSettings(request: IqSettings | undefined, info: BoardInfo, instrument = 'iq'): ResolvedIqSettings {
  return IQ_SETTINGS.resolve(request, info, IQ_SETTINGS.defaults, instrument);
}
