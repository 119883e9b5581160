import type { ExecutionContext } from 'ava';
import { SettingsError } from '@labrx/core';

/** What a refused setting must report: the setting's name, the value given, what is allowed, and (optionally) where. */
export interface ExpectedSettingsError {
  readonly setting: string;
  readonly value: unknown;
  readonly allowed: RegExp;
  readonly instrument?: string;
}

/** Asserts that `e` is a SettingsError naming `expected.setting`, `expected.value` and what is allowed. */
export function assertSettingsError(t: ExecutionContext, e: unknown, expected: ExpectedSettingsError): void {
  t.true(e instanceof SettingsError, `${expected.setting}: ${String(e)}`);
  const se = e as SettingsError;
  if (expected.instrument !== undefined) t.is(se.instrument, expected.instrument);
  t.is(se.setting, expected.setting);
  t.deepEqual(se.value, expected.value);
  t.regex(se.allowed, expected.allowed);
}
