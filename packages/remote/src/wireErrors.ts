import * as core from '@labrx/core';
import { BadRequestError } from './BadRequestError.js';
import type { WireError } from './wireFrames.js';

type ErrorClass = { readonly prototype: Error; readonly name: string };
const isErrorClass = (v: unknown): v is ErrorClass => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Error;

/** Error classes a client rebuilds by name: every one `@labrx/core` exports, and `BadRequestError`. */
const CLASSES: ReadonlyMap<string, ErrorClass> = new Map<string, ErrorClass>([
  ...(Object.values(core) as unknown[]).filter(isErrorClass).map((c) => [c.name, c] as const),
  [BadRequestError.name, BadRequestError],
]);

/** Describes anything thrown for the wire (own fields kept when JSON-safe). */
export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { code: 'Error', message: String(error) };
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    const v = (error as unknown as Record<string, unknown>)[key];
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) fields[key] = v;
    else if (ArrayBuffer.isView(v)) fields[key] = `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
  }
  return { code: error instanceof core.LabrxError ? error.code : error.name || 'Error', message: error.message, fields };
}

/**
 * Rebuilds an error from the wire as an instance of its class when labrx knows it (so `instanceof
 * ResourceBusyError` holds and `holder` is there), otherwise an `Error` with that name. The message
 * says it came from the board server `origin`.
 */
export function fromWireError(w: WireError, origin: string): Error {
  const cls = CLASSES.get(String(w.code));
  // a real Error (the engine's error checks hold), given the class's prototype
  const error = new Error(String(w.message));
  if (cls) Object.setPrototypeOf(error, cls.prototype);
  Object.assign(error, w.fields ?? {});
  Object.defineProperty(error, 'message', { value: String(w.message), writable: true, configurable: true });
  Object.defineProperty(error, 'name', { value: String(w.code), writable: true, configurable: true });
  Object.defineProperty(error, 'stack', { value: `${String(w.code)}: ${String(w.message)}\n    at board server ${origin}`, writable: true, configurable: true });
  return error;
}
