import { firstValueFrom } from 'rxjs';
import { formatSettingValue, SettingsError, ASG_SETTINGS, IQ_MODULE_SETTINGS, NA_SETTINGS, PID_SETTINGS, SCOPE_SETTINGS, SPECAN_SETTINGS, type AnySettingDeclaration, type BoardInfo, type IqModuleSettings, type PidSettings, type SettingsKind, type SettingsTable } from '@labrx/core';
import type { Asg } from '../Asg.js';
import type { Iq } from '../Iq.js';
import type { Lockbox } from '../lockbox/Lockbox.js';
import { LockError } from '../lockbox/LockError.js';
import { plainLockboxConfig, type LockboxConfig } from '../lockbox/lockboxSettings.js';
import type { LeaseManager } from '../leases/LeaseManager.js';
import type { NetworkAnalyzer } from '../NetworkAnalyzer.js';
import type { Pid } from '../Pid.js';
import type { Scope } from '../Scope.js';
import type { SpectrumAnalyzer } from '../SpectrumAnalyzer.js';
import { ProfileError, type ProfileProblem } from './ProfileError.js';

/**
 * Version of the profile layout written by `snapshotBoard` and accepted by `restoreBoard`. Sections
 * added later as optional ones (`iq0`…`iq2`, `lockbox`) keep it: a profile without them restores as
 * before (the modules it does not name are not touched), so schema 1 files of any labrx still load.
 */
export const PROFILE_SCHEMA = 1;

/** One module's settings as plain JSON-able data (numbers, strings, booleans, number arrays). */
export type ProfileModule = Record<string, unknown>;

/**
 * Every module's settings of a board as plain data (docs/decisions/0009-declared-parameters.md):
 * the acquiring instruments' defaults, the generators', PIDs' and IQ modules' settings in force, and
 * the lockbox's configuration (docs/decisions/0015-profiles.md).
 */
export interface BoardProfile {
  /** Layout version (`PROFILE_SCHEMA`). */
  readonly schema: number;
  /** The board it was taken from (informational; not checked on restore). */
  readonly board?: { readonly id: string; readonly model: string };
  readonly scope?: ProfileModule;
  readonly specan?: ProfileModule;
  readonly na?: ProfileModule;
  readonly asg0?: ProfileModule;
  readonly asg1?: ProfileModule;
  readonly pid0?: ProfileModule;
  readonly pid1?: ProfileModule;
  readonly pid2?: ProfileModule;
  /** IQ modules as continuous demodulators (`IQ_MODULE_SETTINGS`), on boards that can configure them (`iq0.configurable`). */
  readonly iq0?: ProfileModule;
  readonly iq1?: ProfileModule;
  readonly iq2?: ProfileModule;
  /**
   * The lockbox's configuration in force (`plainLockboxConfig`: every setting explicit), on boards
   * with a lockbox once one is configured. Restoring it configures the lockbox; it does not lock.
   */
  readonly lockbox?: LockboxConfig;
  /**
   * Settings of the studio's panels that are no board module (`waterfall`: the waterfall's form),
   * written by the studio; `restore` checks that it is a mapping and leaves it to the studio.
   */
  readonly studio?: Readonly<Record<string, ProfileModule>>;
}

/** What snapshot and restore use of a board (the `Board` class; kept structural so `Board.ts` can import this file). */
export interface ProfileBoard {
  readonly id: string;
  readonly info: BoardInfo;
  readonly leases: LeaseManager;
  readonly scope: Scope;
  readonly specan: SpectrumAnalyzer;
  readonly na: NetworkAnalyzer;
  readonly asg0: Asg;
  readonly asg1: Asg;
  readonly pid0?: Pid;
  readonly pid1?: Pid;
  readonly pid2?: Pid;
  readonly iq0: Iq;
  readonly iq1: Iq;
  readonly iq2: Iq;
  readonly lockbox: Lockbox;
}

type AnyKind = SettingsKind<SettingsTable>;
const ACQUIRING = { scope: SCOPE_SETTINGS, specan: SPECAN_SETTINGS, na: NA_SETTINGS } as unknown as Record<'scope' | 'specan' | 'na', AnyKind>;
const GENERATORS = ['asg0', 'asg1'] as const;
const PIDS = ['pid0', 'pid1', 'pid2'] as const;
const IQS = ['iq0', 'iq1', 'iq2'] as const;
/** A resolved settings object as plain data: typed arrays become number arrays, null/undefined are left out. */
export function toPlainSettings(settings: object): ProfileModule {
  const out: ProfileModule = {};
  for (const [k, v] of Object.entries(settings)) {
    if (v === null || v === undefined) continue;
    out[k] = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
  }
  return out;
}

/**
 * Every module's settings of `board` as plain JSON-able data (see `BoardProfile`); reads the PIDs and
 * the configurable IQ modules back. Modules the board lacks are left out, and so is the lockbox
 * before it is configured.
 */
export async function snapshotBoard(board: ProfileBoard): Promise<BoardProfile> {
  const profile: Record<string, unknown> = { schema: PROFILE_SCHEMA, board: { id: board.id, model: board.info.model } };
  for (const name of ['scope', 'specan', 'na'] as const) profile[name] = toPlainSettings(board[name].settings);
  for (const name of GENERATORS) profile[name] = toPlainSettings(board[name].settings);
  for (const name of PIDS) {
    const pid = board[name];
    if (pid) profile[name] = toPlainSettings(await pid.get());
  }
  for (const name of IQS) if (board[name].configurable) profile[name] = toPlainSettings(await board[name].get());
  const lockbox = board.lockbox.available ? board.lockbox.config : null;
  if (lockbox) profile.lockbox = plainLockboxConfig(lockbox);
  return profile as unknown as BoardProfile;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

function problem(instrument: string, setting: string, value: unknown, allowed: string): ProfileProblem {
  return { instrument, setting, value, allowed, text: `${instrument}.${setting} = ${formatSettingValue(value)}: ${allowed}` };
}

/** Checks every setting of one declared module; resolves the whole over the declaration's defaults when each setting passes. */
function checkDeclared(kind: AnyKind, name: string, given: Record<string, unknown>, board: ProfileBoard, problems: ProfileProblem[]): object | undefined {
  const rules = kind.rules(board.info) as unknown as Record<string, { check(v: unknown, i: string, s: string): unknown; allowed: string }>;
  const table = kind.table as Record<string, AnySettingDeclaration>;
  const before = problems.length;
  for (const [key, value] of Object.entries(given)) {
    const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
    if (!rule || ('inputOnly' in table[key]! && table[key].inputOnly)) {
      problems.push(problem(name, key, value, `a known setting: ${kind.resolvedNames.join(', ')}`));
      continue;
    }
    try {
      rule.check(value, name, key);
    } catch (e) {
      if (!(e instanceof SettingsError)) throw e;
      problems.push(problem(name, e.setting, e.value, e.allowed));
    }
  }
  if (problems.length > before) return undefined;
  try {
    return kind.resolve(given, board.info, kind.defaults, name);
  } catch (e) {
    if (!(e instanceof SettingsError)) throw e;
    problems.push(problem(name, e.setting, e.value, e.allowed));
    return undefined;
  }
}

/** A problem for each part of the lockbox section that `lockbox.check` refuses (one: it stops at the first). */
function checkLockbox(board: ProfileBoard, given: Record<string, unknown>, problems: ProfileProblem[]): LockboxConfig | undefined {
  try {
    board.lockbox.check(given as unknown as LockboxConfig);
    return given as unknown as LockboxConfig;
  } catch (e) {
    if (e instanceof SettingsError) problems.push(problem(e.instrument, e.setting, e.value, e.allowed));
    else if (e instanceof LockError) problems.push(problem('lockbox', '(module)', given, 'an unlocked lockbox: unlock() before restoring its configuration (a restore configures, it does not lock)'));
    else throw e;
    return undefined;
  }
}

/** A problem when another pipeline leases `name` (the NA, the lockbox). */
function checkFree(board: ProfileBoard, name: string, given: unknown, what: string, problems: ProfileProblem[]): boolean {
  const holder = board.leases.holderOf(name);
  if (holder) problems.push(problem(name, '(module)', given, `a free ${what} (leased by ${holder.owner})`));
  return holder === undefined;
}

/**
 * Validates ALL of `profile` against the declarations (unknown modules and keys, a wrong schema,
 * modules leased by a running pipeline and a lockbox that is locked are problems too) and throws
 * `ProfileError` listing every problem before writing anything; then configures the lockbox (it does
 * not lock), sets the acquiring instruments' defaults and applies the generators', PIDs' and IQ
 * modules' settings. Each module given is restored whole: settings it leaves out take their declared
 * defaults. Modules the board lacks (PIDs and IQ modules on plain SCPI, the lockbox without PIDs) are
 * unknown modules there.
 */
export async function restoreBoard(board: ProfileBoard, profile: unknown): Promise<void> {
  const problems: ProfileProblem[] = [];
  if (!isPlainObject(profile)) throw new ProfileError([problem('(profile)', '(profile)', profile, 'an object with schema and module settings')]);
  if (profile.schema !== PROFILE_SCHEMA) throw new ProfileError([problem('(profile)', 'schema', profile.schema, `schema ${PROFILE_SCHEMA} (this labrx reads profiles of schema ${PROFILE_SCHEMA} only)`)]);
  const acquiring: [keyof typeof ACQUIRING, object][] = [];
  const generators: [(typeof GENERATORS)[number], object][] = [];
  const pids: [(typeof PIDS)[number], PidSettings][] = [];
  const iqs: [(typeof IQS)[number], IqModuleSettings][] = [];
  let lockbox: LockboxConfig | undefined;
  const known = [
    'schema',
    'board',
    'studio',
    'scope',
    'specan',
    'na',
    ...GENERATORS,
    ...PIDS.filter((p) => board[p]),
    ...IQS.filter((q) => board[q].configurable),
    ...(board.lockbox.available ? ['lockbox'] : []),
  ];
  for (const [name, given] of Object.entries(profile)) {
    if (!known.includes(name)) {
      problems.push(problem(name, '(module)', given, `a module of this board: ${known.slice(3).join(', ')}`));
      continue;
    }
    if (name === 'schema' || name === 'board') continue;
    if (!isPlainObject(given)) {
      problems.push(problem(name, '(settings)', given, 'a mapping of setting names to values'));
      continue;
    }
    // the studio's own panels: checked by the studio (StudioState), not a board module
    if (name === 'studio') continue;
    if (name === 'scope' || name === 'specan' || name === 'na') {
      const r = checkDeclared(ACQUIRING[name], name, given, board, problems);
      if (r) acquiring.push([name, r]);
    } else if (name === 'asg0' || name === 'asg1') {
      const r = checkDeclared(ASG_SETTINGS as unknown as AnyKind, name, given, board, problems);
      if (checkFree(board, name, given, 'generator', problems) && r) generators.push([name, r]);
    } else if (name === 'iq0' || name === 'iq1' || name === 'iq2') {
      // declared once (IQ_MODULE_SETTINGS, ranges from the board's info.iqModule)
      const r = checkDeclared(IQ_MODULE_SETTINGS as unknown as AnyKind, name, given, board, problems);
      if (checkFree(board, name, given, 'IQ module', problems) && r) iqs.push([name, r]);
    } else if (name === 'lockbox') {
      lockbox = checkLockbox(board, given, problems);
    } else {
      // declared once (PID_SETTINGS, ranges from the board's info.pid)
      const r = checkDeclared(PID_SETTINGS as unknown as AnyKind, name, given, board, problems);
      if (checkFree(board, name, given, 'PID', problems) && r) pids.push([name as (typeof PIDS)[number], r]);
    }
  }
  if (problems.length > 0) throw new ProfileError(problems);
  // synchronously after its check: no lock can start in between
  if (lockbox) board.lockbox.configure(lockbox);
  for (const [name, resolved] of acquiring) (board[name] as unknown as { setDefaults(s: object): unknown }).setDefaults(toPlainSettings(resolved));
  for (const [name, resolved] of generators) await firstValueFrom(board[name].apply$(resolved as never));
  for (const [name, settings] of pids) await board[name]!.set(settings);
  for (const [name, settings] of iqs) await board[name].set(settings);
}
