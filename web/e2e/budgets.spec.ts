// Measures the first page's JS+CSS (gzip, as served) and how long after the
// page starts loading the first quote is on screen. Figures are written to
// test-results/budgets.json and printed; only the size is asserted (no test
// here asserts a duration).
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';

test('budgets: first-page bytes and time to first quote', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { firstQuoteAt?: number };
    new MutationObserver((_, observer) => {
      const cell = document.querySelector('[data-testid="last"]');
      if (cell && /\d/.test(cell.textContent ?? '')) {
        w.firstQuoteAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto('/');
  await page.waitForFunction(() => (window as unknown as { firstQuoteAt?: number }).firstQuoteAt !== undefined);
  const figures = await page.evaluate(() => {
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const assets = resources.filter((r) => /\.(js|css)$/.test(new URL(r.name).pathname));
    return {
      firstQuoteMs: Math.round((window as unknown as { firstQuoteAt: number }).firstQuoteAt),
      jsCssTransferredBytes: assets.reduce((n, r) => n + r.encodedBodySize, 0),
      jsCssFiles: assets.map((r) => new URL(r.name).pathname),
    };
  });
  const dir = join(import.meta.dirname, '..', 'test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'budgets.json'), JSON.stringify(figures, null, 2));
  console.log(
    `budgets: first page JS+CSS ${(figures.jsCssTransferredBytes / 1024).toFixed(1)} KiB compressed; first quote on screen ${figures.firstQuoteMs} ms after navigation start`,
  );
  expect(figures.jsCssTransferredBytes).toBeLessThanOrEqual(250 * 1024);
});
