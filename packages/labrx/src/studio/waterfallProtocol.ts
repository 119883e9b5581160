import { SettingsError, type SettingField } from '@labrx/core';
import type { ResolvedWaterfallSettings } from './waterfallSettings.js';

/** Messages of the waterfall panel from the page (JSON text frames, `type: 'waterfall'`). */
export type WaterfallClientMessage =
  /** Starts (or restarts with new settings) this page's waterfall; `width`: the canvas's width in pixels. */
  | { readonly type: 'waterfall'; readonly action: 'start'; readonly settings: Record<string, unknown>; readonly width?: number }
  /** Stops it: the analyzer's stream is unsubscribed and the scope's lease released. */
  | { readonly type: 'waterfall'; readonly action: 'stop' }
  /** New settings: checked at once, kept (and in the studio's state), a running waterfall restarts with them. */
  | { readonly type: 'waterfall'; readonly action: 'settings'; readonly settings: Record<string, unknown> }
  /** The page drew a waterfall frame (id 0: the panel's; else a shown plot's): the next may come. */
  | { readonly type: 'waterfall'; readonly action: 'ack'; readonly id: number };

/** Messages of the waterfall panel to the page. */
export type WaterfallServerMessage =
  /**
   * The panel's state: 'idle', 'starting' (subscribed, waiting for the scope or the first row) or
   * 'running'; its settings as resolved, the unit its rows are drawn in (dB), and (in the first
   * message) the fields of its form.
   */
  {
    readonly type: 'waterfall';
    readonly state: 'idle' | 'starting' | 'running';
    readonly settings: ResolvedWaterfallSettings;
    readonly unit: string;
    readonly fields?: readonly SettingField[];
  };

/** Checks a 'waterfall' message from the page; throws `SettingsError` (instrument 'studio') naming what is wrong. */
export function parseWaterfallMessage(m: Record<string, unknown>): WaterfallClientMessage {
  switch (m.action) {
    case 'start': {
      const s = m.settings ?? {};
      if (!s || typeof s !== 'object' || Array.isArray(s)) throw new SettingsError('studio', 'settings', s, 'an object of settings');
      if (m.width !== undefined && (typeof m.width !== 'number' || !Number.isFinite(m.width))) throw new SettingsError('studio', 'width', m.width, 'the canvas width in pixels (a finite number)');
      return { type: 'waterfall', action: 'start', settings: s as Record<string, unknown>, ...(m.width !== undefined ? { width: m.width } : {}) };
    }
    case 'stop':
      return { type: 'waterfall', action: 'stop' };
    case 'settings': {
      const s = m.settings;
      if (!s || typeof s !== 'object' || Array.isArray(s)) throw new SettingsError('studio', 'settings', s, 'an object of settings');
      return { type: 'waterfall', action: 'settings', settings: s as Record<string, unknown> };
    }
    case 'ack': {
      const id = m.id ?? 0;
      if (!Number.isSafeInteger(id) || (id as number) < 0) throw new SettingsError('studio', 'id', id, '0 (the panel) or the id of a shown plot');
      return { type: 'waterfall', action: 'ack', id: id as number };
    }
    default:
      throw new SettingsError('studio', 'action', m.action, "one of 'start', 'stop', 'settings', 'ack'");
  }
}

