import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { spectrogramProblem, type Spectrogram } from '@labrx/core';
import { boardSnapshot, type BoardSnapshot, type CatalogueBoard } from './boardSnapshot.js';
import { CatalogueError } from './CatalogueError.js';
import { defaultCataloguePath } from './defaultCataloguePath.js';
import { parseFloats, stringifyFloats } from './floatJson.js';
import { CATALOGUE_KINDS, INSTRUMENT_OF_KIND, decodeRun, encodeRun, type CatalogueKind, type CatalogueLoaded, type CatalogueResult } from './resultCodec.js';

/** What `save` records beside the result. */
export interface SaveOptions {
  /** A name for people (default none). */
  readonly label?: string;
  /** Tags to find the run by (duplicates are kept once). */
  readonly tags?: readonly string[];
  /** The board it was measured on: identity, driver, settings and, for a simulator, how to remake it. */
  readonly board?: CatalogueBoard;
  /** A snapshot already taken (instead of `board`). */
  readonly snapshot?: BoardSnapshot;
  /** The instrument that made it (default by kind: scope, specan, na). */
  readonly instrument?: string;
  /** When it was measured, ms since the Unix epoch (default: the wall clock at saving). */
  readonly createdMs?: number;
}

/** What `find` selects; every field given must match (AND). */
export interface FindQuery {
  /** 'scope', 'specan', 'na', or the instrument given at saving. */
  readonly instrument?: string;
  /** Runs created at or after this time (a Date, or ms since the epoch). */
  readonly since?: Date | number;
  /** Runs created before this time. */
  readonly until?: Date | number;
  /** Runs carrying this tag. */
  readonly tag?: string;
  /** Runs with exactly this label. */
  readonly label?: string;
  /** Result kind. */
  readonly kind?: CatalogueKind;
  /** At most this many runs, newest first (default all). */
  readonly limit?: number;
}

/** One catalogued run without its arrays (what `find` lists). */
export interface RunSummary {
  readonly id: number;
  readonly kind: CatalogueKind;
  readonly instrument: string;
  /** ms since the Unix epoch. */
  readonly createdMs: number;
  readonly label: string | null;
  readonly tags: readonly string[];
  /** The board's id (`driver.id`), or null when no board was given. */
  readonly boardId: string | null;
  /** The driver's class name. */
  readonly driver: string | null;
  /** `info.model`. */
  readonly model: string | null;
  /** A simulated board's seed. */
  readonly seed: number | null;
  /** The software that saved it, e.g. 'labrx 0.1.0'. */
  readonly software: string;
  /** Samples per array. */
  readonly points: number;
}

/** A run read back whole: its summary, the result (equal to the one saved), settings and board snapshot. */
export type CatalogueRun = RunSummary & CatalogueLoaded & { readonly snapshot: BoardSnapshot | null };

/** Options of `openCatalogue`. */
export interface OpenCatalogueOptions {
  /** What saves are stamped with (default '@labrx/catalogue'); labrx passes 'labrx <version>'. */
  readonly software?: string;
  /** How long a write waits for another process's write to finish, ms (default 10000). */
  readonly busyTimeoutMs?: number;
  /** Open an existing file for reading only. */
  readonly readonly?: boolean;
}

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  instrument TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  label TEXT,
  board_id TEXT,
  driver TEXT,
  model TEXT,
  seed INTEGER,
  software TEXT NOT NULL,
  points INTEGER NOT NULL,
  scalars TEXT NOT NULL,
  settings TEXT NOT NULL,
  snapshot TEXT
);
CREATE INDEX IF NOT EXISTS runs_created ON runs (created_ms);
CREATE INDEX IF NOT EXISTS runs_instrument ON runs (instrument, created_ms);
CREATE INDEX IF NOT EXISTS runs_label ON runs (label);
CREATE TABLE IF NOT EXISTS run_tags (
  tag TEXT NOT NULL,
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  PRIMARY KEY (tag, run_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS run_tags_run ON run_tags (run_id);
CREATE TABLE IF NOT EXISTS run_arrays (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  sha256 BLOB NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (run_id, position)
);
`;

interface RunRow {
  id: number;
  kind: CatalogueKind;
  instrument: string;
  created_ms: number;
  label: string | null;
  board_id: string | null;
  driver: string | null;
  model: string | null;
  seed: number | null;
  software: string;
  points: number;
  tags: string | null;
}

/** The bytes of a Float64Array as stored: little-endian IEEE doubles (the platform's order on every target labrx runs on). */
function arrayBytes(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function epochMs(t: Date | number): number {
  return t instanceof Date ? t.getTime() : t;
}

/**
 * A run catalogue: an SQLite file (through better-sqlite3) holding every saved result with its
 * arrays bit-exact, settings, board snapshot, identity, timestamps, seed, software version, label
 * and tags. Writes are transactions in WAL mode: a process killed mid-write loses that write only,
 * and several processes may write the same file (each waits up to `busyTimeoutMs` for the others).
 * See docs/decisions/0013-run-catalogue.md. Open with `openCatalogue`; every call is synchronous.
 */
export class Catalogue {
  private readonly db: Database.Database;
  private readonly software: string;
  private readonly insertRun: Database.Statement;
  private readonly insertTag: Database.Statement;
  private readonly insertArray: Database.Statement;
  private readonly saveTx: (encoded: Parameters<Catalogue['saveEncoded']>[0]) => number;

  /** @internal use openCatalogue */
  constructor(
    /** The database file. */
    readonly path: string,
    options: OpenCatalogueOptions = {},
  ) {
    this.software = options.software ?? '@labrx/catalogue';
    try {
      if (!options.readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false, timeout: options.busyTimeoutMs ?? 10_000 });
    } catch (error) {
      throw new CatalogueError(path, `cannot be opened: ${(error as Error).message}`, { cause: error });
    }
    try {
      this.db.pragma('foreign_keys = ON');
      if (!options.readonly) {
        // WAL: readers never block the writer and a commit is one append; NORMAL sync keeps every
        // commit through a process crash (the OS has the pages), only power loss can take the last ones.
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = NORMAL');
        const version = this.db.pragma('user_version', { simple: true }) as number;
        if (version > SCHEMA_VERSION) throw new CatalogueError(path, `was written by a newer labrx (schema ${version}; this one reads ${SCHEMA_VERSION})`);
        if (version < SCHEMA_VERSION) {
          this.db.transaction(() => {
            this.db.exec(SCHEMA);
            this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
          }).immediate();
        }
      }
    } catch (error) {
      this.db.close();
      if (error instanceof CatalogueError) throw error;
      throw new CatalogueError(path, `is not a usable catalogue: ${(error as Error).message}`, { cause: error });
    }
    this.insertRun = this.prepare(
      `INSERT INTO runs (kind, instrument, created_ms, label, board_id, driver, model, seed, software, points, scalars, settings, snapshot)
       VALUES (@kind, @instrument, @created_ms, @label, @board_id, @driver, @model, @seed, @software, @points, @scalars, @settings, @snapshot)`,
    );
    this.insertTag = this.prepare('INSERT OR IGNORE INTO run_tags (tag, run_id) VALUES (?, ?)');
    this.insertArray = this.prepare('INSERT INTO run_arrays (run_id, position, name, sha256, data) VALUES (?, ?, ?, ?, ?)');
    const tx = this.db.transaction((encoded: Parameters<Catalogue['saveEncoded']>[0]) => this.saveEncoded(encoded));
    // IMMEDIATE: take the write lock at BEGIN, so two writers queue on the busy timeout instead of
    // one failing with SQLITE_BUSY when it upgrades a read lock.
    this.saveTx = (encoded) => tx.immediate(encoded);
  }

  private prepare(sql: string): Database.Statement {
    try {
      return this.db.prepare(sql);
    } catch (error) {
      // A read-only handle on a file without the schema: statements are prepared lazily there.
      return new Proxy({} as Database.Statement, {
        get: () => () => {
          throw new CatalogueError(this.path, `is not a catalogue: ${(error as Error).message}`, { cause: error });
        },
      });
    }
  }

  /**
   * Saves a result with what is known about it; returns its id. One transaction: after a crash the
   * run is either all there or not there at all.
   * @throws CatalogueError when `result` is not a Trace, Spectrum, FrequencyResponse or (well-formed) Spectrogram
   */
  save(result: CatalogueResult, options: SaveOptions = {}): number {
    const encoded = encodeRun(result);
    if (!encoded) throw new CatalogueError(this.path, 'can keep a Trace, Spectrum, FrequencyResponse or Spectrogram only');
    const problem = encoded.kind === 'spectrogram' ? spectrogramProblem(result as Spectrogram) : null;
    if (problem !== null) throw new CatalogueError(this.path, `cannot keep this spectrogram: ${problem}`);
    const snapshot = options.snapshot ?? (options.board ? boardSnapshot(options.board) : null);
    return this.saveTx({ encoded, snapshot, options });
  }

  private saveEncoded({ encoded, snapshot, options }: { encoded: NonNullable<ReturnType<typeof encodeRun>>; snapshot: BoardSnapshot | null; options: SaveOptions }): number {
    const info = this.insertRun.run({
      kind: encoded.kind,
      instrument: options.instrument ?? INSTRUMENT_OF_KIND[encoded.kind],
      created_ms: options.createdMs ?? Date.now(), // labrx-allow-wallclock: a catalogue entry is stamped with the calendar time
      label: options.label ?? null,
      board_id: snapshot?.id ?? null,
      driver: snapshot?.driver ?? null,
      model: snapshot?.model ?? null,
      seed: snapshot?.sim?.seed ?? null,
      software: this.software,
      points: encoded.arrays[0]?.values.length ?? 0,
      scalars: stringifyFloats(encoded.scalars),
      settings: stringifyFloats(encoded.settings),
      snapshot: snapshot ? stringifyFloats(snapshot) : null,
    });
    const id = Number(info.lastInsertRowid);
    for (const tag of options.tags ?? []) this.insertTag.run(tag, id);
    encoded.arrays.forEach((a, position) => {
      const bytes = arrayBytes(a.values);
      this.insertArray.run(id, position, a.name, sha256(bytes), bytes);
    });
    return id;
  }

  /** The runs that match `query`, newest first, without their arrays. */
  find(query: FindQuery = {}): RunSummary[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.instrument !== undefined) (where.push('r.instrument = ?'), params.push(query.instrument));
    if (query.kind !== undefined) (where.push('r.kind = ?'), params.push(query.kind));
    if (query.label !== undefined) (where.push('r.label = ?'), params.push(query.label));
    if (query.since !== undefined) (where.push('r.created_ms >= ?'), params.push(epochMs(query.since)));
    if (query.until !== undefined) (where.push('r.created_ms < ?'), params.push(epochMs(query.until)));
    if (query.tag !== undefined) (where.push('r.id IN (SELECT run_id FROM run_tags WHERE tag = ?)'), params.push(query.tag));
    const limit = query.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(query.limit))}` : '';
    const sql = `SELECT r.id, r.kind, r.instrument, r.created_ms, r.label, r.board_id, r.driver, r.model, r.seed, r.software, r.points,
        (SELECT json_group_array(tag) FROM run_tags t WHERE t.run_id = r.id) AS tags
      FROM runs r ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.created_ms DESC, r.id DESC${limit}`;
    return (this.db.prepare(sql).all(...params) as RunRow[]).map(summary);
  }

  /**
   * Reads a run back: the result equal to the one saved (arrays bit for bit), its summary and board snapshot.
   * @throws CatalogueError for an unknown id or an array whose checksum does not match
   */
  load(id: number): CatalogueRun {
    const row = this.db
      .prepare(
        `SELECT r.*, (SELECT json_group_array(tag) FROM run_tags t WHERE t.run_id = r.id) AS tags FROM runs r WHERE r.id = ?`,
      )
      .get(id) as (RunRow & { scalars: string; settings: string; snapshot: string | null }) | undefined;
    if (!row) throw new CatalogueError(this.path, `has no run ${id}`);
    if (!(CATALOGUE_KINDS as readonly string[]).includes(row.kind)) throw new CatalogueError(this.path, `run ${id} is of an unknown kind '${row.kind}'`);
    const arrays = (this.db.prepare('SELECT name, sha256, data FROM run_arrays WHERE run_id = ? ORDER BY position').all(id) as { name: string; sha256: Buffer; data: Buffer }[]).map((a) => {
      if (!sha256(a.data).equals(a.sha256)) throw new CatalogueError(this.path, `run ${id}: array '${a.name}' is damaged (its SHA-256 does not match)`);
      if (a.data.byteLength % 8 !== 0) throw new CatalogueError(this.path, `run ${id}: array '${a.name}' has ${a.data.byteLength} bytes, not whole doubles`);
      // Copy into an ArrayBuffer of its own: aligned, and not shared with SQLite's buffer.
      const values = new Float64Array(a.data.byteLength / 8);
      new Uint8Array(values.buffer).set(a.data);
      return { name: a.name, values };
    });
    const loaded = decodeRun({ kind: row.kind, arrays, scalars: parseFloats(row.scalars) as Record<string, unknown>, settings: parseFloats(row.settings) });
    const problem = loaded.kind === 'spectrogram' ? spectrogramProblem(loaded.result) : null;
    if (problem !== null) throw new CatalogueError(this.path, `run ${id} is damaged: ${problem}`);
    return { ...summary(row), ...loaded, snapshot: row.snapshot === null ? null : (parseFloats(row.snapshot) as BoardSnapshot) };
  }

  /** Deletes a run (arrays and tags with it); returns false when there was none. */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }

  /** Runs in the catalogue. */
  get count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
  }

  /** Runs `fn` in one transaction (many saves in one commit are much faster than one commit each). */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** `PRAGMA integrity_check`: 'ok', or SQLite's list of problems. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('\n');
  }

  /** Closes the file (checkpointing the WAL into it); further calls throw. Idempotent. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

function summary(row: RunRow): RunSummary {
  return {
    id: row.id,
    kind: row.kind,
    instrument: row.instrument,
    createdMs: row.created_ms,
    label: row.label,
    tags: row.tags ? (JSON.parse(row.tags) as string[]).sort() : [],
    boardId: row.board_id,
    driver: row.driver,
    model: row.model,
    seed: row.seed,
    software: row.software,
    points: row.points,
  };
}

/**
 * Opens (creating it if needed) the run catalogue at `path`, by default
 * `$XDG_DATA_HOME/labrx/runs.sqlite` (`~/.local/share/labrx/runs.sqlite`).
 *
 * @example
 * const catalogue = openCatalogue('lab.sqlite');
 * const id = catalogue.save(await rp.scope.single(), { label: 'ringdown', tags: ['q-factor'], board: rp });
 * const same = catalogue.load(id).result;
 * catalogue.close();
 * @throws CatalogueError when the file cannot be opened or is not a catalogue
 */
export function openCatalogue(path: string = defaultCataloguePath(), options: OpenCatalogueOptions = {}): Catalogue {
  return new Catalogue(path, options);
}
