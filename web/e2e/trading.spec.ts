import { deposit, expect, openCompany, restingBuyPrice, shot, signUp, test, uniqueName } from './fixtures';

test('sign up, deposit and buy from the demo market: the holding, the lot and the ledger row appear', async ({ page }) => {
  await signUp(page, uniqueName('buyer'));
  await deposit(page, '100000.00');
  await expect(page.getByTestId('cash')).toHaveText('100,000.00');
  await shot(page, 'portfolio-funded');

  await page.goto('/');
  await expect(page.getByTestId('market-table').locator('tr[data-symbol]')).toHaveCount(4);
  await shot(page, 'market');
  await page.getByRole('link', { name: 'ACME', exact: true }).click();
  await expect(page).toHaveURL(/\/company\/ACME$/);
  await openCompany(page, 'ACME');
  await page.getByLabel('Type').selectOption('MARKET');
  await page.getByLabel('Quantity').fill('10');
  await expect(page.getByTestId('estimate')).not.toHaveText('—');
  await page.getByRole('button', { name: 'Buy ACME' }).click();
  await expect(page.getByTestId('placed')).toContainText('Bought 10 of 10');
  await shot(page, 'company-bought');

  await page.goto('/portfolio');
  await expect(page.getByTestId('holdings').locator('tr[data-symbol="ACME"] td').nth(1)).toHaveText('10');
  // A market order may fill at more than one price: a lot and a BUY row for each.
  await expect(page.getByTestId('lots').getByRole('cell', { name: 'ACME' }).first()).toBeVisible();
  await expect(page.getByTestId('ledger').locator('tr[data-kind="BUY"]').first()).toBeVisible();
  await expect(page.getByTestId('weights')).toContainText('100.0%');
  await shot(page, 'portfolio-holding');
});

test('a resting order is cancelled and the available cash comes back', async ({ page }) => {
  await signUp(page, uniqueName('rester'));
  await deposit(page, '50000.00');
  await openCompany(page, 'BOLT');
  await expect(page.getByTestId('available-cash')).toHaveText('50,000.00');
  const price = await restingBuyPrice(page);
  await page.getByLabel('Limit price').fill(price);
  await page.getByLabel('Quantity').fill('20');
  // With the keyboard alone: Enter in a field submits the ticket.
  await page.getByLabel('Quantity').press('Enter');
  await expect(page.getByTestId('placed')).toContainText('open');
  await expect(page.getByTestId('available-cash')).not.toHaveText('50,000.00');
  await shot(page, 'company-resting');

  await page.getByRole('link', { name: 'Orders' }).click();
  const row = page.getByTestId('open-orders').locator('tr[data-order]');
  await expect(row).toHaveCount(1);
  await shot(page, 'orders-open');
  await row.getByRole('button', { name: /Cancel/ }).focus();
  await page.keyboard.press('Enter');
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId('history')).toContainText('cancelled');
  await shot(page, 'orders-cancelled');

  await page.getByRole('link', { name: 'Portfolio' }).click();
  await expect(page.getByTestId('available')).toHaveText('50,000.00');
  await expect(page.getByTestId('cash')).toHaveText('50,000.00');
});

test('an order for more than the cash shows INSUFFICIENT_FUNDS in words and changes nothing', async ({ page }) => {
  await signUp(page, uniqueName('poor'));
  await deposit(page, '100.00');
  await openCompany(page, 'CORE');
  const price = await restingBuyPrice(page);
  await page.getByLabel('Limit price').fill(price);
  await page.getByLabel('Quantity').fill('1000');
  await page.getByRole('button', { name: 'Buy CORE' }).click();
  const error = page.locator('#quantity-error');
  await expect(error).toHaveAttribute('data-code', 'INSUFFICIENT_FUNDS');
  await expect(error).toContainText('Not enough available cash');
  await shot(page, 'company-insufficient');

  await page.goto('/portfolio');
  await expect(page.getByTestId('cash')).toHaveText('100.00');
  await expect(page.getByTestId('available')).toHaveText('100.00');
  await page.goto('/orders');
  await expect(page.getByTestId('open-orders')).toContainText('No open orders.');
  await expect(page.getByTestId('history')).toContainText('No past orders.');
});

test('the ladder and the tape change while the bots trade', async ({ page }) => {
  await page.goto('/company/ACME');
  const ladder = page.getByTestId('ladder');
  const tape = page.getByTestId('tape');
  await expect(ladder).not.toHaveAttribute('data-sequence', '');
  await expect(tape).not.toHaveAttribute('data-top', '');
  const sequence = await ladder.getAttribute('data-sequence');
  const top = await tape.getAttribute('data-top');
  await shot(page, 'company-before');
  await expect(ladder).not.toHaveAttribute('data-sequence', sequence!, { timeout: 60_000 });
  await expect(tape).not.toHaveAttribute('data-top', top!, { timeout: 60_000 });
  await expect(page.getByTestId('chart').locator('canvas').first()).toBeVisible();
  await shot(page, 'company-after');
});
