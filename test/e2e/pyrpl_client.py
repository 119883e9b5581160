"""PyRPL's own client code against labrx's simulated monitor_server.

Usage: python3 pyrpl_client.py PYRPL_SRC PORT
Prints one JSON object: a scope trace read with PyRPL's Scope and Asg classes over MonitorClient,
and an NA sweep by PyRPL's Iq.na_trace. The assertions are in test/e2e/pyrpl-client.test.ts.

PyRPL 0.9.6 targets older numpy/PyQt/pyqtgraph than Debian 12 ships; the shims below only restore
removed aliases so that PyRPL's modules import. PyRPL's source is used unmodified.
"""
import json
import os
import sys
import time
import types

src, port = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, src)

import numpy as np
for name, t in (('float', float), ('int', int), ('complex', complex), ('bool', bool)):
    if not hasattr(np, name):
        setattr(np, name, t)  # removed in numpy 1.24; PyRPL's scope and iq use them
from qtpy import QtCore
_set_interval = QtCore.QTimer.setInterval
QtCore.QTimer.setInterval = lambda self, ms: _set_interval(self, int(ms))  # PyQt5 ≥ 5.15 wants int ms
import pyqtgraph as pg
if not hasattr(pg, 'GraphicsWindow'):
    pg.GraphicsWindow = pg.GraphicsLayoutWidget  # removed in pyqtgraph 0.13
if 'quamash' not in sys.modules:
    # quamash (not in Debian) backs PyRPL's async helpers, which this script does not use
    import asyncio
    sys.modules['quamash'] = types.SimpleNamespace(QEventLoop=asyncio.new_event_loop)

from pyrpl.redpitaya_client import MonitorClient
from pyrpl.memory import MemoryTree
from pyrpl import hardware_modules as hm

client = MonitorClient('127.0.0.1', port)


class Board:
    """The parent a hardware module needs (what pyrpl.redpitaya.RedPitaya provides)."""
    name = 'redpitaya'
    frequency_correction = 1.0

    def __init__(self):
        self.client = client
        self.c = MemoryTree(None)


rp = Board()
out = {}

# --- a trace: asg0 plays a 100 kHz sine on out1, the scope reads in1 (through the DUT) and in2 ---
asg = hm.Asg0(rp, name='asg0')
asg.setup(waveform='sin', frequency=1e5, amplitude=0.5, offset=0, trigger_source='immediately')
asg.output_direct = 'out1'
scope = hm.Scope(rp, name='scope')
scope.input1 = 'in1'
scope.input2 = 'in2'
scope.decimation = 8
scope.average = True
scope.trigger_source = 'immediately'
scope._start_trace_acquisition()
deadline = time.time() + 5
time.sleep(scope.duration)
while not scope.curve_ready():
    if time.time() > deadline:
        raise RuntimeError('scope never finished')
    time.sleep(0.001)
ch1, ch2 = scope._get_trace()
out['trace'] = {'dt': scope.sampling_time, 'ch1': ch1.tolist(), 'ch2': ch2.tolist(), 'asg_frequency': asg.frequency}
asg.output_direct = 'off'

# --- an NA sweep with PyRPL's own lock-in routine on iq2 (the module excites out1 and demodulates in1) ---
iq = hm.Iq(rp, name='iq2')
x, y = iq.na_trace(start=0.95e6, stop=1.05e6, points=11, rbw=1000, avg=1.0, amplitude=0.2, input='in1',
                   output_direct='out1', acbandwidth=0, sleeptimes=0.5, logscale=False)
out['na'] = {'f': np.asarray(x).tolist(), 're': np.real(y).tolist(), 'im': np.imag(y).tolist(),
             'reads': client._read_counter, 'writes': client._write_counter}
client.close()
print(json.dumps(out))
