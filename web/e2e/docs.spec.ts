// The README's screenshots (web/docs/), taken from a server that has been
// running a while (so the chart has candles): DOCS_URL=http://127.0.0.1:8080.
// Skipped unless DOCS_URL is set.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

const url = process.env.DOCS_URL;
const docs = join(import.meta.dirname, '..', 'docs');

test('screenshots for the README', async ({ browser }) => {
  test.skip(!url, 'set DOCS_URL to a running demo server');
  const desktop = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await desktop.goto(`${url}/signup`);
  await desktop.getByLabel('Username').fill(`docs${Date.now().toString(36)}`);
  await desktop.getByLabel('Display name').fill('Ann');
  await desktop.getByLabel('Password').fill('a long password');
  await desktop.getByRole('button', { name: 'Sign up' }).click();
  await desktop.getByLabel('Amount').fill('25000.00');
  await desktop.getByRole('button', { name: 'Deposit' }).click();
  await expect(desktop.getByTestId('cash')).toHaveText('25,000.00');
  await desktop.goto(`${url}/company/ACME`);
  await expect(desktop.getByTestId('ladder').locator('tr.bid').first()).toBeVisible();
  await desktop.waitForTimeout(1_500);
  await desktop.screenshot({ path: join(docs, 'company.png') });

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  await phone.goto(`${url}/`);
  await expect(phone.getByTestId('market-table').locator('tr[data-symbol]').first()).toBeVisible();
  await phone.waitForTimeout(1_000);
  await phone.screenshot({ path: join(docs, 'market-phone.png') });
});
