import * as core from '@labrx/core';
import * as instruments from '@labrx/instruments';

/**
 * An error as it crosses the thread boundary: its class name, message, stack and own fields (a
 * `SettingsError`'s `instrument`, `setting`, `value`, `allowed`; a `TimeoutError`'s `timeoutMs`, …).
 * Structured clone alone keeps only the message of a custom error and loses its class.
 */
export interface SerializedError {
  /** Class name ('SettingsError', 'TypeError', …); `revive` finds the class by it. */
  readonly name: string;
  readonly message: string;
  /** The stack where it was thrown, in the engine. */
  readonly stack: string | undefined;
  /** Own enumerable properties, each cloneable (others are replaced by their `String()`). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The `cause`, when there is one (errors serialised recursively, up to 4 deep). */
  readonly cause?: SerializedError | { readonly value: unknown };
}

type ErrorClass = { readonly prototype: Error; readonly name: string };

const BUILTIN: readonly ErrorClass[] = [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError];

const isErrorClass = (v: unknown): v is ErrorClass => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Error;

/**
 * Every error class the caller can rebuild, by name: the builtins and every error class exported by
 * `@labrx/core` and `@labrx/instruments` (`LockError`, `ProfileError`; found by walking their
 * exports, so an error class added there later crosses too).
 */
export const ERROR_CLASSES: ReadonlyMap<string, ErrorClass> = new Map<string, ErrorClass>([
  ...BUILTIN.map((c) => [c.name, c] as const),
  ...(Object.values(core) as unknown[]).filter(isErrorClass).map((c) => [c.name, c] as const),
  ...(Object.values(instruments) as unknown[]).filter(isErrorClass).map((c) => [c.name, c] as const),
]);

/** Marks where the caller's frames end and the engine's begin in a rebuilt error's stack. */
export const ENGINE_STACK_MARK = '    --- in the labrx engine thread ---';

const RESERVED = new Set(['name', 'message', 'stack', 'cause']);

/** Turns anything thrown in the engine into a cloneable description. */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: `non-Error thrown: ${describe(error)}`, stack: undefined, fields: { thrown: cloneable(error) } };
  }
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(error)) if (!RESERVED.has(key)) fields[key] = cloneable((error as unknown as Record<string, unknown>)[key]);
  const base = { name: error.name || error.constructor?.name || 'Error', message: error.message, stack: error.stack, fields };
  if (!('cause' in error) || error.cause === undefined) return base;
  const cause = error.cause instanceof Error && depth < 4 ? serializeError(error.cause, depth + 1) : { value: cloneable(error.cause) };
  return { ...base, cause };
}

/**
 * Rebuilds an engine error on the caller side as an instance of the same class (`instanceof
 * SettingsError` holds, `setting`/`value`/`allowed` are there) whose stack is the caller's frames
 * followed by the engine's. Classes the caller does not know become an `Error` with the same `name`.
 *
 * @param s what `serializeError` made in the engine
 * @param callerStack `stack` of an Error made where the blocking call was made (its first line is dropped)
 */
export function reviveError(s: SerializedError, callerStack?: string): Error {
  const cls = ERROR_CLASSES.get(s.name) ?? Error;
  const e = Object.create(cls.prototype) as Error & Record<string, unknown>;
  Object.defineProperty(e, 'message', { value: s.message, writable: true, configurable: true, enumerable: false });
  if (cls.prototype.name !== s.name) e.name = s.name;
  for (const [k, v] of Object.entries(s.fields)) e[k] = v;
  if (s.cause) {
    const cause = 'value' in s.cause ? s.cause.value : reviveError(s.cause);
    Object.defineProperty(e, 'cause', { value: cause, writable: true, configurable: true, enumerable: false });
  }
  const callerFrames = callerStack ? callerStack.split('\n').slice(1).join('\n') : '';
  const engineFrames = s.stack ? s.stack.split('\n').filter((l) => /^\s+at /.test(l)).join('\n') : '';
  const stack = [`${s.name}: ${s.message}`, callerFrames, engineFrames && ENGINE_STACK_MARK, engineFrames].filter(Boolean).join('\n');
  Object.defineProperty(e, 'stack', { value: stack, writable: true, configurable: true, enumerable: false });
  return e;
}

function cloneable(v: unknown): unknown {
  if (v === null || typeof v !== 'object' && typeof v !== 'function') return v;
  try {
    return structuredClone(v);
  } catch {
    return describe(v);
  }
}

function describe(v: unknown): string {
  try {
    return typeof v === 'function' ? `[function ${v.name || 'anonymous'}]` : String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}
