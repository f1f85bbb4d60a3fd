import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { Server } from './server';

/** Screenshots of every page a test visits, for review (test-results/screens, gitignored). */
export const SCREENS = join(import.meta.dirname, '..', 'test-results', 'screens');

export async function shot(page: Page, name: string) {
  mkdirSync(SCREENS, { recursive: true });
  const { width, height } = page.viewportSize() ?? { width: 0, height: 0 };
  const title = base
    .info()
    .title.replace(/[^a-z0-9]+/gi, '-')
    .toLowerCase();
  await page.screenshot({ path: join(SCREENS, `${title}--${name}--${width}x${height}.png`), fullPage: true });
}

let counter = 0;
/** A username no other test uses. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`;
}

export const test = base.extend<object, { server: Server }>({
  server: [
    async ({}, use) => {
      const server = await Server.fresh();
      await use(server);
      await server.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ server }, use) => use(server.url),
});

export { expect };

/** Signs up through the form; lands on the portfolio. */
export async function signUp(page: Page, username: string, role: 'INDIVIDUAL' | 'CORPORATE' = 'INDIVIDUAL') {
  await page.goto('/signup');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(username);
  await page.getByLabel('Password').fill('a long password');
  if (role === 'CORPORATE') await page.getByLabel(/Corporate/).check();
  await shot(page, 'signup');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/portfolio$/);
}

export async function signIn(page: Page, username: string, password: string, base = '') {
  await page.goto(`${base}/signin`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/portfolio$/);
}

export async function deposit(page: Page, amount: string) {
  await page.goto('/portfolio');
  await page.getByLabel('Amount').fill(amount);
  await page.getByRole('button', { name: 'Deposit' }).click();
  await expect(page.getByTestId('ledger').locator('tr[data-kind="DEPOSIT"]').first()).toBeVisible();
}

export async function openCompany(page: Page, symbol: string) {
  await page.goto(`/company/${symbol}`);
  await expect(page.getByTestId('ladder').locator('tr.bid').first()).toBeVisible();
  await expect(page.getByTestId('available-cash')).not.toHaveText('—');
}

/** `minutes` from now as a datetime-local value; the browser runs on this machine, in its time zone. */
export function localInput(minutes: number): string {
  const d = new Date(Date.now() + minutes * 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** An INDIVIDUAL account made over the API, for setup the test is not about. */
export async function register(server: Server, username: string, password = 'a long password'): Promise<{ token: string; id: string }> {
  const data = await server.gql<{ register: { accessToken: string; account: { id: string } } }>(
    'mutation($input: RegisterInput!) { register(input: $input) { accessToken account { id } } }',
    { input: { username, password, displayName: username, role: 'INDIVIDUAL' } },
  );
  return { token: data.register.accessToken, id: data.register.account.id };
}

/** A price as shown or answered ("1,234.5") in cents. */
export function cents(price: string): bigint {
  const [whole, frac = '00'] = price.replace(/,/g, '').split('.');
  return BigInt(whole) * 100n + BigInt(frac.padEnd(2, '0'));
}

/** Cents as a decimal string ("12345" → "123.45"). */
export function centsText(cents: bigint): string {
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/** A price on the book's bid side well under the best bid (`percent` of it), in cents arithmetic. */
export async function restingBuyPrice(page: Page, percent = 90n): Promise<string> {
  const bid = await page.getByTestId('ladder').locator('tr.bid').first().locator('td').last().innerText();
  return centsText((cents(bid) * percent) / 100n);
}
