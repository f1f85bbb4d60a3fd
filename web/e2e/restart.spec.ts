import { expect, test } from '@playwright/test';
import { shot } from './fixtures';
import { Server } from './server';

test('the server is killed and restarted; the page reconnects by itself and shows live prices again', async ({ page }) => {
  const server = await Server.fresh();
  try {
    await page.goto(`${server.url}/company/ACME`);
    const ladder = page.getByTestId('ladder');
    await expect(page.getByTestId('link')).toHaveAttribute('data-link', 'live');
    await expect(ladder).not.toHaveAttribute('data-sequence', '');
    await shot(page, 'live');

    await server.kill();
    await expect(page.getByTestId('disconnected')).toBeVisible();
    await shot(page, 'disconnected');

    await server.start();
    await expect(page.getByTestId('disconnected')).toBeHidden({ timeout: 60_000 });
    await expect(page.getByTestId('link')).toHaveAttribute('data-link', 'live');
    await expect(ladder).not.toHaveAttribute('data-sequence', '');
    const sequence = await ladder.getAttribute('data-sequence');
    await expect(ladder).not.toHaveAttribute('data-sequence', sequence!, { timeout: 60_000 });
    await expect(page.getByTestId('company-last')).not.toHaveText('—');
    await shot(page, 'reconnected');
  } finally {
    await server.stop();
  }
});
