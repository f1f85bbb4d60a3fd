import { describe, expect, it } from 'vitest';
import { enoughForRisk, MIN_RISK_SAMPLES } from './performance';

describe('performance figures', () => {
  it('shows volatility and the Sharpe ratio from 30 samples on', () => {
    expect(MIN_RISK_SAMPLES).toBe(30);
    expect(enoughForRisk(3)).toBe(false);
    expect(enoughForRisk(29)).toBe(false);
    expect(enoughForRisk(30)).toBe(true);
  });
});
