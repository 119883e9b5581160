import test from 'ava';
import { firstValueFrom, map, of } from 'rxjs';
import { LabrxError, SettingsError, toSpectrumUnit, type PowerSpectrumVpk2 } from '@labrx/core';
import { marbles } from '@labrx/core/testing';

/** A power spectrum: ch1 bins [DC, tone, …, Nyquist] in Vpk², rbw in Hz. */
function power(ch1: number[], ch2: number[] = [], rbw = 100, averages = 1): PowerSpectrumVpk2 {
  return {
    frequencies: Float64Array.from(ch1, (_, k) => k * 1000),
    ch1: Float64Array.from(ch1),
    ch2: Float64Array.from(ch2),
    rbw,
    window: 'hann',
    averages,
    decimation: 1,
    timestamp: 0,
  };
}

const SETTINGS = { span: 62.5e6 };

test('one spectrum per input, at its time; completes with the source and unsubscribes it', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const source = cold('-a--b-|', { a: power([0, 2, 0], [], 100, 3), b: power([1, 1, 1]) });
    const out = source.pipe(
      toSpectrumUnit('Vpk^2', SETTINGS),
      map((s) => ({ ch1: [...s.ch1], unit: s.unit, averages: s.averages, settings: s.settings })),
    );
    expectObservable(out).toBe('-A--B-|', {
      A: { ch1: [0, 2, 0], unit: 'Vpk^2', averages: 3, settings: SETTINGS },
      B: { ch1: [1, 1, 1], unit: 'Vpk^2', averages: 1, settings: SETTINGS },
    });
    expectSubscriptions(source.subscriptions).toBe('^-----!');
  }));

test('unsubscribed early, and errors: the source is unsubscribed; errors pass through unchanged', (t) =>
  marbles(t, ({ hot, cold, expectObservable, expectSubscriptions }) => {
    const source = hot('-a--a--a-|', { a: power([1, 1, 1]) });
    expectObservable(source.pipe(toSpectrumUnit('dBm', SETTINGS), map(() => 's')), '^---!').toBe('-s--');
    expectSubscriptions(source.subscriptions).toBe('^---!');
    const boom = new LabrxError('lost');
    const failing = cold('-a-#', { a: power([1, 1, 1]) }, boom);
    expectObservable(failing.pipe(toSpectrumUnit('dBm', SETTINGS), map(() => 's'))).toBe('-s-#', undefined, boom);
    expectSubscriptions(failing.subscriptions).toBe('^--!');
  }));

test('the units against hand calculation: a 1 V peak tone is 10 dBm into 50 Ω; densities divide by rbw; DC and Nyquist hold no factor ½', async (t) => {
  // bins: DC 0.04 Vpk² (a 0.2 V offset: Vrms² = 0.04), a 1 V peak tone (Vrms² = ½), Nyquist 0.09.
  const rbw = 250; // Hz
  const p = power([0.04, 1, 0.09], [], rbw);
  const get = async (unit: Parameters<typeof toSpectrumUnit>[0]) => [...(await firstValueFrom(of(p).pipe(toSpectrumUnit(unit, SETTINGS)))).ch1];
  const close = (actual: number[], expected: number[], what: string) =>
    t.true(actual.every((v, i) => Math.abs(v - expected[i]!) <= 1e-12 * Math.max(1, Math.abs(expected[i]!))), `${what}: ${actual} vs ${expected}`);
  close(await get('Vpk^2'), [0.04, 1, 0.09], 'Vpk^2');
  close(await get('Vrms^2/Hz'), [0.04 / rbw, 0.5 / rbw, 0.09 / rbw], 'Vrms^2/Hz');
  close(await get('Vrms/sqrt(Hz)'), [Math.sqrt(0.04 / rbw), Math.sqrt(0.5 / rbw), Math.sqrt(0.09 / rbw)], 'Vrms/sqrt(Hz)');
  // P = Vrms² / 50 Ω; dBm = 10·log10(P / 1 mW): ½ V² → 10 mW → 10 dBm
  close(await get('dBm'), [10 * Math.log10(0.04 / 0.05), 10, 10 * Math.log10(0.09 / 0.05)], 'dBm');
  close(await get('dBm/Hz'), [10 * Math.log10(0.04 / rbw / 0.05), 10 * Math.log10(0.5 / rbw / 0.05), 10 * Math.log10(0.09 / rbw / 0.05)], 'dBm/Hz');
});

test('results have new arrays (the averaged input is left alone); an empty channel stays empty', async (t) => {
  const p = power([0.04, 1, 0.09], []);
  const s = await firstValueFrom(of(p).pipe(toSpectrumUnit('dBm', SETTINGS)));
  t.not(s.ch1, p.ch1);
  t.deepEqual([...p.ch1], [0.04, 1, 0.09], 'input unchanged');
  t.is(s.ch2.length, 0);
  t.is(s.frequencies, p.frequencies, 'the frequency grid is shared (read-only)');
  t.is(s.rbw, p.rbw);
  t.is(s.window, 'hann');
});

test('an unknown unit throws SettingsError when the operator is created, before anything is subscribed', (t) => {
  const e = t.throws(() => toSpectrumUnit('dBV' as never, SETTINGS), { instanceOf: SettingsError });
  t.is(e?.setting, 'unit');
  t.is(e?.value, 'dBV');
  t.regex(e?.allowed ?? '', /'dBm'/);
});
