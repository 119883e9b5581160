import test from 'ava';
import { addToExponentialMean, addToRunningMean } from '@labrx/core';

test('addToRunningMean gives the arithmetic mean of the blocks so far', (t) => {
  const mean = new Float64Array(2).fill(123); // whatever was there: count 1 overwrites it
  const blocks = [
    [1, 10],
    [2, 20],
    [6, 60],
  ];
  blocks.forEach((b, i) => addToRunningMean(mean, Float64Array.from(b), i + 1));
  t.true(Math.abs(mean[0]! - 3) < 1e-15 && Math.abs(mean[1]! - 30) < 1e-14);
});

test('addToExponentialMean with weight 1/N has a time constant of N blocks', (t) => {
  // After a step from 0 to 1, the average after k blocks is 1 − (1 − 1/N)^k.
  const mean = new Float64Array(1);
  const one = new Float64Array([1]);
  for (let k = 0; k < 10; k++) addToExponentialMean(mean, one, 1 / 4);
  t.true(Math.abs(mean[0]! - (1 - 0.75 ** 10)) < 1e-15);
});
