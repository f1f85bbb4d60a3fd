import type { Browser, Page } from '@playwright/test';
import { cents, centsText, deposit, expect, localInput, openCompany, register, restingBuyPrice, shot, signIn, signUp, test, uniqueName } from './fixtures';
import { ADMIN, type Server } from './server';

const PASSWORD = 'a long password';

async function login(server: Server, username: string, password = PASSWORD): Promise<string> {
  const data = await server.gql<{ login: { accessToken: string } }>(
    'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }',
    { u: username, p: password },
  );
  return data.login.accessToken;
}

async function newPage(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  return context.newPage();
}

// An account holding shares from the start of this file: its equity is
// sampled once a minute while the other tests run, so by the performance
// test its curve has points to show.
const steady = uniqueName('steady');
test.beforeAll(async ({ server }) => {
  const { token } = await register(server, steady);
  await server.gql('mutation { deposit(amount: "20000.00") { id } }', {}, token);
  await server.gql('mutation { placeOrder(input: { symbol: "ACME", side: BUY, type: MARKET, quantity: 50 }) { id } }', {}, token);
});

test('an instructor creates a competition; a player joins with the code, trades in it and sees the standings', async ({ page, browser, baseURL, server }) => {
  // The instructor: an account an ADMIN made one (over the API; staff.spec grants a role through the page).
  const teacher = uniqueName('teacher');
  const { id: teacherId } = await register(server, teacher);
  await server.gql(
    'mutation($id: ID!) { grantRole(accountId: $id, role: INSTRUCTOR) { role } }',
    { id: teacherId },
    await login(server, ADMIN.username, ADMIN.password),
  );

  const instructor = await newPage(browser, baseURL!);
  await signIn(instructor, teacher, PASSWORD);
  await instructor.getByRole('link', { name: 'Competitions', exact: true }).click();
  const name = `Class ${uniqueName('')}`;
  const create = instructor.getByRole('form', { name: 'Create a competition' });
  await create.getByLabel('Name', { exact: true }).fill(name);
  await create.getByLabel('End', { exact: true }).fill(localInput(5));
  await create.getByLabel('ACME').check();
  await create.getByLabel('BOLT').check();
  // Fees and limits are folded away until asked for.
  await expect(create.getByLabel('Commission %')).toBeHidden();
  await create.getByText('Fees and risk limits (optional)').click();
  // A commission finer than the server keeps: said beside it before anything is sent.
  await create.getByLabel('Commission %').fill('0.00005');
  await create.getByLabel('Max order value').fill('5000.00');
  await create.getByRole('button', { name: 'Create competition' }).click();
  await expect(create.locator('#commission-error')).toHaveText('4 decimals at most (0.0001%)');
  await shot(instructor, 'competitions-create-refused');
  await create.getByLabel('Commission %').fill('0.05');
  await shot(instructor, 'competitions-create');
  await create.getByRole('button', { name: 'Create competition' }).click();
  await expect(create.getByRole('status')).toContainText(`Created ${name}: players join with the code`);
  const listed = instructor.getByTestId('competitions').locator('tr[data-competition]', { hasText: name });
  await expect(listed.locator('.badge')).toHaveText('running');
  const code = (await listed.getByTestId('join-code').innerText()).trim();
  expect(code).not.toBe('');
  await shot(instructor, 'competitions-created');

  const player = uniqueName('player');
  await signUp(page, player);
  await page.getByRole('link', { name: 'Competitions', exact: true }).click();
  await expect(page.getByTestId('competitions')).toContainText(name);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByLabel('Code', { exact: true }).press('Enter');
  await expect(page).toHaveURL(/\/competitions\/\d+$/);
  const id = page.url().split('/').pop()!;
  const standings = page.getByTestId('standings');
  await expect(standings.locator('tr.you')).toContainText(player);
  await expect(page.getByTestId('rules')).toContainText('one order worth at most 5,000.00');
  await shot(page, 'competition-joined');

  // Another player joins and trades too (over the API).
  const rival = await register(server, uniqueName('rival'));
  await server.gql('mutation($c: String!) { joinCompetition(code: $c) { accountId } }', { c: code }, rival.token);
  const seat = await server.gql<{ competitionToken: { accessToken: string } }>(
    'mutation($id: ID!) { competitionToken(competitionId: $id) { accessToken } }',
    { id },
    rival.token,
  );
  await server.gql('mutation { placeOrder(input: { symbol: "BOLT", side: BUY, type: MARKET, quantity: 40 }) { id } }', {}, seat.competitionToken.accessToken);

  await page.getByRole('button', { name: 'Trade in this competition' }).click();
  await expect(page).toHaveURL(/\/portfolio$/);
  const bar = page.getByTestId('competition-bar');
  await expect(bar).toContainText(`Trading in competition ${name} with its own account`);
  await expect(page.getByTestId('cash')).toHaveText('10,000.00');
  await expect(page.getByTestId('competition-cash')).toContainText('no deposits or withdrawals');
  await expect(page.getByTestId('risk-limits')).toContainText('one order worth at most 5,000.00');
  await shot(page, 'portfolio-in-competition');

  await openCompany(page, 'ACME');
  await expect(page.getByTestId('available-cash')).toHaveText('10,000.00');
  await page.getByLabel('Type').selectOption('MARKET');
  await page.getByLabel('Quantity').fill('10');
  await page.getByRole('button', { name: 'Buy ACME' }).click();
  await expect(page.getByTestId('placed')).toContainText('Bought 10 of 10');
  // An order worth about 6,000.00: over the competition's limit on one order, refused in words beside the quantity.
  await page.getByLabel('Type').selectOption('LIMIT');
  const price = await restingBuyPrice(page);
  await page.getByLabel('Limit price').fill(price);
  await page.getByLabel('Quantity').fill(String(600_000n / cents(price) + 1n));
  await page.getByRole('button', { name: 'Buy ACME' }).click();
  const refused = page.locator('#quantity-error');
  await expect(refused).toHaveAttribute('data-code', 'RISK_LIMIT');
  await expect(refused).toHaveText('Over your risk limit: one order may be worth at most 5,000.00 at the worst price it can trade at.');
  await shot(page, 'company-risk-limit');
  // A symbol the competition does not trade.
  await openCompany(page, 'DYNA');
  await page.getByLabel('Type').selectOption('MARKET');
  await page.getByLabel('Quantity').fill('1');
  await page.getByRole('button', { name: 'Buy DYNA' }).click();
  await expect(page.locator('[data-code="FORBIDDEN"]')).toHaveText("This account's competition does not trade DYNA");

  await bar.getByRole('link', { name }).click();
  await expect(page).toHaveURL(new RegExp(`/competitions/${id}$`));
  await expect(page.getByTestId('trading-here')).toBeVisible();
  await expect(standings.locator('tr[data-account]')).toHaveCount(2);
  const mine = standings.locator('tr.you');
  await expect(mine).toContainText(player);
  await expect(mine.locator('td').nth(2)).toHaveText(/^\d{1,3}(,\d{3})*\.\d{2}$/);
  await expect(mine.locator('td').nth(3)).toHaveText(/%$/);
  await shot(page, 'competition-standings');

  await instructor.goto(`/competitions/${id}`);
  await expect(instructor.getByTestId('standings').locator('tr[data-account]')).toHaveCount(2);
  const rules = instructor.getByTestId('rules');
  await expect(rules.getByTestId('join-code')).toHaveText(code);
  // 0.05% typed, sent as the fraction 0.0005.
  await expect(rules.getByText('Commission', { exact: true }).locator('xpath=following-sibling::dd[1]')).toHaveText('0.050%');
  await expect(rules).toContainText('one order worth at most 5,000.00');
  await shot(instructor, 'competition-instructor');
  await instructor.context().close();

  await bar.getByRole('button', { name: 'Back to main account' }).click();
  await expect(bar).toBeHidden();
  await expect(page.getByRole('button', { name: 'Trade in this competition' })).toBeVisible();
  await page.getByRole('link', { name: 'Portfolio', exact: true }).click();
  await expect(page.getByTestId('cash')).toHaveText('0.00');
  await expect(page.getByTestId('holdings')).toContainText('No shares yet');
});

test('a player amends a resting order: a smaller quantity keeps the order, a new price replaces it', async ({ page }) => {
  await signUp(page, uniqueName('amender'));
  await deposit(page, '50000.00');
  await openCompany(page, 'BOLT');
  const price = await restingBuyPrice(page);
  await page.getByLabel('Limit price').fill(price);
  await page.getByLabel('Quantity').fill('20');
  await page.getByRole('button', { name: 'Buy BOLT' }).click();
  await expect(page.getByTestId('placed')).toContainText('open');

  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  const rows = page.getByTestId('open-orders').locator('tr[data-order]');
  await expect(rows).toHaveCount(1);
  const id = (await rows.first().getAttribute('data-order'))!;
  await rows
    .first()
    .getByRole('button', { name: `Amend order ${id}` })
    .click();
  const form = page.getByRole('form', { name: `Amend order ${id}` });
  const quantity = form.getByLabel(/Total quantity/);
  await expect(quantity).toBeFocused();
  await expect(quantity).toHaveValue('20');
  await expect(form.getByLabel('Limit price')).toHaveValue(price);
  // Unchanged, or not whole shares: said before anything is sent.
  await quantity.press('Enter');
  await expect(form.getByRole('alert')).toHaveText('Change the quantity or a price first.');
  await quantity.fill('0');
  await quantity.press('Enter');
  await expect(form.locator('#amend-quantity-error')).toHaveText('whole shares, 1 or more');
  await shot(page, 'orders-amend-refused');

  await quantity.fill('12');
  await quantity.press('Enter');
  await expect(page.getByTestId('amended')).toHaveText(`Order ${id} is now for 12 shares at ${price} (open).`);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-order', id);
  await expect(rows.first().locator('td').nth(3)).toHaveText('12');
  await shot(page, 'orders-reduced');

  const lower = centsText(cents(price) - 5n);
  await rows
    .first()
    .getByRole('button', { name: `Amend order ${id}` })
    .click();
  await form.getByLabel('Limit price').fill(lower);
  await shot(page, 'orders-amending');
  await form.getByRole('button', { name: 'Amend order' }).click();
  await expect(page.getByTestId('amended')).toContainText(`Order ${id} was replaced by order`);
  await expect(page.getByTestId('amended')).toContainText(`for 12 shares at ${lower} (open).`);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).not.toHaveAttribute('data-order', id);
  await expect(rows.first().locator('td').nth(5)).toHaveText(lower);
  await expect(page.getByTestId('history')).toContainText('cancelled');
  await shot(page, 'orders-replaced');
});

test('the performance page shows the equity curve and its figures', async ({ page }) => {
  // Equity is sampled once a minute and a drawdown needs two samples.
  test.setTimeout(300_000);
  await signIn(page, steady, PASSWORD);
  await page.getByRole('link', { name: 'Performance', exact: true }).click();
  await expect(page).toHaveURL(/\/performance$/);
  await expect(page.getByRole('radio', { name: 'Week' })).toHaveAttribute('aria-checked', 'true');
  await expect(async () => {
    // A preset asks again, up to now.
    await page.getByRole('radio', { name: 'Day' }).click();
    await expect(page.getByTestId('max-drawdown')).toHaveText(/%$/, { timeout: 2_000 });
  }).toPass({ timeout: 240_000, intervals: [5_000] });
  await expect(page.getByTestId('equity-chart').locator('canvas').first()).toBeVisible();
  await expect(page.getByTestId('total-return')).toHaveText(/^[+−]?\d+\.\d{2}%$/);
  await expect(page.getByTestId('max-drawdown')).toHaveText(/^\d+\.\d{2}%$/);
  // A few minutes of samples: an annualised volatility and Sharpe ratio from them would be noise.
  await expect(page.getByTestId('volatility')).toHaveText('—');
  await expect(page.getByTestId('sharpe')).toHaveText('—');
  await expect(page.getByTestId('volatility').locator('..')).toContainText('needs at least 30 samples');
  await expect(page.getByTestId('sharpe').locator('..')).toContainText('needs at least 30 samples');
  await expect(page.getByTestId('turnover')).toHaveText(/^\d+\.\d{2}×$/);
  // No lot was closed: no win rate.
  await expect(page.getByTestId('win-rate')).toHaveText('—');
  await shot(page, 'performance');

  await page.getByLabel('To (empty: now)').fill(localInput(-60 * 24 * 30));
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByRole('alert')).toHaveText('From must not be after to');
  await page.getByLabel('To (empty: now)').fill('');
  await page.getByLabel('Risk-free rate (yearly)').fill('0.04');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByTestId('sharpe').locator('..')).toContainText('risk-free 4.00% a year');
});

test('a dividend shows on the company page and, once paid, as income in the portfolio', async ({ page, server }) => {
  await signUp(page, uniqueName('holder'));
  await deposit(page, '10000.00');
  await openCompany(page, 'ACME');
  await page.getByLabel('Type').selectOption('MARKET');
  await page.getByLabel('Quantity').fill('10');
  await page.getByRole('button', { name: 'Buy ACME' }).click();
  await expect(page.getByTestId('placed')).toContainText('Bought 10 of 10');

  const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
  await server.gql(
    'mutation($input: DeclareDividendInput!) { declareDividend(input: $input) { id } }',
    { input: { symbol: 'ACME', amountPerShare: '0.125', recordTime: at(3), payTime: at(6) } },
    await login(server, ADMIN.username, ADMIN.password),
  );
  const dividend = page.getByTestId('dividends').locator('tr[data-dividend]').first();
  await expect(async () => {
    await page.reload();
    await expect(dividend).toHaveAttribute('data-status', 'PAID', { timeout: 2_000 });
  }).toPass({ timeout: 60_000, intervals: [2_000] });
  await expect(dividend.locator('td').first()).toHaveText('0.125');
  await shot(page, 'company-dividends');

  await page.getByRole('link', { name: 'Portfolio', exact: true }).click();
  // 10 shares x 0.125.
  await expect(page.getByTestId('dividend-income')).toHaveText('1.25');
  await expect(page.getByTestId('dividends-received')).toContainText('ACME');
  await expect(page.getByTestId('ledger').locator('tr[data-kind="DIVIDEND"]')).toHaveCount(1);
  await shot(page, 'portfolio-dividend');
});
