import { deposit, expect, shot, signIn, signUp, test, uniqueName } from './fixtures';
import { ADMIN } from './server';
import type { Page } from '@playwright/test';

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

async function fits(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
}

test('the pages fit a 390x844 phone', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('market-table').locator('tr[data-symbol]')).toHaveCount(4);
  await fits(page);
  await shot(page, 'market');
  await signUp(page, uniqueName('phone'));
  await deposit(page, '1000.00');
  await fits(page);
  await shot(page, 'portfolio');
  await page.goto('/company/ACME');
  await expect(page.getByTestId('ladder').locator('tr.bid').first()).toBeVisible();
  await fits(page);
  await shot(page, 'company');
  for (const path of ['/orders', '/performance', '/leaderboards', '/competitions']) {
    await page.goto(path);
    await page.waitForLoadState('networkidle').catch(() => {});
    await fits(page);
    await shot(page, path.slice(1));
  }
  await page.goto('/watchlists');
  const create = page.getByRole('form', { name: 'New watchlist' });
  await create.getByLabel('Name').fill('On the go');
  await create.getByLabel('Symbols').fill('ACME BOLT CORE');
  await create.getByRole('button', { name: 'Create watchlist' }).click();
  await expect(page.getByRole('region', { name: 'Watchlist On the go' }).locator('tr[data-symbol]')).toHaveCount(3);
  await fits(page);
  await shot(page, 'watchlists');
  await page.goto('/alerts');
  const alert = page.getByRole('form', { name: 'New alert' });
  await alert.getByLabel('Alert when').selectOption({ label: 'Price falls to' });
  await alert.getByLabel('Level').fill('1.00');
  await alert.getByRole('button', { name: 'Set alert' }).click();
  await expect(page.getByTestId('waiting-alerts').locator('tr[data-alert]')).toHaveCount(1);
  await fits(page);
  await shot(page, 'alerts');
});

test('the staff forms fit a 390x844 phone, their refusals beside their fields', async ({ page }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await page.goto('/control');
  const limits = page.getByRole('form', { name: 'Set risk limits' });
  await limits.getByLabel('Account ID').fill('seven');
  await limits.getByLabel('Max position %').fill('101');
  await limits.getByRole('button', { name: 'Set limits' }).click();
  await expect(limits.locator('#maxPositionPercent-error')).toHaveText('a percent above 0, at most 100');
  const dividend = page.getByRole('form', { name: 'Declare a dividend' });
  await dividend.getByRole('button', { name: 'Declare dividend' }).click();
  await expect(dividend.locator('#amountPerShare-error')).toHaveText('an amount per share like 0.125');
  await fits(page);
  await shot(page, 'control');
  await page.goto('/competitions');
  const create = page.getByRole('form', { name: 'Create a competition' });
  await create.getByText('Fees and risk limits (optional)').click();
  await create.getByLabel('Tax on sells %').fill('0.18');
  await create.getByLabel('Max open orders').fill('0');
  await create.getByRole('button', { name: 'Create competition' }).click();
  await expect(create.locator('#maxOpenOrders-error')).toHaveText('a whole number from 1 to 100,000');
  await fits(page);
  await shot(page, 'competitions-create');
});
