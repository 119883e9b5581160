"""An independent SCPI client drives labrx's simulated Red Pitaya: pyvisa with the pyvisa-py backend.

Usage: /usr/bin/python3 scpi_pyvisa.py <port>

Opens TCPIP::127.0.0.1::<port>::SOCKET with CRLF terminations (reference §5), reads *IDN?, sets
generator 1 to a 100 kHz, 0.5 V sine, acquires one trace triggered on its rising edge at 0.1 V,
reads it in ASCII and in BIN (big-endian float32), checks the tone with numpy, then checks the
error codes after bad commands. Exits 0 and prints a JSON summary when every check passes.
"""
import json
import sys
import time

import numpy as np
import pyvisa

PORT = int(sys.argv[1])
N = 16384
DEC = 8
FS = 125e6 / DEC
F_TONE = 100e3
AMPLITUDE = 0.5
LEVEL = 0.1


def check(condition, message):
    if not condition:
        raise AssertionError(message)


rm = pyvisa.ResourceManager("@py")
inst = rm.open_resource(f"TCPIP::127.0.0.1::{PORT}::SOCKET", read_termination="\r\n", write_termination="\r\n")
inst.timeout = 5000  # ms

idn = inst.query("*IDN?")
check(idn == "REDPITAYA,INSTR2025,,01-21", f"*IDN? -> {idn!r}")

# Generator 1: 100 kHz sine of 0.5 V peak on out1 (wired to in2, and through the DUT to in1)
for command in ["GEN:RST", "SOUR1:FUNC SINE", f"SOUR1:FREQ:FIX {F_TONE}", f"SOUR1:VOLT {AMPLITUDE}", "OUTPUT1:STATE ON", "SOUR1:TRig:INT"]:
    inst.write(command)
check(inst.query("SOUR1:FREQ:FIX?") == "100000", "frequency read back")

# One triggered acquisition, the way the official examples do it
for command in ["ACQ:RST", f"ACQ:DEC {DEC}", f"ACQ:TRig:LEV {LEVEL}", "ACQ:TRig:DLY 0", "ACQ:START", "ACQ:TRig CH2_PE"]:
    inst.write(command)
deadline = time.monotonic() + 10
while inst.query("ACQ:TRig:STAT?") != "TD":
    check(time.monotonic() < deadline, "no trigger within 10 s")
while inst.query("ACQ:TRig:FILL?") != "1":
    check(time.monotonic() < deadline, "buffer not filled within 10 s")

ascii_trace = inst.query_ascii_values("ACQ:SOUR2:DATA?", separator=lambda s: s.strip("{}").split(","), container=np.array)
inst.write("ACQ:DATA:FORMAT BIN")
bin_trace = inst.query_binary_values("ACQ:SOUR2:DATA?", datatype="f", is_big_endian=True, container=np.array)
check(len(ascii_trace) == N and len(bin_trace) == N, f"lengths {len(ascii_trace)} {len(bin_trace)}")
# ASCII is %f of the same float32 samples: equal to 6 decimals
check(np.max(np.abs(ascii_trace - bin_trace)) <= 5e-7 * (1 + 1e-9), "ASCII and BIN traces differ")

# The tone: least-squares fit of sin/cos/1 at 100 kHz gives the amplitude; rising zero crossings
# (interpolated) over the whole buffer give the frequency.
t = (np.arange(N) - N // 2) / FS
design = np.column_stack([np.sin(2 * np.pi * F_TONE * t), np.cos(2 * np.pi * F_TONE * t), np.ones(N)])
(a, b, offset), *_ = np.linalg.lstsq(design, bin_trace.astype(float), rcond=None)
amplitude = float(np.hypot(a, b))
x = bin_trace.astype(float) - offset
rising = np.nonzero((x[:-1] < 0) & (x[1:] >= 0))[0]
crossings = rising + x[rising] / (x[rising] - x[rising + 1])
frequency = float((len(crossings) - 1) / ((crossings[-1] - crossings[0]) / FS))
# Noise 1e-7 V/sqrt(Hz) averaged to 15.6 MS/s: sigma ~ 2.8e-4 V, so the fitted amplitude errs by
# ~3e-6 V and each crossing by ~1e-9 s over ~100 periods; the 8-sample boxcar loses 7e-5 at 100 kHz.
check(abs(amplitude / AMPLITUDE - 1) < 0.01, f"amplitude {amplitude}")
check(abs(frequency / F_TONE - 1) < 0.001, f"frequency {frequency}")
# the trigger: the rising crossing of 0.1 V is at the middle of the buffer
check(bin_trace[N // 2 - 1] < LEVEL <= bin_trace[N // 2], f"trigger samples {bin_trace[N // 2 - 1]} {bin_trace[N // 2]}")

# Error codes after bad commands
inst.write("ACQ:FOO 1")
check(inst.query("*STB?") == "4", "STB shows queued errors")
err = inst.query("SYST:ERR?")
check(err == '-113,"Undefined header;ACQ:FOO 1"', f"undefined header -> {err!r}")
inst.write("SOUR1:FREQ:FIX 1e9")
err = inst.query("SYST:ERR?")
check(err == '9506,"*SOUR1:FREQ:FIX Failed to set frequency: Value out of range."', f"frequency out of range -> {err!r}")
check(inst.query("SYST:ERR?") == '0,"No error"', "queue empty")

# A failed query sends nothing: pyvisa times out (VI_ERROR_TMO) ...
inst.timeout = 300
timed_out = False
try:
    inst.query("ACQ:SOUR3:DATA?")
except pyvisa.errors.VisaIOError as e:
    timed_out = e.error_code == pyvisa.constants.StatusCode.error_timeout
check(timed_out, "a failed query should time out")
# ... unless RP:RET_ON_ERROR ON, which answers it with an empty line
inst.timeout = 5000
inst.write("RP:RET_ON_ERROR ON")
check(inst.query("ACQ:SOUR3:DATA?") == "", "RET_ON_ERROR empty reply")
check(inst.query("SYST:ERR:COUN?") == "2", "both failed queries queued their error")

inst.close()
rm.close()
print(json.dumps({"idn": idn, "amplitude": amplitude, "frequency": frequency, "ok": True}))
