import { expect, shot, signUp, test, uniqueName } from './fixtures';

test('a reused refresh token signs the account out: the client shows sign-in once, with no retry loop', async ({ page, server }) => {
  await signUp(page, uniqueName('reuse'));
  const stored = JSON.parse((await page.evaluate(() => localStorage.getItem('marketlab.session')))!) as { refreshToken: string };
  const refresh = 'mutation($t: String!) { refreshToken(refreshToken: $t) { refreshToken } }';
  // Someone else swaps the token, then uses the old one again: every token of the account is revoked.
  await server.gql(refresh, { t: stored.refreshToken });
  await expect(server.gql(refresh, { t: stored.refreshToken })).rejects.toThrow();

  // The page's access token runs out: it must refresh with the revoked token.
  await page.evaluate(() => {
    const s = JSON.parse(localStorage.getItem('marketlab.session')!);
    s.expiresAt = new Date(Date.now() - 1000).toISOString();
    localStorage.setItem('marketlab.session', JSON.stringify(s));
  });
  let refreshes = 0;
  page.on('request', (r) => {
    if (r.method() === 'POST' && (r.postData() ?? '').includes('refreshToken(')) refreshes += 1;
  });
  await page.goto('/portfolio');
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByTestId('session-ended')).toContainText('sign in again');
  await expect(page.getByRole('link', { name: 'Sign up' })).toBeVisible();
  await page.waitForTimeout(2_000);
  expect(refreshes).toBe(1);
  await expect(page).toHaveURL(/\/signin$/);
  await shot(page, 'signin-after-reuse');
});
