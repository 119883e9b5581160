import { Observable, defer, map } from 'rxjs';
import { SettingsError, type SamplerDriver } from '@labrx/core';
import { DSP_SIGNALS, samplerAddress, registerDecl, type DspSignal } from '../map/registerMap.js';
import { decodeField } from '../map/fieldCodec.js';
import type { RegisterPort } from './PyrplPids.js';

const SIGNALS: readonly DspSignal[] = (Object.keys(DSP_SIGNALS) as DspSignal[]).filter((s) => s !== 'off');

/**
 * PyRPL's sampler (sampler.py:84-90): the momentary value of any DSP signal, read from its module's
 * `signal` register (+0x10), 14-bit signed, divided by 2^13 − 1 as PyRPL does. One read per sample.
 */
export class PyrplSampler implements SamplerDriver {
  readonly signals: readonly string[] = SIGNALS;

  constructor(private readonly port: RegisterPort) {}

  sample(signal: string): Observable<number> {
    return defer(() => {
      if (!(SIGNALS as readonly string[]).includes(signal)) throw new SettingsError('sampler', 'signal', signal, `one of ${SIGNALS.join(', ')}`);
      const field = registerDecl('dsp.in1', 'signal').field!;
      return this.port.read$(samplerAddress(signal as DspSignal), 1).pipe(map((w) => decodeField(field, w[0]!) as number));
    });
  }
}
