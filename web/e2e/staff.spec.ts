import { ADMIN } from './server';
import { cents, deposit, expect, localInput, openCompany, restingBuyPrice, shot, signIn, signUp, test, uniqueName } from './fixtures';
import type { Browser, Page } from '@playwright/test';

async function adminPage(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signIn(page, ADMIN.username, ADMIN.password);
  return page;
}

async function replaceScript(page: Page, source: string) {
  const editor = page.getByTestId('editor').locator('.cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(source);
}

test('an instructor saves a broken script and sees its line and column, starts a bot and stops it', async ({ page, browser, baseURL }) => {
  const name = uniqueName('teach');
  await signUp(page, name);
  const id = (await page.getByTestId('account-id').innerText()).trim();

  const admin = await adminPage(browser, baseURL!);
  await admin.goto('/control');
  await admin.locator('input[name="accountId"]').fill(id);
  await admin.locator('select[name="role"]').selectOption('INSTRUCTOR');
  await admin.getByRole('button', { name: 'Grant' }).click();
  await expect(admin.getByText(`${name} is now INSTRUCTOR.`)).toBeVisible();
  await shot(admin, 'control-granted');
  await admin.context().close();

  await page.reload();
  await expect(page.getByRole('link', { name: 'Bots' })).toBeVisible();
  await page.getByRole('link', { name: 'Bots' }).click();
  await page.getByLabel('Name').fill('broken');
  await replaceScript(page, 'fn on_tick(ctx) {\n    let x = ;\n}\n');
  await page.getByRole('button', { name: 'Save script' }).click();
  await expect(page.getByTestId('script-error')).toContainText(/Line 2, column \d+/);
  await expect(page.locator('.cm-lintRange-error')).toHaveCount(1);
  await shot(page, 'bots-broken');

  const script = uniqueName('bidder');
  await page.getByLabel('Name').fill(script);
  await replaceScript(page, 'fn on_tick(ctx) {\n    ctx.wake_in(1000);\n}\n');
  await page.getByRole('button', { name: 'Save script' }).click();
  await expect(page.getByText(`Saved ${script}.`)).toBeVisible();
  await page.locator('select[name="runScript"]').selectOption(script);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByText('Started 1 bot.')).toBeVisible();
  const row = page.locator(`tr[data-script="${script}"]`);
  await expect(row).toHaveAttribute('data-status', 'RUNNING');
  await shot(page, 'bots-running');
  await row.getByRole('button', { name: /Stop bot/ }).click();
  await expect(row).toHaveAttribute('data-status', 'STOPPED');
  await shot(page, 'bots-stopped');
});

test('an admin halts a symbol and the ticket shows the halt', async ({ page, browser, baseURL }) => {
  const admin = await adminPage(browser, baseURL!);
  await admin.goto('/control');
  await admin.locator('select[name="haltSymbol"]').selectOption('DYNA');
  await admin.getByRole('button', { name: 'Halt', exact: true }).click();
  await expect(admin.getByText('Halted DYNA.')).toBeVisible();
  await shot(admin, 'control-halted');

  await signUp(page, uniqueName('halted'));
  await page.getByLabel('Amount').fill('10000.00');
  await page.getByRole('button', { name: 'Deposit' }).click();
  await expect(page.getByTestId('cash')).toHaveText('10,000.00');
  await page.goto('/company/DYNA');
  await expect(page.getByTestId('halted')).toBeVisible();
  await page.getByLabel('Type').selectOption('MARKET');
  await page.getByLabel('Quantity').fill('1');
  await page.getByRole('button', { name: 'Buy DYNA' }).click();
  await expect(page.locator('[data-code="MARKET_HALTED"]')).toContainText('halted');
  await shot(page, 'company-halted');

  await admin.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(admin.getByText('Resumed DYNA.')).toBeVisible();
  await admin.context().close();
});

test('an admin sets the risk limits of an account by its ID; an order over them is refused in words, and all empty lifts them', async ({
  page,
  browser,
  baseURL,
}) => {
  const name = uniqueName('limited');
  await signUp(page, name);
  const id = (await page.getByTestId('account-id').innerText()).trim();
  await deposit(page, '10000.00');

  const admin = await adminPage(browser, baseURL!);
  await admin.goto('/control');
  const form = admin.getByRole('form', { name: 'Set risk limits' });
  // An account the server does not know: its refusal beside the account ID.
  await form.getByLabel('Account ID').fill('999999');
  await form.getByLabel('Max order value').fill('500.00');
  await form.getByRole('button', { name: 'Set limits' }).click();
  const accountError = form.locator('#limitsAccountId-error');
  await expect(accountError).toHaveAttribute('data-code', 'NOT_FOUND');
  await expect(accountError).toHaveText('No account 999999');
  // Finer than the cent: said before anything is sent.
  await form.getByLabel('Account ID').fill(id);
  await form.getByLabel('Max order value').fill('500.001');
  await form.getByRole('button', { name: 'Set limits' }).click();
  await expect(form.locator('#maxOrderValue-error')).toHaveText('to the cent: 2 decimals at most');
  await expect(accountError).toBeHidden();
  await shot(admin, 'control-limits-refused');
  await form.getByLabel('Max order value').fill('500.00');
  await form.getByRole('button', { name: 'Set limits' }).click();
  await expect(form.getByRole('status')).toHaveText(`Risk limits on ${name} (account ${id}): one order worth at most 500.00.`);
  await shot(admin, 'control-limits-set');

  await page.reload();
  await expect(page.getByTestId('risk-limits')).toContainText('one order worth at most 500.00');
  await openCompany(page, 'ACME');
  const price = await restingBuyPrice(page);
  const over = String(50_000n / cents(price) + 1n);
  await page.getByLabel('Limit price').fill(price);
  await page.getByLabel('Quantity').fill(over);
  await page.getByRole('button', { name: 'Buy ACME' }).click();
  const refused = page.locator('#quantity-error');
  await expect(refused).toHaveAttribute('data-code', 'RISK_LIMIT');
  await expect(refused).toHaveText('Over your risk limit: one order may be worth at most 500.00 at the worst price it can trade at.');
  await shot(page, 'company-risk-limit');

  await form.getByLabel('Max order value').fill('');
  await form.getByRole('button', { name: 'Set limits' }).click();
  await expect(form.getByRole('status')).toHaveText(`${name} (account ${id}) has no risk limits now.`);
  await admin.context().close();
  await page.getByLabel('Limit price').fill(price);
  await page.getByLabel('Quantity').fill(over);
  await page.getByRole('button', { name: 'Buy ACME' }).click();
  await expect(page.getByTestId('placed')).toContainText('open');
});

test('an admin declares a dividend on a demo company and it shows on the company page', async ({ browser, baseURL }) => {
  const admin = await adminPage(browser, baseURL!);
  await admin.goto('/control');
  const form = admin.getByRole('form', { name: 'Declare a dividend' });
  await form.getByLabel('Company').selectOption('BOLT');
  // A million shares at 1,000.00 each: more than the issuer has, said in words beside the amount.
  await form.getByLabel('Amount per share').fill('1000');
  await form.getByRole('button', { name: 'Declare dividend' }).click();
  const amountError = form.locator('#amountPerShare-error');
  await expect(amountError).toHaveAttribute('data-code', 'INSUFFICIENT_FUNDS');
  await expect(amountError).toContainText("The issuer's available cash is short: the issuer has");
  await shot(admin, 'control-dividend-refused');
  // A record time in the past: said before anything is sent.
  await form.getByLabel('Amount per share').fill('0.0375');
  await form.getByLabel('Record time').fill(localInput(-60));
  await form.getByRole('button', { name: 'Declare dividend' }).click();
  await expect(form.locator('#record-error')).toHaveText('not in the past');
  // A day away, so that it is not recorded while other tests trade BOLT.
  await form.getByLabel('Record time').fill(localInput(24 * 60));
  await form.getByLabel('Pay time').fill(localInput(25 * 60));
  await form.getByRole('button', { name: 'Declare dividend' }).click();
  await expect(form.getByRole('status')).toContainText('Declared 0.0375 a share on BOLT: holders at');
  await shot(admin, 'control-dividend-declared');

  await admin.goto('/company/BOLT');
  const row = admin.getByTestId('dividends').locator('tr[data-dividend]', { hasText: '0.0375' });
  await expect(row).toHaveAttribute('data-status', 'DECLARED');
  await expect(row.locator('td').first()).toHaveText('0.0375');
  await shot(admin, 'company-dividend-declared');
  await admin.context().close();
});
