/**
 * The PID gains that give a loop its designed shape (PyRPL's `OutputSignal._setup_pid_lock`):
 * the loop's gain outside the PID is `slope · actuatorGain` (input volts per output volt: the
 * input's calibrated slope in V per setpoint unit at the setpoint, times the actuator's setpoint
 * units per volt), and the PID's integrator unity-gain frequency `i` (Hz) and proportional gain `p`
 * are the loop's, divided by it and scaled by the stage's gain factor:
 *
 *   i = −unityGainHz · gainFactor / (slope · actuatorGain),   p = −proportionalGain · gainFactor / (slope · actuatorGain)
 *
 * so that with p = 0 the open loop is 2π·unityGainHz / (j·2π·f): an integrator crossing unity at
 * `unityGainHz`. The FPGA's PID error is input − setpoint (red_pitaya_pid_block.v: a positive gain
 * raises the output with the input), hence the minus: negative feedback whatever the slope's sign.
 * A negative `gainFactor` makes positive feedback. Returns null when the external gain is zero (no slope at the setpoint:
 * a transmission peak can be sat on but not locked to).
 */
export function pidGains(p: {
  /** V per setpoint unit */ slope: number;
  /** setpoint units per V */ actuatorGain: number;
  /** Hz */ unityGainHz: number;
  /** dimensionless loop P */ proportionalGain: number;
  gainFactor: number;
}): { readonly p: number; readonly i: number; readonly externalGain: number } | null {
  const externalGain = p.slope * p.actuatorGain;
  if (!(Number.isFinite(externalGain) && Math.abs(externalGain) > 1e-12)) return null;
  return { p: -(p.proportionalGain * p.gainFactor) / externalGain, i: -(p.unityGainHz * p.gainFactor) / externalGain, externalGain };
}
