import { ADMIN } from './server';
import { expect, shot, signIn, signUp, test, uniqueName } from './fixtures';
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
