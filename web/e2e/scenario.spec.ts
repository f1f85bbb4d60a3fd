import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { shot, signIn } from './fixtures';
import { ADMIN, Server } from './server';

test('an admin pauses, resumes and stops a live scenario run and reads its summary', async ({ page }) => {
  const server = await Server.scenario(join(import.meta.dirname, '..', '..', 'scenarios', 'classroom.toml'));
  try {
    await signIn(page, ADMIN.username, ADMIN.password, server.url);
    await page.getByRole('link', { name: 'Scenarios' }).click();
    const run = page.locator('li.run').first();
    await expect(run).toContainText('classroom');
    await expect(run.locator('.badge')).toHaveText('running');
    await shot(page, 'scenarios-running');
    await run.getByRole('button', { name: 'Pause' }).click();
    await expect(run.locator('.badge')).toHaveText('paused');
    await run.getByRole('button', { name: 'Resume' }).click();
    await expect(run.locator('.badge')).toHaveText('running');
    await run.getByRole('button', { name: 'Stop' }).click();
    await expect(run.locator('.badge')).toHaveText('stopped');
    await run.getByText('Summary').click();
    await expect(run.locator('pre.summary')).toContainText('ACME');
    // Signing in replaced the anonymous connection; the new one stays live.
    await expect(page.getByTestId('link')).toHaveAttribute('data-link', 'live');
    await expect(page.getByTestId('disconnected')).toBeHidden();
    await shot(page, 'scenarios-stopped');
  } finally {
    await server.stop();
  }
});
