import test from 'ava';
import { SettingsError } from '@labrx/core';
import { chain, delay, lowpass, resonator, wire, type Complex } from '@labrx/hw-sim';

const mag = (h: Complex) => Math.hypot(h.re, h.im);
const phaseDeg = (h: Complex) => (Math.atan2(h.im, h.re) * 180) / Math.PI;
// Closed-form checks evaluated in double precision: 1e-12 relative is hundreds of ulps of slack.
const close = (a: number, b: number, rel = 1e-12) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

test('resonator: |H| = gain and phase 0 at f0, gain/√2 and ∓45° at the −3 dB points, 0 at DC', (t) => {
  for (const [f0, q, gain] of [[1e6, 20, 0.5], [12.5e3, 0.7, 2], [30e6, 1000, 1]] as const) {
    const dut = resonator({ f0, q, gain });
    const h0 = dut.response(f0);
    t.true(close(mag(h0), gain) && Math.abs(phaseDeg(h0)) < 1e-9, `${dut.name} at f0`);
    const a = Math.sqrt(1 + 1 / (4 * q * q));
    const lo = dut.response(f0 * (a - 1 / (2 * q)));
    const hi = dut.response(f0 * (a + 1 / (2 * q)));
    t.true(close(mag(lo), gain / Math.SQRT2, 1e-9) && close(mag(hi), gain / Math.SQRT2, 1e-9), `${dut.name} −3 dB`);
    // below resonance the band-pass leads (+45°), above it lags (−45°)
    t.true(close(phaseDeg(lo), 45, 1e-9) && close(phaseDeg(hi), -45, 1e-9));
    t.deepEqual(dut.response(0), { re: 0, im: 0 });
  }
  t.is(resonator({ f0: 1, q: 1 }).response(1).re, 1, 'gain defaults to 1');
});

test('lowpass: Butterworth of orders 1…8 is −3 dB at the cutoff, flat at DC, and falls 20·n dB/decade', (t) => {
  for (let order = 1; order <= 8; order++) {
    const fc = 20e3;
    const dut = lowpass({ cutoff: fc, order });
    t.true(close(mag(dut.response(fc)), Math.SQRT1_2, 1e-12), `order ${order} at cutoff: ${mag(dut.response(fc))}`);
    t.true(close(dut.response(0).re, 1) && Math.abs(dut.response(0).im) < 1e-15);
    // |H|² = 1/(1 + (f/fc)^(2n)) at any f
    for (const f of [fc / 7, fc * 3.3, fc * 100]) t.true(close(mag(dut.response(f)) ** 2, 1 / (1 + (f / fc) ** (2 * order)), 1e-9), `order ${order} at ${f} Hz`);
    // the phase at the cutoff is −45°·n (each pole pair contributes its share)
    const diff = phaseDeg(dut.response(fc)) + 45 * order;
    t.true(Math.abs(diff - 360 * Math.round(diff / 360)) < 1e-9, `order ${order} phase ${phaseDeg(dut.response(fc))}`);
  }
  const h = lowpass({ cutoff: 1e3 }).response(2e3); // order 1: 1/(1 + 2j) = (1 − 2j)/5
  t.true(close(h.re, 0.2) && close(h.im, -0.4));
});

test('delay: |H| = 1 and the phase slope is −360°·τ per Hz', (t) => {
  const tau = 37e-9;
  const dut = delay({ seconds: tau });
  for (const f of [0, 1e3, 1e6, 13.3e6, 62.5e6]) {
    const h = dut.response(f);
    t.true(close(mag(h), 1));
    const expected = -2 * Math.PI * f * tau;
    const diff = Math.atan2(h.im, h.re) - expected;
    t.true(Math.abs(diff - 2 * Math.PI * Math.round(diff / (2 * Math.PI))) < 1e-9, `at ${f} Hz`);
  }
  // slope measured numerically between two close frequencies
  const f1 = 1e6, f2 = 1e6 + 1e3;
  const dphi = Math.atan2(dut.response(f2).im, dut.response(f2).re) - Math.atan2(dut.response(f1).im, dut.response(f1).re);
  t.true(close(dphi / (2 * Math.PI * (f2 - f1)), -tau, 1e-6));
});

test('wire is H = 1 and chain multiplies responses', (t) => {
  t.deepEqual(wire().response(1e6), { re: 1, im: 0 });
  const a = lowpass({ cutoff: 1e6, order: 2 });
  const b = resonator({ f0: 2e6, q: 3, gain: 0.5 });
  const c = delay({ seconds: 10e-9 });
  const ch = chain(a, b, c);
  for (const f of [1e5, 1.5e6, 2e6, 9e6]) {
    const ha = a.response(f), hb = b.response(f), hc = c.response(f);
    const ab = { re: ha.re * hb.re - ha.im * hb.im, im: ha.re * hb.im + ha.im * hb.re };
    const abc = { re: ab.re * hc.re - ab.im * hc.im, im: ab.re * hc.im + ab.im * hc.re };
    const h = ch.response(f);
    t.true(close(h.re, abc.re) && close(h.im, abc.im));
  }
  t.deepEqual(chain().response(5), { re: 1, im: 0 });
  t.regex(ch.name, /lowpass.*resonator.*delay/);
});

test('bad DUT parameters throw SettingsError naming the parameter', (t) => {
  const cases: Array<[() => unknown, string]> = [
    [() => resonator({ f0: 1e6, q: 0 }), 'q'],
    [() => resonator({ f0: 1e6, q: -2 }), 'q'],
    [() => resonator({ f0: 0, q: 10 }), 'f0'],
    [() => resonator({ f0: 1e6, q: 10, gain: NaN }), 'gain'],
    [() => lowpass({ cutoff: 0 }), 'cutoff'],
    [() => lowpass({ cutoff: -5 }), 'cutoff'],
    [() => lowpass({ cutoff: 1e3, order: 0 }), 'order'],
    [() => lowpass({ cutoff: 1e3, order: 9 }), 'order'],
    [() => lowpass({ cutoff: 1e3, order: 2.5 }), 'order'],
    [() => delay({ seconds: -1e-9 }), 'seconds'],
    [() => delay({ seconds: Infinity }), 'seconds'],
  ];
  for (const [make, setting] of cases) {
    const e = t.throws(make, { instanceOf: SettingsError });
    t.is(e?.setting, setting);
  }
});
