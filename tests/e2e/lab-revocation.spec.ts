import fs from 'node:fs';
import path from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { SCREENSHOT_DIR, appUrl, startLabFromPage } from './helpers/app';
import { expectAccessible, clippedAtRight } from './helpers/a11y';

/**
 * The Lab page lists the revocation scenario's certificates the way it lists the scenarios: each
 * case with what it is for, what a check of it reads, and its files (which exist), with how to use
 * them on the Certificates page and in Diagnose; photographed at 1366x768, 1024x700 and 150% with
 * nothing clipped and no accessibility violation.
 */
test.describe.configure({ mode: 'serial' });

const SIZES = [
  { name: '1366x768', viewport: { width: 1366, height: 768 }, scale: 1 },
  { name: '1024x700', viewport: { width: 1024, height: 700 }, scale: 1 },
  { name: 'zoom150', viewport: { width: 911, height: 512 }, scale: 1.5 },
] as const;

const CASES = ['good', 'revoked', 'delta-revoked', 'unreachable', 'stale-crl', 'ocsp-unknown', 'oversized-crl', 'redirect-loop'];

async function scrollTo(page: Page, testId: string): Promise<void> {
  await page.getByTestId(testId).evaluate((el) => {
    const top = el.getBoundingClientRect().top + window.scrollY - (document.querySelector('.top-bar')?.getBoundingClientRect().height ?? 0) - 8;
    window.scrollTo({ top });
  });
}

test('the revocation cases: what each is for, what a check reads, files that exist, how to use them', async ({ browser }) => {
  test.setTimeout(180_000);
  const context = await browser.newContext({ viewport: SIZES[0].viewport });
  const page = await context.newPage();
  await page.goto(`${await appUrl()}#/lab`);
  await expect(page.getByTestId('mode')).toBeVisible();
  await startLabFromPage(page);
  const section = page.getByTestId('lab-revocation');
  // The scenario's row leads to its certificates further down.
  await page.getByTestId('lab-revocation-jump').click();
  await expect(page.locator('#lab-revocation-title')).toBeInViewport();
  // Below the top bar, not under it.
  const [bar, heading] = await page.evaluate(() => [document.querySelector('.top-bar')!.getBoundingClientRect().bottom, document.getElementById('lab-revocation-title')!.getBoundingClientRect().top]);
  expect(heading).toBeGreaterThanOrEqual(bar!);
  await expect(section).toContainText('Check revocation');
  await expect(section).toContainText(/http:\/\/127\.0\.0\.1:\d+/);
  const rows = page.getByTestId('lab-revocation-case');
  expect(await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.case))).toEqual(CASES);
  await expect(page.locator('[data-testid="lab-revocation-case"][data-case="revoked"]')).toContainText('Revoked (keyCompromise) per CRL');
  await expect(page.locator('[data-testid="lab-revocation-case"][data-case="unreachable"]')).toContainText('Could not check: timeout');
  // Each file is named in its row; its whole path (the copy button's) is its title, and it exists.
  const files = await section.locator('code.lab-inline[title]').evaluateAll((els) => els.map((e) => e.getAttribute('title')!));
  expect(files).toHaveLength(CASES.length * 3 + 2);
  for (const f of files) expect(fs.existsSync(f), f).toBe(true);
  expect(fs.statSync((await page.getByTestId('lab-revocation-folder').innerText()).trim()).isDirectory()).toBe(true);
  await expect(section.getByTestId('copy-button')).toHaveCount(CASES.length * 3 + 3);
  await context.close();
});

for (const size of SIZES) {
  test(`the Lab page with the revocation cases at ${size.name}`, async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ viewport: size.viewport, deviceScaleFactor: size.scale });
    const page = await context.newPage();
    await page.goto(`${await appUrl()}#/lab`);
    await expect(page.getByTestId('mode')).toBeVisible();
    await expect(page.getByTestId('lab-status')).toBeVisible();
    if ((await page.getByTestId('lab-status').getAttribute('data-running')) !== 'true') await startLabFromPage(page);
    await expect(page.getByTestId('lab-revocation')).toBeVisible();
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `lab-revocation-${size.name}-top.png`) });
    await scrollTo(page, 'lab-revocation');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `lab-revocation-${size.name}.png`) });
    expect(await clippedAtRight(page), size.name).toEqual([]);
    await expectAccessible(page, `Lab with revocation cases at ${size.name}`);
    await context.close();
  });
}
