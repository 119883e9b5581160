import { ASG_SETTINGS, formatSettingValue, LabrxError, NA_SETTINGS, SCOPE_SETTINGS, SettingsError, SPECAN_SETTINGS, type BoardInfo, type SettingField } from '@labrx/core';

/** Instruments the page runs (Single / Run / Stop). */
export const STUDIO_INSTRUMENTS = ['scope', 'specan', 'na'] as const;
/** An instrument the page runs. */
export type StudioInstrument = (typeof STUDIO_INSTRUMENTS)[number];
/** Everything the page can set: the running instruments and the two generators. */
export const STUDIO_SETTABLE = [...STUDIO_INSTRUMENTS, 'asg0', 'asg1'] as const;
/** Something the page can set. */
export type StudioSettable = (typeof STUDIO_SETTABLE)[number];
/** Single, Run, Stop. */
export const STUDIO_MODES = ['single', 'run', 'stop'] as const;
/** What a Single / Run / Stop button asks for. */
export type StudioMode = (typeof STUDIO_MODES)[number];

/** Messages from the page (JSON text frames). */
export type ClientMessage =
  /** Single / Run / Stop, optionally with the panel's settings (validated first: a bad one runs nothing). */
  | { readonly type: 'run'; readonly instrument: StudioInstrument; readonly mode: StudioMode; readonly settings?: Record<string, unknown> }
  /** New settings (the panel's whole set); validated on the server, errors come back as 'error'. */
  | { readonly type: 'settings'; readonly instrument: StudioSettable; readonly settings: Record<string, unknown> }
  /** Plot widths in pixels: the envelope sizes of scope and spectrum frames. */
  | { readonly type: 'view'; readonly widths: { readonly scope?: number; readonly specan?: number } }
  /** The page drew a frame of this instrument: the server may send the next (flow control). */
  | { readonly type: 'ack'; readonly instrument: 'scope' | 'specan' };

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
  | { readonly type: 'hello'; readonly board: Record<string, unknown>; readonly settings: Record<StudioSettable, unknown>; readonly fields: Record<StudioSettable, readonly SettingField[]> }
  | { readonly type: 'state'; readonly instrument: StudioInstrument; readonly mode: 'idle' | 'single' | 'run'; readonly state: string; readonly holder: string | null }
  | { readonly type: 'applied'; readonly instrument: StudioSettable; readonly settings: unknown }
  | { readonly type: 'error'; readonly instrument: StudioSettable | 'studio'; readonly error: ErrorInfo };

/**
 * The field descriptors of every panel for `info`'s board, from the instruments' declared settings
 * (`SCOPE_SETTINGS`, …): the page has no list of settings of its own, so a setting added to a
 * declaration appears on the page.
 */
export function studioFields(info: BoardInfo): Record<StudioSettable, readonly SettingField[]> {
  const asg = ASG_SETTINGS.fields(info);
  return { scope: SCOPE_SETTINGS.fields(info), specan: SPECAN_SETTINGS.fields(info), na: NA_SETTINGS.fields(info), asg0: asg, asg1: asg };
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
  switch (m.type) {
    case 'run': {
      const run = { type: 'run', instrument: oneOf('instrument', STUDIO_INSTRUMENTS), mode: oneOf('mode', STUDIO_MODES) } as const;
      return m.settings === undefined ? run : { ...run, settings: settingsObject(m.settings) };
    }
    case 'settings':
      return { type: 'settings', instrument: oneOf('instrument', STUDIO_SETTABLE), settings: settingsObject(m.settings) };
    case 'view': {
      const w = (m.widths ?? {}) as Record<string, unknown>;
      const width = (k: string) => (typeof w[k] === 'number' && Number.isFinite(w[k]) ? { [k]: w[k] } : {});
      return { type: 'view', widths: { ...width('scope'), ...width('specan') } };
    }
    case 'ack':
      return { type: 'ack', instrument: oneOf('instrument', ['scope', 'specan'] as const) };
    default:
      throw new SettingsError('studio', 'type', m.type, "one of 'run', 'settings', 'view', 'ack'");
  }
}

function settingsObject(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SettingsError('studio', 'settings', value, 'an object of settings');
  return value as Record<string, unknown>;
}
