import type { Locator } from '@playwright/test';
import { cents, centsText, expect, register, shot, signUp, test, uniqueName } from './fixtures';
import type { Server } from './server';

const PRICE = /^\d{1,3}(,\d{3})*\.\d{2}$/;

async function symbolsOf(rows: Locator): Promise<(string | null)[]> {
  return rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-symbol')));
}

async function lastPrice(server: Server, symbol: string): Promise<string> {
  const data = await server.gql<{ company: { quote: { last: string } } }>('query($s: String!) { company(symbol: $s) { quote { last } } }', { s: symbol });
  return data.company.quote.last;
}

test('a player keeps watchlists: live quotes, a refused duplicate name, rename, add, reorder, remove, delete', async ({ page }) => {
  await signUp(page, uniqueName('watcher'));
  await page.getByRole('link', { name: 'Watchlists', exact: true }).click();
  await expect(page).toHaveURL(/\/watchlists$/);
  await expect(page.getByTestId('no-watchlists')).toBeVisible();
  const create = page.getByRole('form', { name: 'New watchlist' });
  await create.getByLabel('Name').fill('Tech');
  await create.getByLabel('Symbols').fill('acme, bolt');
  await shot(page, 'watchlists-new');
  await create.getByLabel('Symbols').press('Enter');
  await expect(create.getByRole('status')).toHaveText('Created Tech.');

  const tech = page.getByRole('region', { name: 'Watchlist Tech' });
  const rows = tech.locator('tr[data-symbol]');
  await expect.poll(() => symbolsOf(rows)).toEqual(['ACME', 'BOLT']);
  for (const row of await rows.all()) {
    await expect(row.locator('td').nth(1)).toHaveText(PRICE);
    await expect(row.locator('td').nth(3)).toHaveText(PRICE);
  }
  await expect(tech.getByRole('link', { name: 'ACME', exact: true })).toHaveAttribute('href', '/company/ACME');
  // Live: the quote moves while the bots trade.
  const sequence = (await rows.first().getAttribute('data-sequence'))!;
  expect(sequence).not.toBe('');
  await expect(rows.first()).not.toHaveAttribute('data-sequence', sequence, { timeout: 60_000 });
  await shot(page, 'watchlists-live');

  // A name already taken is refused in words beside it, and nothing changes.
  await create.getByLabel('Name').fill('Tech');
  await create.getByLabel('Symbols').fill('CORE');
  await create.getByRole('button', { name: 'Create watchlist' }).click();
  const nameError = create.locator('#new-name-error');
  await expect(nameError).toHaveAttribute('data-code', 'CONFLICT');
  await expect(nameError).toHaveText('You already have a watchlist named "Tech"');
  await expect(page.getByRole('region', { name: /^Watchlist / })).toHaveCount(1);
  await shot(page, 'watchlists-duplicate');
  // An unknown symbol: in words beside the symbols.
  await create.getByLabel('Name').fill('Energy');
  await create.getByLabel('Symbols').fill('core zzzz');
  await create.getByRole('button', { name: 'Create watchlist' }).click();
  const symbolsError = create.locator('#new-symbols-error');
  await expect(symbolsError).toHaveAttribute('data-code', 'NOT_FOUND');
  await expect(symbolsError).toHaveText('No company is listed as ZZZZ');
  await expect(page.getByRole('region', { name: /^Watchlist / })).toHaveCount(1);
  await create.getByLabel('Symbols').fill('CORE');
  await create.getByRole('button', { name: 'Create watchlist' }).click();
  const energy = page.getByRole('region', { name: 'Watchlist Energy' });
  await expect(energy.locator('tr[data-symbol]')).toHaveCount(1);

  // Renaming to a name taken: refused beside the new name; the list keeps its own.
  await energy.getByRole('button', { name: 'Rename Energy' }).click();
  const renameEnergy = energy.getByRole('form', { name: 'Rename Energy' });
  await expect(renameEnergy.getByLabel('New name')).toBeFocused();
  await renameEnergy.getByLabel('New name').fill('Tech');
  await renameEnergy.getByLabel('New name').press('Enter');
  await expect(renameEnergy.getByRole('alert')).toHaveAttribute('data-code', 'CONFLICT');
  await expect(renameEnergy.getByRole('alert')).toHaveText('You already have a watchlist named "Tech"');
  await shot(page, 'watchlists-rename-refused');
  await renameEnergy.getByLabel('New name').press('Escape');
  await expect(renameEnergy).toBeHidden();
  await expect(energy.locator('h2')).toHaveText('Energy');

  await tech.getByRole('button', { name: 'Rename Tech' }).click();
  await tech.getByRole('form', { name: 'Rename Tech' }).getByLabel('New name').fill('Favourites');
  await tech.getByRole('form', { name: 'Rename Tech' }).getByLabel('New name').press('Enter');
  const favourites = page.getByRole('region', { name: 'Watchlist Favourites' });
  await expect(favourites.locator('h2')).toHaveText('Favourites');
  await expect(page.getByRole('region', { name: 'Watchlist Tech' })).toHaveCount(0);

  const add = favourites.getByRole('form', { name: 'Add a symbol to Favourites' });
  await add.getByLabel('Add a symbol').fill('nope');
  await add.getByLabel('Add a symbol').press('Enter');
  await expect(add.getByRole('alert')).toHaveAttribute('data-code', 'NOT_FOUND');
  await expect(add.getByRole('alert')).toHaveText('No company is listed as NOPE');
  await add.getByLabel('Add a symbol').fill('dyna');
  await add.getByLabel('Add a symbol').press('Enter');
  const favRows = favourites.locator('tr[data-symbol]');
  await expect.poll(() => symbolsOf(favRows)).toEqual(['ACME', 'BOLT', 'DYNA']);
  await expect(add.getByLabel('Add a symbol')).toHaveValue('');

  // Reordering with the keyboard: the moved symbol's button keeps the focus.
  await favourites.getByRole('button', { name: 'Move DYNA up' }).focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => symbolsOf(favRows)).toEqual(['ACME', 'DYNA', 'BOLT']);
  await expect(favourites.getByRole('button', { name: 'Move DYNA up' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect.poll(() => symbolsOf(favRows)).toEqual(['DYNA', 'ACME', 'BOLT']);
  await expect(favourites.getByRole('button', { name: 'Move DYNA up' })).toBeDisabled();
  await expect(favourites.getByRole('button', { name: 'Move DYNA down' })).toBeFocused();
  await favourites.getByRole('button', { name: 'Move ACME down' }).click();
  await expect.poll(() => symbolsOf(favRows)).toEqual(['DYNA', 'BOLT', 'ACME']);
  await favourites.getByRole('button', { name: 'Move ACME up' }).click();
  await expect.poll(() => symbolsOf(favRows)).toEqual(['DYNA', 'ACME', 'BOLT']);
  await favourites.getByRole('button', { name: 'Remove BOLT' }).click();
  await expect.poll(() => symbolsOf(favRows)).toEqual(['DYNA', 'ACME']);
  await shot(page, 'watchlists-edited');

  await energy.getByRole('button', { name: 'Delete Energy' }).click();
  const confirm = energy.getByRole('group', { name: 'Delete Energy?' });
  await expect(confirm.getByRole('button', { name: 'Keep it' })).toBeFocused();
  await shot(page, 'watchlists-delete');
  await confirm.getByRole('button', { name: 'Delete Energy' }).click();
  await expect(energy).toHaveCount(0);

  // As the server keeps them.
  await page.reload();
  await expect(page.getByRole('region', { name: /^Watchlist / })).toHaveCount(1);
  await expect.poll(() => symbolsOf(favRows)).toEqual(['DYNA', 'ACME']);
  await shot(page, 'watchlists-after-reload');
});

test('a price alert a cent above the last trade fires: a notice on any page, and it moves to the history; a waiting alert is cancelled', async ({
  page,
  server,
}) => {
  await signUp(page, uniqueName('alerter'));
  await page.getByRole('link', { name: 'Alerts', exact: true }).click();
  await expect(page).toHaveURL(/\/alerts$/);
  const form = page.getByRole('form', { name: 'New alert' });
  const waiting = page.getByTestId('waiting-alerts').locator('tr[data-alert]');
  const history = page.getByTestId('alert-history').locator('tr[data-alert]');
  await expect(page.getByTestId('waiting-alerts')).toContainText('No alerts waiting.');
  await expect(page.getByTestId('alert-history')).toContainText('None has fired yet.');

  // A level the server would refuse is said before anything is sent.
  await form.getByLabel('Level').fill('101.255');
  await form.getByRole('button', { name: 'Set alert' }).click();
  await expect(form.locator('#alert-level-error')).toHaveText('a price like 101.25');

  // A change is set at the price it comes to; this one waits, and is cancelled.
  await form.getByLabel('Symbol').selectOption('BOLT');
  await form.getByLabel('Alert when').selectOption({ label: 'Up by %' });
  await form.getByLabel('Level').fill('20');
  await form.getByRole('button', { name: 'Set alert' }).click();
  await expect(form.getByRole('status')).toHaveText(/^Alert set: BOLT up 20\.00%, at \d+\.\d{2}\.$/);
  await expect(waiting).toHaveCount(1);
  await expect(waiting.first().locator('td').nth(1)).toHaveText('up 20.00%');
  await expect(waiting.first().locator('td').nth(2)).toHaveText(PRICE);
  await shot(page, 'alerts-waiting');
  await waiting.first().getByRole('button', { name: 'Cancel the alert on BOLT up 20.00%' }).click();
  await expect(waiting).toHaveCount(0);
  await expect(page.getByTestId('waiting-alerts')).toContainText('No alerts waiting.');

  const level = centsText(cents(await lastPrice(server, 'ACME')) + 1n);
  await form.getByLabel('Symbol').selectOption('ACME');
  await form.getByLabel('Alert when').selectOption({ label: 'Price rises to' });
  await form.getByLabel('Level').fill(level);
  await form.getByLabel('Level').press('Enter');
  await expect(form.getByRole('status')).toHaveText(`Alert set: ACME rises to ${level}.`);
  await shot(page, 'alerts-set');

  // The notice shows on whatever page the player is on.
  await page.getByRole('link', { name: 'Portfolio', exact: true }).click();
  await expect(page).toHaveURL(/\/portfolio$/);
  const notices = page.getByTestId('alert-notices').locator('[data-alert]');
  // The bots may not get there: another account buys through the asks until it does.
  const lifter = await register(server, uniqueName('lifter'));
  await server.gql('mutation { deposit(amount: "1000000.00") { id } }', {}, lifter.token);
  await expect(async () => {
    if ((await notices.count()) === 0) {
      await server.gql('mutation { placeOrder(input: { symbol: "ACME", side: BUY, type: MARKET, quantity: 200 }) { id } }', {}, lifter.token);
    }
    await expect(notices).toHaveCount(1, { timeout: 3_000 });
  }).toPass({ timeout: 90_000, intervals: [1_000] });
  const notice = notices.first();
  await expect(notice).toContainText(`ACME rose to ${level}: traded at `);
  await shot(page, 'portfolio-alert-notice');

  await notice.getByRole('link', { name: 'See alerts' }).click();
  await expect(page).toHaveURL(/\/alerts$/);
  await expect(history).toHaveCount(1);
  await expect(history.first().locator('td').nth(1)).toHaveText(`rises to ${level}`);
  const firedAt = await history.first().locator('td').nth(3).innerText();
  expect(cents(firedAt)).toBeGreaterThanOrEqual(cents(level));
  await expect(notice).toContainText(`traded at ${firedAt}.`);
  await expect(history.first().locator('td').nth(4).locator('time')).toBeVisible();
  await expect(waiting).toHaveCount(0);
  await shot(page, 'alerts-fired');

  // Dismissed with the keyboard.
  await notice.getByRole('button', { name: 'Dismiss the alert on ACME' }).focus();
  await page.keyboard.press('Enter');
  await expect(notices).toHaveCount(0);
});

test('the company chart has indicator toggles and draws an SMA; the company page sets an alert', async ({ page }) => {
  // A young market: a line of SMA 2 takes three one-minute candles.
  test.setTimeout(300_000);
  await signUp(page, uniqueName('charter'));
  await page.goto('/company/ACME');
  await expect(page.getByTestId('chart').locator('canvas').first()).toBeVisible();
  const tools = page.getByRole('group', { name: 'Indicators' });
  for (const name of ['SMA 20', 'EMA 20', 'Bollinger 20', 'RSI 14']) {
    await expect(tools.getByRole('button', { name })).toHaveAttribute('aria-pressed', 'false');
  }
  // A period a young market has candles for.
  await page.getByLabel('Period').fill('2');
  const sma = tools.getByRole('button', { name: 'SMA 2' });
  await sma.click();
  await expect(sma).toHaveAttribute('aria-pressed', 'true');
  const chart = page.getByTestId('chart');
  await expect(chart).toHaveAttribute('data-lines', /\bSMA\b/, { timeout: 240_000 });
  await tools.getByRole('button', { name: 'Bollinger 2' }).click();
  await expect(chart).toHaveAttribute('data-lines', /\bBOLLINGER_UPPER\b.*\bBOLLINGER_LOWER\b/);
  await tools.getByRole('button', { name: 'RSI 14' }).click();
  await expect(tools.getByRole('button', { name: 'RSI 14' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByLabel('Period').fill('0');
  await expect(page.locator('#period-error')).toHaveText('a period from 1 to 200');
  await page.getByLabel('Period').fill('2');
  await expect(chart).toHaveAttribute('data-lines', /\bSMA\b/);
  await shot(page, 'company-indicators');
  await tools.getByRole('button', { name: 'SMA 2' }).click();
  await expect(chart).not.toHaveAttribute('data-lines', /\bSMA\b/);

  const alertMe = page.getByRole('form', { name: 'Alert me on ACME' });
  await alertMe.getByLabel('Alert when').selectOption({ label: 'Price falls to' });
  await alertMe.getByLabel('Level').fill('1.00');
  await alertMe.getByRole('button', { name: 'Set alert' }).click();
  await expect(alertMe.getByRole('status')).toHaveText('Alert set: ACME falls to 1.00.');
  await shot(page, 'company-alert-me');
  await page.getByRole('link', { name: 'Alerts', exact: true }).click();
  await expect(page.getByTestId('waiting-alerts').locator('tr[data-alert]')).toHaveCount(1);
  await expect(page.getByTestId('waiting-alerts')).toContainText('falls to 1.00');
});
