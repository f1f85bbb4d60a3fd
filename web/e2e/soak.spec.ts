// A tab's memory over a long run of demo updates: the company page (chart,
// ladder, tape, quotes) open for SOAK_MINUTES, the JS heap sampled after a
// forced GC every 30 s. Skipped unless SOAK_MINUTES is set; figures go to
// test-results/memory.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';

const minutes = Number(process.env.SOAK_MINUTES ?? 0);

test('soak: the heap of a live company page stays flat', async ({ page }) => {
  test.skip(!minutes, 'set SOAK_MINUTES to run');
  test.setTimeout((minutes + 2) * 60_000);
  await page.goto('/company/ACME');
  await expect(page.getByTestId('ladder').locator('tr.bid').first()).toBeVisible();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const samples: { minute: number; heapMiB: number; nodes: number }[] = [];
  const started = Date.now();
  for (;;) {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
    const minute = (Date.now() - started) / 60_000;
    samples.push({ minute: Number(minute.toFixed(2)), heapMiB: Number((get('JSHeapUsedSize') / 2 ** 20).toFixed(2)), nodes: get('Nodes') });
    console.log(`soak ${samples.at(-1)!.minute} min: heap ${samples.at(-1)!.heapMiB} MiB, ${samples.at(-1)!.nodes} DOM nodes`);
    if (minute >= minutes) break;
    await page.waitForTimeout(30_000);
  }
  const sequence = await page.getByTestId('ladder').getAttribute('data-sequence');
  const dir = join(import.meta.dirname, '..', 'test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'memory.json'), JSON.stringify({ lastSequence: sequence, samples }, null, 2));
});
