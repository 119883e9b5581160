import type { LockboxConfig, LockEvent, LockStatus } from '@labrx/instruments';
import { parseWaterfallMessage, type WaterfallClientMessage, type WaterfallServerMessage } from './waterfallProtocol.js';
import { ASG_SETTINGS, formatSettingValue, IQ_MODULE_SETTINGS, LabrxError, NA_SETTINGS, PID_SETTINGS, SCOPE_SETTINGS, SettingsError, SPECAN_SETTINGS, type BoardInfo, type SettingField } from '@labrx/core';

/** Instruments the page runs (Single / Run / Stop). */
export const STUDIO_INSTRUMENTS = ['scope', 'specan', 'na'] as const;
/** An instrument the page runs. */
export type StudioInstrument = (typeof STUDIO_INSTRUMENTS)[number];
/** The generators, which the page sets and triggers. */
export const STUDIO_GENERATORS = ['asg0', 'asg1'] as const;
/** A generator of the studio's board. */
export type StudioGenerator = (typeof STUDIO_GENERATORS)[number];
/** Everything the page can set: the running instruments and the two generators. */
export const STUDIO_SETTABLE = [...STUDIO_INSTRUMENTS, ...STUDIO_GENERATORS] as const;
/** Something the page can set. */
export type StudioSettable = (typeof STUDIO_SETTABLE)[number];
/**
 * The hardware modules the page can set when the board has them (PIDs; IQ modules that demodulate
 * continuously): each gets a form built from its declaration (`PID_SETTINGS`, `IQ_MODULE_SETTINGS`).
 */
export const STUDIO_MODULES = ['pid0', 'pid1', 'pid2', 'iq0', 'iq1', 'iq2'] as const;
/** A hardware module of the page's PID/IQ panel. */
export type StudioModule = (typeof STUDIO_MODULES)[number];
/** A module of the page's PID/IQ panel with its form fields (what the board has). */
export interface StudioModuleForm {
  readonly name: StudioModule;
  readonly fields: readonly SettingField[];
}
/** Single, Run, Stop. */
export const STUDIO_MODES = ['single', 'run', 'stop'] as const;
/** What a Single / Run / Stop button asks for. */
export type StudioMode = (typeof STUDIO_MODES)[number];

/** Messages from the page (JSON text frames). */
export type ClientMessage =
  /** Single / Run / Stop, optionally with the panel's settings (validated first: a bad one runs nothing). */
  | { readonly type: 'run'; readonly instrument: StudioInstrument; readonly mode: StudioMode; readonly settings?: Record<string, unknown> }
  /**
   * New settings (the panel's whole set; for a PID/IQ module the fields changed: what is not given
   * stays); validated on the server, errors come back as 'error'.
   */
  | { readonly type: 'settings'; readonly instrument: StudioSettable | StudioModule; readonly settings: Record<string, unknown> }
  /**
   * Plot widths in pixels (the envelope sizes of scope, spectrum and shown frames) and the scope's
   * time window in s since the trigger (null: the whole trace): only that part is sent, at full
   * resolution once it spans fewer than two samples per pixel.
   */
  | { readonly type: 'view'; readonly widths: { readonly scope?: number; readonly specan?: number; readonly shown?: number }; readonly scopeWindow?: readonly [number, number] | null }
  /** The page drew a frame of this plot: the server may send the next (flow control). `id`: a shown plot's. */
  | { readonly type: 'ack'; readonly instrument: StudioStreamed; readonly id?: number }
  /** The page drew the fleet view: the server may send its next state. */
  | { readonly type: 'ack'; readonly instrument: 'fleet' }
  /** Pause: the plot keeps what it shows (its board keeps running); the server sends nothing new for it. */
  | { readonly type: 'pause'; readonly instrument: StudioPlot; readonly id?: number; readonly paused: boolean }
  /**
   * The data (csv, json, npy) or picture (svg) of what a plot shows, as the command line writes them;
   * answered by 'file'. The waterfall's (and a shown spectrogram's) data are its history of rows at
   * full resolution, a `Spectrogram` (no SVG: the page exports its canvas as PNG).
   */
  | { readonly type: 'export'; readonly instrument: StudioExportable; readonly id?: number; readonly format: StudioExportFormat }
  /** Saves what a plot shows (the waterfall: its history) to the run catalogue with a label; answered by 'saved' and a new 'history'. */
  | { readonly type: 'save'; readonly instrument: StudioExportable; readonly id?: number; readonly label: string }
  /** The catalogue's newest runs; answered by 'history'. */
  | { readonly type: 'history' }
  /** Draws a saved run's curve (channel `series`: 0 = ch1 or |H|, 1 = ch2) dashed on a plot; run null removes it. */
  | { readonly type: 'overlay'; readonly instrument: StudioPlot; readonly id?: number; readonly run: number | null; readonly series: 0 | 1 }
  /** Profiles: list them, save the board and panels under a name, or load one (answered by 'profiles'). */
  | { readonly type: 'profile'; readonly action: 'list' | 'save' | 'load'; readonly name?: string }
  /**
   * Lockbox: lock with a preset and its options (`STUDIO_LOCK_PRESETS`; SI units in the names), or
   * with the lockbox's configuration in force (preset null). The page's lock is unlocked when the
   * page goes (docs/decisions/0022).
   */
  | { readonly type: 'lock'; readonly preset: StudioLockPreset | null; readonly options: Readonly<Record<string, number>> }
  /**
   * Lockbox: lock with a whole configuration (the editor's), which becomes the configuration in
   * force once valid (`lockbox.lock$(config)`); a bad value locks nothing and changes nothing.
   */
  | { readonly type: 'lock'; readonly config: LockboxConfig }
  /**
   * Lockbox editor's Apply: validates `config` against the lockbox's declarations and this board
   * (`lockbox.configure`) and makes it the configuration in force, which every page then gets as
   * 'lockConfig'; a bad value is an 'error' naming the input/output/stage, the setting, the value and
   * what is allowed, and nothing changes. Its shape is checked here (objects, at most
   * `STUDIO_LOCK_CONFIG_MAX_PARTS` inputs, outputs and stages), every value by the lockbox.
   */
  | { readonly type: 'lockConfig'; readonly config: LockboxConfig }
  /** Lockbox editor's Load preset: a preset's configuration with these options, resolved; answered by 'lockPreset' to this page only (nothing changes). */
  | { readonly type: 'lockPreset'; readonly preset: StudioLockPreset; readonly options: Readonly<Record<string, number>> }
  /** Lockbox: unlock (outputs safe), whoever locked. */
  | { readonly type: 'unlock' }
  /** A software trigger of a generator (`asg.trigger()`): its settings in force start their bursts now; answered by 'triggered' or 'error'. */
  | { readonly type: 'trigger'; readonly instrument: StudioGenerator }
  /** The waterfall (spectrogram) panel: start, stop, acknowledge a frame (StudioWaterfall). */
  | WaterfallClientMessage;

/**
 * The lockbox presets the page offers, each with the options it takes (SI units in the names) and
 * the example values its form opens with (the cavity of docs/architecture.md "Lockbox": 500 kHz
 * linewidth, 5 MHz/V piezo; a Michelson with a 1 µm/V piezo) — edit them for your system.
 */
export const STUDIO_LOCK_PRESETS = {
  sideOfFringe: { linewidthHz: 500e3, piezoHzPerV: 5e6, unityGainHz: 1000 },
  fabryPerotPdh: { linewidthHz: 500e3, piezoHzPerV: 5e6, modulationHz: 20e6, unityGainHz: 2000 },
  michelsonMidFringe: { piezoMPerV: 1e-6, unityGainHz: 1000 },
} as const satisfies Record<string, Readonly<Record<string, number>>>;
/** A lockbox preset of the page: sideOfFringeLock, fabryPerotPdhLock, michelsonMidFringeLock. */
export type StudioLockPreset = keyof typeof STUDIO_LOCK_PRESETS;

/** Most named inputs, outputs and stages a lockbox configuration from the page may have (each). */
export const STUDIO_LOCK_CONFIG_MAX_PARTS = 16;

/**
 * The lockbox editor's form fields for this board, from the declarations (`LOCKBOX_SETTINGS`,
 * `LOCKBOX_INPUT_SETTINGS`, `LOCKBOX_OUTPUT_SETTINGS`, `LOCKBOX_STAGE_SETTINGS`); `stageOutput`
 * describes what a stage does with each output (`StageOutputSettings`: lock, offset).
 */
export interface StudioLockboxFields {
  readonly lockbox: readonly SettingField[];
  readonly input: readonly SettingField[];
  readonly output: readonly SettingField[];
  readonly stage: readonly SettingField[];
  readonly stageOutput: readonly SettingField[];
}

/** Plots whose frames are acknowledged: the streamed instruments and shown Observables. */
export const STUDIO_STREAMED = ['scope', 'specan', 'shown', 'lockbox'] as const;
/** A plot whose frames are acknowledged. */
export type StudioStreamed = (typeof STUDIO_STREAMED)[number];
/** Every plot: the three instruments and shown Observables (with their id). */
export const STUDIO_PLOTS = ['scope', 'specan', 'na', 'shown'] as const;
/** A plot. */
export type StudioPlot = (typeof STUDIO_PLOTS)[number];
/** What exports and saves: every plot, and the waterfall panel (its history, a spectrogram). */
export const STUDIO_EXPORTABLE = [...STUDIO_PLOTS, 'waterfall'] as const;
/** Something that exports and saves. */
export type StudioExportable = (typeof STUDIO_EXPORTABLE)[number];
/** What a plot exports to: the data files of the command line (--out) and its SVG picture (--plot). */
export const STUDIO_EXPORT_FORMATS = ['csv', 'json', 'npy', 'svg'] as const;
/** An export format. */
export type StudioExportFormat = (typeof STUDIO_EXPORT_FORMATS)[number];

/** One file sent to the page for download: text as it is, binary as base64. */
export interface StudioFile {
  readonly name: string;
  readonly mime: string;
  readonly encoding: 'utf8' | 'base64';
  readonly data: string;
}

/** Scope measurements of one channel (V, Hz; see `measureChannel`). */
export interface StudioChannelMeasurements {
  readonly vpp: number;
  readonly vrms: number;
  readonly mean: number;
  readonly frequencyHz: number | null;
}

/** An error as the page shows it: SettingsError fields when it is one. */
export interface ErrorInfo {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly instrument?: string;
  readonly setting?: string;
  /** The rejected value as JSON text. */
  readonly value?: string;
  readonly allowed?: string;
}

/** Messages to the page (JSON text frames); data go as binary frames (frames.ts). */
export type ServerMessage =
  /** `fields`: each panel's settings as declared (name, doc, unit, kind, allowed, choices, default); the page builds its controls from them. */
  | {
      readonly type: 'hello';
      readonly board: Record<string, unknown>;
      readonly settings: Record<StudioSettable, unknown>;
      readonly fields: Record<StudioSettable, readonly SettingField[]>;
      /** The demonstration running, if any: its wiring line and the scope's initial window (s). */
      readonly demo: { readonly wiring: string; readonly scopeWindowS: readonly [number, number] | null } | null;
      /**
       * The PID/IQ modules the board has, with their form fields (empty: the panel is hidden, as on
       * a plain SCPI board); their settings follow as 'applied' messages (read back from the board).
       */
      readonly modules: readonly StudioModuleForm[];
      /** The lockbox panel, when the board has PIDs and a sampler (null: the panel is hidden). */
      readonly lockbox: null | {
        readonly presets: typeof STUDIO_LOCK_PRESETS;
        readonly configured: boolean;
        readonly status: LockStatus;
        /** The editor's form fields (from the lockbox's declarations, this board's ranges). */
        readonly fields: StudioLockboxFields;
        /** The configuration in force (every setting explicit), or null before one is set. */
        readonly config: LockboxConfig | null;
      };
    }
  /** The lockbox's configuration in force (every setting explicit) whenever it changes: a page's Apply or Lock, a script's `configure` or `lock`. */
  | { readonly type: 'lockConfig'; readonly config: LockboxConfig | null }
  /** A preset's configuration (answering 'lockPreset'), for the editor to show; not yet in force. */
  | { readonly type: 'lockPreset'; readonly preset: StudioLockPreset; readonly options: Readonly<Record<string, number>>; readonly config: LockboxConfig }
  /** A lock sequence's progress (a calibration, a stage reached, 'locked'), as `lock$` emits it. */
  | { readonly type: 'lock'; readonly event: LockEvent }
  /** The lock status when its state, stage, relocks or reason change (its samples go in lockSignals frames). */
  | { readonly type: 'lockStatus'; readonly status: LockStatus }
  /** Scope measurements of the trace just sent (full resolution, both channels). */
  | { readonly type: 'measured'; readonly instrument: 'scope'; readonly seq: number; readonly ch1: StudioChannelMeasurements; readonly ch2: StudioChannelMeasurements }
  /** The peak of each channel of the spectrum just sent (full resolution; null: channel not analysed). */
  | { readonly type: 'measured'; readonly instrument: 'specan'; readonly seq: number; readonly unit: string; readonly ch1: { readonly frequencyHz: number; readonly level: number } | null; readonly ch2: { readonly frequencyHz: number; readonly level: number } | null }
  /** A shown Observable appeared, learnt its kind, or ended (`end`). */
  | { readonly type: 'shown'; readonly id: number; readonly name: string; readonly kind: string | null; readonly unit: string; readonly end: null | { readonly reason: string; readonly error?: ErrorInfo } }
  /** A result saved to the catalogue as run `run`. */
  | { readonly type: 'saved'; readonly instrument: StudioExportable; readonly id?: number; readonly run: number; readonly label: string }
  /** The catalogue's newest runs, newest first (empty without a catalogue; `catalogue`: its file). */
  | { readonly type: 'history'; readonly catalogue: string | null; readonly runs: readonly { readonly id: number; readonly kind: string; readonly instrument: string; readonly createdMs: number; readonly label: string | null; readonly points: number; readonly boardId: string | null }[] }
  /** A saved curve for a plot (x in s or Hz; y in the plot's unit, |H| in dB), or null to remove it. */
  | { readonly type: 'overlay'; readonly instrument: StudioPlot; readonly id?: number; readonly curve: null | { readonly run: number; readonly label: string | null; readonly x: readonly number[]; readonly y: readonly (number | null)[] } }
  /** The saved profiles (names), where they live, and what was just done ('saved NAME', 'loaded NAME'). */
  | { readonly type: 'profiles'; readonly dir: string | null; readonly names: readonly string[]; readonly done?: string }
  /** The fleet view: every board's newest trace (small envelope of ch1) and which boards failed. */
  | { readonly type: 'fleet'; readonly boards: readonly FleetCell[] }
  /** Files for download, answering 'export'. */
  | { readonly type: 'file'; readonly instrument: StudioExportable; readonly id?: number; readonly format: StudioExportFormat; readonly files: readonly StudioFile[] }
  | { readonly type: 'state'; readonly instrument: StudioInstrument; readonly mode: 'idle' | 'single' | 'run'; readonly state: string; readonly holder: string | null }
  | { readonly type: 'applied'; readonly instrument: StudioSettable | StudioModule; readonly settings: unknown }
  /** A generator was triggered (answering 'trigger'), at `boardTimeMs` on the board's clock (ms). */
  | { readonly type: 'triggered'; readonly instrument: StudioGenerator; readonly boardTimeMs: number }
  | { readonly type: 'error'; readonly instrument: StudioSettable | StudioModule | 'studio' | 'lockbox' | 'waterfall'; readonly error: ErrorInfo }
  /** The waterfall panel's state, settings and (first) form fields; its rows go in frames of kind 10. */
  | WaterfallServerMessage;

/**
 * The field descriptors of every panel for `info`'s board, from the instruments' declared settings
 * (`SCOPE_SETTINGS`, …): the page has no list of settings of its own, so a setting added to a
 * declaration appears on the page.
 */
export function studioFields(info: BoardInfo): Record<StudioSettable, readonly SettingField[]> {
  const asg = ASG_SETTINGS.fields(info);
  return { scope: SCOPE_SETTINGS.fields(info), specan: SPECAN_SETTINGS.fields(info), na: NA_SETTINGS.fields(info), asg0: asg, asg1: asg };
}

/**
 * The form fields of a PID/IQ module for `info`'s board, from its declaration (`PID_SETTINGS`,
 * `IQ_MODULE_SETTINGS`, ranges from `info.pid` / `info.iqModule`).
 */
export function studioModuleFields(module: StudioModule, info: BoardInfo): readonly SettingField[] {
  return module.startsWith('pid') ? PID_SETTINGS.fields(info) : IQ_MODULE_SETTINGS.fields(info);
}

/** An error as the page shows it: every `SettingsError` field, the message and kind of others. */
export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof SettingsError) {
    return { name: error.name, code: error.code, message: error.message, instrument: error.instrument, setting: error.setting, value: formatSettingValue(error.value), allowed: error.allowed };
  }
  if (error instanceof LabrxError) return { name: error.name, code: error.code, message: error.message };
  if (error instanceof Error) return { name: error.name, code: 'Error', message: error.message };
  return { name: 'Error', code: 'Error', message: String(error) };
}

/** Checks a parsed page message; throws `SettingsError` (instrument 'studio') naming what is wrong. */
export function parseClientMessage(text: string): ClientMessage {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new SettingsError('studio', 'message', text.slice(0, 80), 'a JSON object');
  }
  if (!m || typeof m !== 'object') throw new SettingsError('studio', 'message', m, 'a JSON object');
  const oneOf = <T extends string>(field: string, choices: readonly T[]): T => {
    if (!(choices as readonly unknown[]).includes(m[field])) throw new SettingsError('studio', field, m[field], `one of ${choices.map((c) => `'${c}'`).join(', ')}`);
    return m[field] as T;
  };
  // a shown plot is named by its id as well
  const withId = <T extends { instrument: string }>(msg: T): T & { id?: number } => {
    if (msg.instrument !== 'shown') return msg;
    if (!Number.isSafeInteger(m.id) || (m.id as number) < 1) throw new SettingsError('studio', 'id', m.id, 'the id of a shown plot (a positive integer)');
    return { ...msg, id: m.id as number };
  };
  switch (m.type) {
    case 'run': {
      const run = { type: 'run', instrument: oneOf('instrument', STUDIO_INSTRUMENTS), mode: oneOf('mode', STUDIO_MODES) } as const;
      return m.settings === undefined ? run : { ...run, settings: settingsObject(m.settings) };
    }
    case 'settings':
      return { type: 'settings', instrument: oneOf('instrument', [...STUDIO_SETTABLE, ...STUDIO_MODULES]), settings: settingsObject(m.settings) };
    case 'view': {
      const w = (m.widths ?? {}) as Record<string, unknown>;
      const width = (k: string) => (typeof w[k] === 'number' && Number.isFinite(w[k]) ? { [k]: w[k] } : {});
      const view = { type: 'view', widths: { ...width('scope'), ...width('specan'), ...width('shown') } } as const;
      if (m.scopeWindow === undefined) return view;
      const sw = m.scopeWindow;
      if (sw === null) return { ...view, scopeWindow: null };
      if (!Array.isArray(sw) || sw.length !== 2 || !sw.every((x) => typeof x === 'number' && Number.isFinite(x)) || !((sw[0] as number) < (sw[1] as number))) {
        throw new SettingsError('studio', 'scopeWindow', sw, 'null or [from, to] in s with from < to');
      }
      return { ...view, scopeWindow: [sw[0] as number, sw[1] as number] };
    }
    case 'ack':
      if (m.instrument === 'fleet') return { type: 'ack', instrument: 'fleet' };
      return withId({ type: 'ack' as const, instrument: oneOf('instrument', STUDIO_STREAMED) });
    case 'pause':
      if (typeof m.paused !== 'boolean') throw new SettingsError('studio', 'paused', m.paused, 'true or false');
      return withId({ type: 'pause' as const, instrument: oneOf('instrument', STUDIO_PLOTS), paused: m.paused });
    case 'export':
      return withId({ type: 'export' as const, instrument: oneOf('instrument', STUDIO_EXPORTABLE), format: oneOf('format', STUDIO_EXPORT_FORMATS) });
    case 'save': {
      if (typeof m.label !== 'string' || m.label.length > 200) throw new SettingsError('studio', 'label', m.label, 'a label of at most 200 characters');
      return withId({ type: 'save' as const, instrument: oneOf('instrument', STUDIO_EXPORTABLE), label: m.label });
    }
    case 'history':
      return { type: 'history' };
    case 'overlay': {
      if (m.run !== null && (!Number.isSafeInteger(m.run) || (m.run as number) < 1)) throw new SettingsError('studio', 'run', m.run, 'a run id (a positive integer) or null');
      const series: 0 | 1 = m.series === 1 ? 1 : 0;
      return withId({ type: 'overlay' as const, instrument: oneOf('instrument', STUDIO_PLOTS), run: m.run as number | null, series });
    }
    case 'profile': {
      const action = oneOf('action', ['list', 'save', 'load'] as const);
      if (action === 'list') return { type: 'profile', action };
      if (typeof m.name !== 'string') throw new SettingsError('studio', 'name', m.name, 'a profile name');
      return { type: 'profile', action, name: m.name };
    }
    case 'lock':
      return m.config !== undefined && (m.preset === undefined || m.preset === null) ? { type: 'lock', config: lockConfigOf(m.config) } : lockMessage(m);
    case 'lockConfig':
      return { type: 'lockConfig', config: lockConfigOf(m.config) };
    case 'lockPreset': {
      const lock = lockMessage(m);
      if (lock.preset === null) throw new SettingsError('studio', 'preset', m.preset, `one of ${Object.keys(STUDIO_LOCK_PRESETS).map((n) => `'${n}'`).join(', ')}`);
      return { type: 'lockPreset', preset: lock.preset, options: lock.options };
    }
    case 'unlock':
      return { type: 'unlock' };
    case 'trigger':
      return { type: 'trigger', instrument: oneOf('instrument', STUDIO_GENERATORS) };
    case 'waterfall':
      return parseWaterfallMessage(m);
    default:
      throw new SettingsError('studio', 'type', m.type, "one of 'run', 'settings', 'view', 'ack', 'pause', 'export', 'save', 'history', 'overlay', 'profile', 'lock', 'lockConfig', 'lockPreset', 'unlock', 'trigger', 'waterfall'");
  }
}

/** A 'lock' message: a preset and exactly its options, each a finite number (or preset null and no options). */
function lockMessage(m: Record<string, unknown>): { type: 'lock'; preset: StudioLockPreset | null; options: Readonly<Record<string, number>> } {
  if (m.preset === null || m.preset === undefined) return { type: 'lock', preset: null, options: {} };
  const names = Object.keys(STUDIO_LOCK_PRESETS);
  if (typeof m.preset !== 'string' || !names.includes(m.preset)) throw new SettingsError('studio', 'preset', m.preset, `null or one of ${names.map((n) => `'${n}'`).join(', ')}`);
  const preset = m.preset as StudioLockPreset;
  const wanted = Object.keys(STUDIO_LOCK_PRESETS[preset]);
  const given = settingsObject(m.options ?? {});
  const options: Record<string, number> = {};
  for (const [k, v] of Object.entries(given)) {
    if (!wanted.includes(k)) throw new SettingsError('studio', `options.${k}`, v, `an option of ${preset}: ${wanted.join(', ')}`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new SettingsError('studio', `options.${k}`, v, 'a finite number');
    options[k] = v;
  }
  for (const k of wanted) if (!(k in options)) throw new SettingsError('studio', `options.${k}`, undefined, `a finite number (${preset} needs ${wanted.join(', ')})`);
  return { type: 'lock', preset, options };
}

/**
 * The shape of a lockbox configuration from the page: an object whose `inputs` and `outputs` (when
 * objects) have at most `STUDIO_LOCK_CONFIG_MAX_PARTS` entries and whose `sequence` (when an array)
 * as many stages. Every value, and what is missing, is the lockbox's to check (`resolveLockboxConfig`
 * names the part and the setting).
 */
function lockConfigOf(value: unknown): LockboxConfig {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SettingsError('studio', 'config', value, 'a lockbox configuration: an object { inputs, outputs, sequence, … }');
  const c = value as Record<string, unknown>;
  for (const part of ['inputs', 'outputs', 'sequence'] as const) {
    const v = c[part];
    const n = Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0;
    if (n > STUDIO_LOCK_CONFIG_MAX_PARTS) throw new SettingsError('studio', `config.${part}`, `${n} ${part}`, `at most ${STUDIO_LOCK_CONFIG_MAX_PARTS} ${part}`);
  }
  return c as unknown as LockboxConfig;
}

function settingsObject(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SettingsError('studio', 'settings', value, 'an object of settings');
  return value as Record<string, unknown>;
}

/** One board of the fleet view as the page gets it. */
export interface FleetCell {
  readonly id: string;
  /** 'live': acquiring; 'failed': it could not connect or its acquisition failed (see `error`). */
  readonly status: 'waiting' | 'live' | 'failed';
  readonly error?: ErrorInfo;
  /** Acquisitions shown so far. */
  readonly seq: number;
  /** Time of the first value (s since the trigger) and between values (s). */
  readonly x0: number;
  readonly dx: number;
  /** ch1 as a min/max envelope (V), `FLEET_CELL_COLUMNS` pairs. */
  readonly ch1: readonly number[];
}
