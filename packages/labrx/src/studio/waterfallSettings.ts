import { defineSettings, integerIn, numberIn, oneOf, REALTIME_SETTINGS, resolveRealtimeSettings, setting, SettingsError, type BoardInfo, type RealtimeSettings, type ResolvedSettingsOf, type UserSettingsOf } from '@labrx/core';

const RT = REALTIME_SETTINGS.table;

/** How the waterfall's colours span dB: from the data ('auto') or from `dbMin` to `dbMax` ('fixed'). */
export const WATERFALL_SCALES = ['auto', 'fixed'] as const;

/**
 * Settings of the studio's waterfall (spectrogram) panel: the real-time analyzer's own declarations
 * (`REALTIME_SETTINGS`: span, points, window, overlap, averages, unit, input, onOverflow) with
 * defaults for a live picture on a shared machine, and the picture's own: `rows` of history and
 * the colour scale. `span` is in the form here (the analyzer's form shows decimation instead).
 */
export const WATERFALL_SETTINGS = defineSettings(
  'waterfall',
  {
    /** Analysed band 0 … span in Hz (span = fs/2 / decimation, rounded up to a power-of-two decimation). */
    span: setting({ ...RT.span, default: 125e6 / 2 / 64, form: true }),
    /** Segment (FFT) length in samples: bins = points/2 + 1. */
    points: setting({ ...RT.points, default: 2048 }),
    /** FFT window. */
    window: RT.window,
    /** Fraction of each segment shared with the next. */
    overlap: RT.overlap,
    /** Segments averaged per row (more: fewer, smoother rows). */
    averages: setting({ ...RT.averages, default: 8, doc: 'segments averaged per row' }),
    /** Unit of the rows; a linear unit is drawn in dB of it (10·log10 of a power, 20·log10 of an amplitude density). */
    unit: setting({ ...RT.unit, default: 'dBm' }),
    /** Inputs analysed: one waterfall per input. */
    input: setting({ ...RT.input, default: 'in1' }),
    /** The analysis falls behind: 'gap' (the studio's default) drops the partial row and goes on, 'error' stops. */
    onOverflow: setting({ ...RT.onOverflow, default: 'gap' }),
    /** Rows of history the picture holds (and the server holds at most, unsent, per page). */
    rows: setting({ rule: () => integerIn(16, 1024), default: 256, doc: 'rows of history shown' }),
    /** 'auto': colours from the data; 'fixed': from dbMin to dbMax. */
    scale: setting({ rule: () => oneOf(WATERFALL_SCALES), default: 'auto', doc: "colour scale: 'auto' from the data, 'fixed' dbMin … dbMax" }),
    /** Bottom of a fixed colour scale (dB in the unit). */
    dbMin: setting({ rule: () => numberIn(-400, 400, 'dB'), default: -120, unit: 'dB', doc: 'bottom of the fixed colour scale' }),
    /** Top of a fixed colour scale (dB in the unit). */
    dbMax: setting({ rule: () => numberIn(-400, 400, 'dB'), default: 0, unit: 'dB', doc: 'top of the fixed colour scale' }),
  },
  (r, _given, { info, instrument }) => {
    if (r.scale === 'fixed' && !(r.dbMax > r.dbMin)) throw new SettingsError(instrument, 'dbMax', r.dbMax, `a number above dbMin (${r.dbMin} dB)`);
    // the analyzer's own cross-setting checks (span → decimation, buffer ≥ two segments)
    const rt = resolveRealtimeSettings(waterfallRealtimeSettings(r), info, instrument);
    return { ...r, span: rt.span };
  },
);

/** Waterfall settings as a page gives them. */
export type WaterfallSettings = UserSettingsOf<typeof WATERFALL_SETTINGS.table>;
/** Resolved waterfall settings. */
export type ResolvedWaterfallSettings = ResolvedSettingsOf<typeof WATERFALL_SETTINGS.table>;

/** The real-time analyzer's part of waterfall settings, for `specan.spectrogram$`. */
export function waterfallRealtimeSettings(s: ResolvedWaterfallSettings): RealtimeSettings {
  return { span: s.span, points: s.points, window: s.window, overlap: s.overlap, averages: s.averages, unit: s.unit, input: s.input, onOverflow: s.onOverflow };
}

/** Validates waterfall settings over the defaults; throws `SettingsError` (instrument 'waterfall'), changes nothing. */
export function resolveWaterfallSettings(settings: WaterfallSettings | undefined, info: BoardInfo): ResolvedWaterfallSettings {
  return WATERFALL_SETTINGS.resolve(settings, info);
}
