import path from 'node:path';
import { test, expect, type Browser, type Page } from '@playwright/test';
import { SCREENSHOT_DIR, appUrl } from './helpers/app';

/**
 * The two pickers that choose a certificate from this machine's stores (Private keys, and Diagnose's
 * "from this machine's stores") show the listing's progress while the stores are read, then the
 * matches. The listing is held back here until the picture is taken, as a slow machine (hundreds of
 * certificates, a domain-joined store) holds it; photographed at the three desk sizes.
 */

const SIZES = [
  { name: '1366x768', viewport: { width: 1366, height: 768 }, scale: 1 },
  { name: '1024x700', viewport: { width: 1024, height: 700 }, scale: 1 },
  { name: 'zoom150', viewport: { width: 911, height: 512 }, scale: 1.5 },
] as const;

/** A page whose first store listing waits until `release` is called. */
async function pageWithSlowStores(browser: Browser, size: (typeof SIZES)[number]): Promise<{ page: Page; release: () => void }> {
  const context = await browser.newContext({ viewport: size.viewport, deviceScaleFactor: size.scale });
  const page = await context.newPage();
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/stores:list', async (route) => {
    await held;
    await route.continue();
  });
  return { page, release };
}

for (const size of SIZES) {
  test(`both store pickers show the listing's progress, then the matches, at ${size.name}`, async ({ browser }) => {
    const { page, release } = await pageWithSlowStores(browser, size);
    await page.goto(`${await appUrl()}#/keys`);
    await expect(page.getByTestId('mode')).toBeVisible();
    const keysProgress = page.getByTestId('key-stores-progress');
    await expect(keysProgress).toBeVisible();
    await expect(keysProgress.getByRole('progressbar', { name: 'Reading the certificate stores' })).toBeVisible();
    await expect(page.getByTestId('key-stores-progress-label')).toHaveText(/^Reading the stores/);
    await expect(page.getByTestId('key-suggestions-count')).toHaveCount(0);
    await page.getByTestId('key-search').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `store-picker-keys-reading-${size.name}.png`) });

    await page.goto(`${await appUrl()}#/diagnose`);
    await page.getByTestId('diag-live').getByTestId('diag-cert-store').click();
    const diagProgress = page.getByTestId('diag-store-progress');
    await expect(diagProgress).toBeVisible();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `store-picker-diagnose-reading-${size.name}.png`) });

    release();
    await expect(diagProgress).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByTestId('diag-store-count')).toBeVisible();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `store-picker-diagnose-listed-${size.name}.png`) });
    await page.context().close();
  });
}
