import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where another project's sources come from for an end-to-end test that runs that project's own code. */
export interface UpstreamSourcesOptions {
  /** Environment variable naming a checkout of the project (the directory `probe` is relative to). */
  readonly envVar: string;
  /** A git directory (a bare mirror) to extract from with `git archive` when the variable is unset. */
  readonly mirror: string;
  /** The commit to extract from the mirror (default HEAD). */
  readonly commit?: string;
  /** Paths inside the project to extract (folders or files). */
  readonly paths: readonly string[];
  /** A file, relative to the checkout, that must exist for the sources to count as there. */
  readonly probe: string;
}

/** A directory holding the project's sources, and how to remove it when it was extracted for the test. */
export interface UpstreamSources {
  /** The checkout's root (the directory `probe` is relative to). */
  readonly dir: string;
  /** Removes an extracted copy; does nothing for a checkout named by the environment. */
  cleanup(): void;
}

/**
 * Finds another project's sources for a test that runs them unmodified: a checkout named by
 * `envVar`, or else the files `git archive` extracts from `mirror` into a temporary directory. The
 * sources are never part of this repository. Returns null when neither is there (the caller skips,
 * naming the variable).
 */
export function upstreamSources(options: UpstreamSourcesOptions): UpstreamSources | null {
  const given = process.env[options.envVar];
  if (given) return existsSync(join(given, options.probe)) ? { dir: given, cleanup: () => undefined } : null;
  if (!existsSync(options.mirror)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'upstream-src-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const archive = spawnSync('git', ['-C', options.mirror, 'archive', options.commit ?? 'HEAD', ...options.paths], { maxBuffer: 256 * 1024 * 1024 });
  const untar = archive.status === 0 ? spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout }) : null;
  if (untar?.status !== 0 || !existsSync(join(dir, options.probe))) {
    cleanup();
    return null;
  }
  return { dir, cleanup };
}
