// How far the performance figures can be trusted: a volatility or a Sharpe
// ratio annualised from a handful of one-minute samples is noise (3 samples
// once showed a Sharpe ratio of −27,516.79).

/** The fewest equity samples the volatility and the Sharpe ratio are shown from. */
export const MIN_RISK_SAMPLES = 30;

/** Whether a curve of `samples` points is long enough to show its volatility and Sharpe ratio. */
export function enoughForRisk(samples: number): boolean {
  return samples >= MIN_RISK_SAMPLES;
}
