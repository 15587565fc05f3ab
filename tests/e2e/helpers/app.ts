import fs from 'node:fs';
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

/** Where playwright.config.mts's webServer writes the tokened URL of `certbench serve`. */
export const URL_FILE = path.resolve(`.tmp/e2e/url-${process.env.CERTBENCH_E2E_PORT ?? 47813}.txt`);

/** HOME of the web mode's server (scripts/e2e-server.mjs): where its PowerShell keeps the .NET certificate stores. */
export const E2E_HOME = path.resolve(`.tmp/e2e/home-${process.env.CERTBENCH_E2E_PORT ?? 47813}`);

/**
 * The tokened URL of the web mode. Playwright starts the server and waits for its port; the URL
 * file is written just after the listen, so poll for it rather than assume it is there.
 */
export async function appUrl(): Promise<string> {
  let url = '';
  await expect
    .poll(
      () => {
        try {
          url = fs.readFileSync(URL_FILE, 'utf8').trim();
        } catch {
          url = '';
        }
        return url;
      },
      { message: `waiting for ${URL_FILE}`, timeout: 30_000 },
    )
    .toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  return url;
}

/**
 * Open the app at an area's address (the certificate view unless told; a fresh window without an
 * address shows the first screen, which screens.spec.ts covers) and wait until it has talked to the
 * service once (the top bar shows the mode).
 */
export async function openApp(page: Page, hash = '#/certificates'): Promise<void> {
  await page.goto(`${await appUrl()}${hash}`);
  await expect(page.getByTestId('mode')).toBeVisible();
}

export const SCREENSHOT_DIR = path.resolve('test-results/screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Drop files on an element the way a user's drag from the file manager does: a DataTransfer built
 * in the page, carried by dragenter, dragover and drop events.
 */
export async function dropFiles(page: Page, testId: string, files: { name: string; path: string }[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, base64: fs.readFileSync(f.path).toString('base64') }));
  await page.getByTestId(testId).evaluate((target, items) => {
    const dt = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.base64), (ch) => ch.charCodeAt(0));
      dt.items.add(new File([bytes], item.name));
    }
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, payload);
}

/** What the user sees at 1360x860 right now (not the whole page): for judging a view as a user would. */
export async function viewShot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Nothing on the page is wider than the window (long DNs, hashes and URLs must wrap). */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => {
    const wide: string[] = [];
    const pane = document.querySelector('[data-testid="certificates-pane"]');
    if (pane && pane.scrollWidth > pane.clientWidth) wide.push(`pane ${pane.scrollWidth} > ${pane.clientWidth}`);
    if (document.documentElement.scrollWidth > document.documentElement.clientWidth) {
      wide.push(`document ${document.documentElement.scrollWidth} > ${document.documentElement.clientWidth}`);
    }
    const selector = [
      'cert-card',
      'file-error',
      'verdict',
      'chain-box',
      'chain-missing',
      'validity-timeline',
      'asn1-tree',
      'password-prompt',
      'cert-dialog',
    ]
      .map((id) => `[data-testid="${id}"]`)
      .join(', ');
    document.querySelectorAll<HTMLElement>(selector).forEach((el) => {
      if (el.offsetParent === null && el.tagName !== 'DIALOG') return; // not rendered
      if (el.scrollWidth > el.clientWidth + 1) wide.push(`${el.dataset.testid} ${el.scrollWidth} > ${el.clientWidth}`);
    });
    return wide;
  });
  expect(overflow).toEqual([]);
}

/**
 * Start (or restart) the Lab from its page and wait until it has settled: the button is enabled
 * again and the lab runs. A lab left running by an earlier spec is restarted on new ports, so the
 * URLs are read only after the restart, never from the lab it replaces.
 */
export async function startLabFromPage(page: Page): Promise<void> {
  await page.locator('[data-testid="nav-item"][data-area="lab"]').click();
  const start = page.getByTestId('lab-start');
  await start.click();
  await expect(start).toBeEnabled({ timeout: 90_000 });
  await expect(page.getByTestId('lab-progress')).toHaveCount(0);
  await expect(page.getByTestId('lab-status')).toHaveAttribute('data-running', 'true', { timeout: 90_000 });
}

/**
 * The Certificates area shows one opened file's details at a time (the compact list chooses which):
 * choose `name` in the list when there is one, and return its details.
 */
export async function showFile(page: Page, name: string): Promise<Locator> {
  const row = page.locator(`[data-testid="opened-item"][data-file="${name}"]`);
  if (await page.getByTestId('opened-list').count()) {
    await row.click();
    await expect(row).toHaveAttribute('aria-current', 'true');
  }
  const details = page.locator(`[data-testid="file-result"][data-file="${name}"]`);
  await expect(details).toHaveCount(1);
  return details;
}

/** Waits until `count` files are open: rows of the compact list when there are several, else one details section. */
export async function expectOpenedCount(page: Page, count: number): Promise<void> {
  if (count > 1) await expect(page.getByTestId('opened-item')).toHaveCount(count);
  else await expect(page.getByTestId('file-result')).toHaveCount(count);
}
