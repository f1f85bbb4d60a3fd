import { deposit, expect, shot, signUp, test, uniqueName } from './fixtures';

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

test('the pages fit a 390x844 phone', async ({ page }) => {
  const fits = async () => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.goto('/');
  await expect(page.getByTestId('market-table').locator('tr[data-symbol]')).toHaveCount(4);
  await fits();
  await shot(page, 'market');
  await signUp(page, uniqueName('phone'));
  await deposit(page, '1000.00');
  await fits();
  await shot(page, 'portfolio');
  await page.goto('/company/ACME');
  await expect(page.getByTestId('ladder').locator('tr.bid').first()).toBeVisible();
  await fits();
  await shot(page, 'company');
  for (const path of ['/orders', '/performance', '/leaderboards', '/competitions']) {
    await page.goto(path);
    await page.waitForLoadState('networkidle').catch(() => {});
    await fits();
    await shot(page, path.slice(1));
  }
  await page.goto('/watchlists');
  const create = page.getByRole('form', { name: 'New watchlist' });
  await create.getByLabel('Name').fill('On the go');
  await create.getByLabel('Symbols').fill('ACME BOLT CORE');
  await create.getByRole('button', { name: 'Create watchlist' }).click();
  await expect(page.getByRole('region', { name: 'Watchlist On the go' }).locator('tr[data-symbol]')).toHaveCount(3);
  await fits();
  await shot(page, 'watchlists');
  await page.goto('/alerts');
  const alert = page.getByRole('form', { name: 'New alert' });
  await alert.getByLabel('Alert when').selectOption({ label: 'Price falls to' });
  await alert.getByLabel('Level').fill('1.00');
  await alert.getByRole('button', { name: 'Set alert' }).click();
  await expect(page.getByTestId('waiting-alerts').locator('tr[data-alert]')).toHaveCount(1);
  await fits();
  await shot(page, 'alerts');
});
