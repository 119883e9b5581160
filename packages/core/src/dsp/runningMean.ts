/**
 * Adds the `count`-th block `x` to the running mean `mean` in place: mean += (x − mean) / count.
 * After blocks 1…N, `mean` is their arithmetic mean (in the blocks' unit), without a separate sum
 * that would grow with N. `count` = 1 copies `x`.
 *
 * @param mean the running mean, updated in place
 * @param x the new block, same length
 * @param count how many blocks the mean holds including `x` (integer ≥ 1)
 */
export function addToRunningMean(mean: Float64Array, x: Float64Array, count: number): void {
  const a = 1 / count;
  for (let i = 0; i < mean.length; i++) mean[i]! += (x[i]! - mean[i]!) * a;
}

/**
 * Exponential averaging in place: mean += (x − mean) · weight. PyRPL's continuous mode averages
 * the first N blocks arithmetically (`addToRunningMean`) and then continues with weight 1/N, so
 * old blocks fade with a time constant of N blocks.
 *
 * @param mean the average, updated in place
 * @param x the new block, same length
 * @param weight the new block's weight, in (0, 1]
 */
export function addToExponentialMean(mean: Float64Array, x: Float64Array, weight: number): void {
  for (let i = 0; i < mean.length; i++) mean[i]! += (x[i]! - mean[i]!) * weight;
}
