import { readFile, writeFile } from 'node:fs/promises';
import { Document, isMap, parseDocument, type YAMLMap } from 'yaml';
import { ProfileError, type BoardProfile } from '@labrx/instruments';

/**
 * Writes `profile` (from `rp.snapshot()`) to the YAML file `path`. When the file exists, it is read as
 * a YAML Document and updated in place (values set, settings no longer in the profile removed), so
 * the user's comments and key order survive; otherwise a new file is written. Number arrays (an
 * arbitrary waveform's `data`) are written on one line. See docs/decisions/0015-profiles.md.
 *
 * @example
 * await saveProfile('bench.yaml', await rp.snapshot());
 */
export async function saveProfile(path: string, profile: BoardProfile): Promise<void> {
  let existing: string | undefined;
  try {
    existing = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const doc = existing === undefined ? undefined : parseDocument(existing);
  if (doc && doc.errors.length === 0 && isMap(doc.contents)) {
    updateMap(doc, doc.contents, [], profile as unknown as Record<string, unknown>);
    await writeFile(path, doc.toString());
    return;
  }
  const fresh = new Document();
  const root = fresh.createNode(profile) as YAMLMap;
  fresh.contents = root;
  flowArrays(fresh, root, []);
  fresh.commentBefore = ' labrx board profile: load with loadProfile() and rp.restore(), or `labrx scope --profile FILE`';
  await writeFile(path, fresh.toString());
}

/** Sets every value of `value` under `at` in place (keeping comments on unchanged keys) and removes keys it no longer has. */
function updateMap(doc: Document, node: YAMLMap, at: readonly unknown[], value: Record<string, unknown>): void {
  for (const item of [...node.items]) {
    const key = (item.key as { value?: unknown } | null)?.value ?? item.key;
    if (!Object.hasOwn(value, String(key))) doc.deleteIn([...at, key]);
  }
  for (const [k, v] of Object.entries(value)) {
    const child = doc.getIn([...at, k], true);
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && isMap(child)) updateMap(doc, child, [...at, k], v as Record<string, unknown>);
    else doc.setIn([...at, k], Array.isArray(v) ? flowNode(doc, v) : v);
  }
}

const flowNode = (doc: Document, v: unknown[]) => doc.createNode(v, { flow: true });

function flowArrays(doc: Document, node: YAMLMap, at: readonly unknown[]): void {
  for (const item of node.items) {
    const key = (item.key as { value?: unknown }).value;
    if (isMap(item.value)) flowArrays(doc, item.value, [...at, key]);
    else if (item.value && typeof item.value === 'object' && 'items' in item.value) (item.value as { flow?: boolean }).flow = true;
  }
}

/**
 * Reads a profile written by `saveProfile` (or by hand) from the YAML file `path`, as plain data for
 * `rp.restore()`, which validates it. Throws `ProfileError` when the file is not YAML or not a mapping.
 */
export async function loadProfile(path: string): Promise<BoardProfile> {
  const doc = parseDocument(await readFile(path, 'utf8'));
  if (doc.errors.length > 0) {
    throw new ProfileError([{ instrument: '(file)', setting: path, value: undefined, allowed: `valid YAML (${doc.errors[0]!.message})`, text: `${path}: not valid YAML: ${doc.errors[0]!.message}` }]);
  }
  let data: unknown;
  try {
    // the yaml library refuses documents whose aliases would expand past its limit (alias bombs)
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const message = (error as Error).message;
    throw new ProfileError([{ instrument: '(file)', setting: path, value: undefined, allowed: `a profile without excessive aliases (${message})`, text: `${path}: not a usable profile: ${message}` }]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ProfileError([{ instrument: '(file)', setting: path, value: data, allowed: 'a mapping with schema and module settings', text: `${path}: not a mapping with schema and module settings` }]);
  }
  return data as BoardProfile;
}
