import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SettingsError } from '@labrx/core';
import { toPlainSettings, type Board, type BoardProfile } from '@labrx/instruments';
import { loadProfile, saveProfile } from '../profiles/profileFile.js';
import { WATERFALL_SETTINGS } from './waterfallSettings.js';

/**
 * Where the studio keeps its state by default: `$XDG_CONFIG_HOME/labrx/studio`, or
 * `~/.config/labrx/studio` (the XDG base-directory rule; settings are configuration, runs data).
 */
export function defaultStudioStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.length > 0 ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'labrx', 'studio');
}

/**
 * Panel settings of a page: what the scope, spectrum analyzer and NA run with, and the waterfall's
 * form (kept in a profile's `studio.waterfall` section: it is no board module).
 */
export type PanelSettings = Record<'scope' | 'specan' | 'na', Record<string, unknown>> & { readonly waterfall?: Record<string, unknown> };

const NAME = /^[\w][\w .-]{0,63}$/;

/**
 * The studio's profiles (docs/decisions/0015-profiles.md) in one folder: named profiles under
 * `profiles/<name>.yaml` and the last state in `last-state.yaml`, written whenever a page changes
 * a setting (a panel's, a generator's, a PID or IQ module's, the lockbox's configuration) and
 * restored when the studio starts. A profile is the board's snapshot (generators, PIDs, IQ modules,
 * the lockbox's configuration in force) with the page's panel settings as the scope, spectrum
 * analyzer and NA modules, and the waterfall's settings (resolved, `WATERFALL_SETTINGS`) under
 * `studio.waterfall`; loading one configures the lockbox (it does not lock).
 */
export class StudioState {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly dir: string) {}

  /** The file of the last state. */
  get lastStatePath(): string {
    return join(this.dir, 'last-state.yaml');
  }

  /** The file of a named profile; throws SettingsError for a name that is not a plain file name. */
  profilePath(name: string): string {
    if (typeof name !== 'string' || !NAME.test(name)) throw new SettingsError('studio', 'profile', name, 'a name of 1 to 64 letters, digits, spaces, ".", "-" or "_" (not starting with one of the last four)');
    return join(this.dir, 'profiles', `${name}.yaml`);
  }

  /** Names of the saved profiles, sorted. */
  async list(): Promise<string[]> {
    try {
      return (await readdir(join(this.dir, 'profiles')))
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => f.slice(0, -5))
        .sort();
    } catch {
      return [];
    }
  }

  /** The board's snapshot with the page's panel settings in it. */
  async snapshot(board: Board, panels: PanelSettings): Promise<BoardProfile> {
    const p = await board.snapshot();
    const waterfall = panels.waterfall ? { studio: { waterfall: toPlainSettings(WATERFALL_SETTINGS.resolve(panels.waterfall, board.info)) } } : {};
    return { ...p, scope: toPlainSettings(board.scope.resolve(panels.scope)), specan: toPlainSettings(board.specan.resolve(panels.specan)), na: toPlainSettings(board.na.resolve(panels.na)), ...waterfall };
  }

  /** Saves a named profile. */
  async save(name: string, board: Board, panels: PanelSettings): Promise<void> {
    const path = this.profilePath(name);
    await mkdir(join(this.dir, 'profiles'), { recursive: true });
    await saveProfile(path, await this.snapshot(board, panels));
  }

  /**
   * Loads a named profile (or the file `path`) onto the board — all of it validated before any of it
   * is written (`board.restore`; the waterfall's settings are checked first too, a bad one is a
   * `SettingsError` naming it) — and returns the panel settings it holds.
   */
  async load(board: Board, nameOrPath: { name: string } | { path: string }): Promise<Partial<PanelSettings>> {
    const profile = await loadProfile('name' in nameOrPath ? this.profilePath(nameOrPath.name) : nameOrPath.path);
    const studio = profile.studio as Record<string, unknown> | undefined;
    for (const k of Object.keys(studio ?? {})) if (k !== 'waterfall') throw new SettingsError('studio', `studio.${k}`, studio![k], "a panel of the studio that is no board module: 'waterfall'");
    const waterfall = studio?.waterfall;
    if (waterfall !== undefined) {
      if (!waterfall || typeof waterfall !== 'object' || Array.isArray(waterfall)) throw new SettingsError('studio', 'studio.waterfall', waterfall, 'a mapping of waterfall settings');
      WATERFALL_SETTINGS.resolve(waterfall, board.info);
    }
    await board.restore(profile);
    const out: { -readonly [K in keyof PanelSettings]?: PanelSettings[K] } = {};
    for (const k of ['scope', 'specan', 'na'] as const) if (profile[k]) out[k] = { ...profile[k] };
    if (waterfall !== undefined) out.waterfall = { ...(waterfall as Record<string, unknown>) };
    return out;
  }

  /**
   * Writes the last state (one write at a time; the newest wins). Written to a temporary file and
   * renamed, so a crash mid-write leaves the previous state, never half a file.
   */
  saveLast(board: Board, panels: PanelSettings): Promise<void> {
    const copy = { scope: { ...panels.scope }, specan: { ...panels.specan }, na: { ...panels.na }, ...(panels.waterfall ? { waterfall: { ...panels.waterfall } } : {}) };
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        await mkdir(this.dir, { recursive: true });
        const tmp = `${this.lastStatePath}.tmp`;
        await writeFile(tmp, '');
        await saveProfile(tmp, await this.snapshot(board, copy));
        await rename(tmp, this.lastStatePath);
      });
    return this.writing;
  }
}
