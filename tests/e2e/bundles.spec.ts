import dns from 'node:dns/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, type Browser, type Locator, type Page } from '@playwright/test';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { openApp, screenshot, viewShot, startLabFromPage } from './helpers/app';

/**
 * Diagnostic bundles end to end, on the real `certbench serve`: the Lab's handshake scenario is diagnosed from
 * the Bundles page's "collect now" form and exported with host names and IP addresses redacted; the
 * download is unzipped here and read file by file (the redaction holds, no private key anywhere);
 * then it is opened through the Open panel and shown read-only on Diagnose; a bundle from a newer
 * format, a truncated zip and a file over 16 MB are refused in one line each; and a diagnosis made
 * on the Diagnose page is exported as it is, not collected again.
 *
 * The lab listens on 127.0.0.1, and loopback names and addresses identify no one, so the redaction
 * keeps them (shared/bundle/redact.ts); the name that must go is this machine's, which the bundle
 * carries as its host and, where it resolves to the lab's loopback address, as the probed server.
 * The steps share one page (the session's exported list and the opened bundle live in it).
 */

test.describe.configure({ mode: 'serial' });

const nav = (page: Page, area: string): Locator => page.locator(`[data-testid="nav-item"][data-area="${area}"]`);
const redact = (page: Page, kind: string): Locator => page.locator(`[data-testid="bundle-redact"][data-kind="${kind}"]`);

/** PEM armour of any private key (PKCS#1, PKCS#8, encrypted PKCS#8, EC, OpenSSH). */
const PRIVATE_KEY_ARMOUR = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;

let page: Page;
const pageErrors: string[] = [];
let downloaded = '';
let manifest: { host: string; createdAt: string; redactions: string[]; files: { path: string }[]; collected: string[] };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-bundles-e2e-'));

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  page = await browser.newPage({ viewport: { width: 1360, height: 860 }, acceptDownloads: true });
  // An uncaught error blanks the React tree; every step checks none happened.
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

test.afterEach(() => {
  expect(pageErrors, 'uncaught errors in the page').toEqual([]);
});

test.afterAll(async () => {
  await page?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

async function showBundles(): Promise<void> {
  await nav(page, 'bundles').click();
  await expect(page.getByTestId('bundles-pane')).toBeVisible();
}

/** Nothing on the Bundles page is wider than the 1360x860 window (long paths and names wrap). */
async function expectNothingTooWide(): Promise<void> {
  const wide = await page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth) out.push(`document ${doc.scrollWidth} > ${doc.clientWidth}`);
    document.querySelectorAll<HTMLElement>('[data-testid="bundles-pane"] .bundles-card, [data-testid="bundles-pane"] .bundle-banner').forEach((el) => {
      if (el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1) out.push(`${el.dataset.testid ?? el.className} ${el.scrollWidth} > ${el.clientWidth}`);
    });
    return out;
  });
  expect(wide).toEqual([]);
}

/**
 * `name` as a whole token (not inside a longer name or word), outside PEM bodies: a short host name
 * such as "vm" may turn up inside base64 by chance, which says nothing about redaction.
 */
function namesHost(text: string, name: string): boolean {
  const outsidePem = text.replace(/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g, '');
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_-])${escaped}($|[^A-Za-z0-9_-])`, 'i').test(outsidePem);
}

/** A URL of the lab under this machine's own name, when that name resolves to the lab's loopback address. */
async function underMachineName(labUrl: string): Promise<string> {
  const name = os.hostname();
  const address = await dns.lookup(name, { family: 4 }).catch(() => null);
  if (!address?.address.startsWith('127.')) return labUrl;
  const u = new URL(labUrl);
  u.hostname = name;
  return u.toString();
}

/** Every file of a zip as text (binary files too: armour or a host name in them would still show). */
function zipTexts(zipPath: string): Map<string, string> {
  const entries = unzipSync(new Uint8Array(fs.readFileSync(zipPath)));
  return new Map(Object.entries(entries).map(([name, bytes]) => [name, strFromU8(bytes, true)]));
}

test('the page says what to do before anything was exported: options, redactions with examples, empty states', async () => {
  await openApp(page);
  await showBundles();
  // No diagnosis in this session: the form to collect now, and where a fuller collection is made.
  await expect(page.getByTestId('bundle-no-report')).toContainText('Diagnose page');
  await expect(page.getByTestId('bundle-collect-form')).toBeVisible();
  await expect(page.getByTestId('bundle-include-stores')).toBeChecked();
  await expect(page.getByTestId('bundle-redact')).toHaveCount(4);
  await expect(page.getByTestId('bundle-redactions')).toContainText('shop.contoso.com → host-1.example');
  await expect(page.getByTestId('bundle-redactions')).toContainText('IIS AppPool\\Shop → account-1');
  await expect(page.getByTestId('bundle-redactions')).toContainText('10.0.1.50 → 10.255.0.1');
  await expect(page.getByTestId('bundle-redactions')).toContainText('CN=Alice → CN=Subject 1 (certificate files are left out)');
  await expect(page.getByTestId('bundle-never')).toHaveText('Never included: private keys, PFX files, passwords.');
  await expect(page.getByTestId('bundle-exported-empty')).toBeVisible();
  await expect(page.getByTestId('bundle-summary')).toHaveCount(0);
  await expectNothingTooWide();
  await viewShot(page, '80-bundles-export-options');
});

test('a file over 16 MB is refused by the page itself, in one line, without being sent', async () => {
  let sent = false;
  await page.route('**/api/bundle:open', async (route) => {
    sent = true;
    await route.continue();
  });
  await page.getByTestId('bundle-file-input').setInputFiles({ name: 'capture.zip', mimeType: 'application/zip', buffer: Buffer.alloc(17 * 1024 * 1024) });
  await expect(page.getByTestId('bundle-open-error-line')).toHaveText('capture.zip is 17 MB; a bundle opened here is at most 16 MB.');
  expect(sent).toBe(false);
  await page.unroute('**/api/bundle:open');
  await page.getByTestId('bundle-open-error-dismiss').click();
  await expect(page.getByTestId('bundle-open-error')).toHaveCount(0);
});

test("export of a real diagnosis of the Lab's handshake scenario, hosts and IPs redacted: the zip holds neither, nor any key", async () => {
  test.setTimeout(180_000);
  // The Lab serves the scenario on 127.0.0.1 (started from its page as a user would).
  await startLabFromPage(page);
  const row = page.locator('[data-testid="lab-scenario"][data-scenario="handshake"]');
  const url = (await row.getByTestId('lab-url').innerText()).trim();
  expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
  const keyPem = fs.readFileSync((await page.getByTestId('lab-client-key').innerText()).trim(), 'utf8');
  const keyBody = keyPem.split('\n').find((l) => /^[A-Za-z0-9+/]{40,}$/.test(l)) ?? '';
  expect(keyBody).not.toBe('');

  const probed = await underMachineName(url);

  await showBundles();
  await page.getByTestId('bundle-url').fill(probed);
  await redact(page, 'hosts').check();
  await redact(page, 'ips').check();
  await page.getByTestId('bundle-export-run').click();
  await expect(page.getByTestId('bundle-export-progress')).toBeVisible();
  await expect(page.getByTestId('bundle-result')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('bundle-export-progress')).toHaveCount(0);
  await expect(page.getByTestId('bundle-result-size')).toContainText('redacted: host names and IP addresses');
  const fileName = (await page.getByTestId('bundle-result-name').innerText()).trim();
  expect(fileName).toMatch(/\.zip$/);
  const savedPath = (await page.getByTestId('bundle-result-path').innerText()).trim();
  await expect(page.getByTestId('bundle-collected').locator('li').first()).toBeVisible();
  await expectNothingTooWide();
  await page.getByTestId('bundle-result').scrollIntoViewIfNeeded();
  await viewShot(page, '81-bundles-export-result');

  // Download: the same bytes as the file the service saved.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bundle-download').click()]);
  expect(download.suggestedFilename()).toBe(fileName);
  downloaded = path.join(work, fileName);
  await download.saveAs(downloaded);
  expect(fs.readFileSync(downloaded).equals(fs.readFileSync(savedPath))).toBe(true);

  const texts = zipTexts(downloaded);
  manifest = JSON.parse(texts.get('manifest.json') ?? 'null');
  expect(manifest.redactions).toEqual(expect.arrayContaining(['hosts', 'ips']));
  expect(texts.has('report.json')).toBe(true);
  // The page listed what the manifest says was collected.
  await expect(page.getByTestId('bundle-collected').locator('li')).toHaveCount(manifest.collected.length);
  const labPort = new URL(url).port;
  const machine = os.hostname();
  for (const [name, text] of texts) {
    expect(namesHost(text, machine), `${name} names this machine (${machine})`).toBe(false);
    expect(text, `${name} carries private key armour`).not.toMatch(PRIVATE_KEY_ARMOUR);
    expect(text, `${name} carries the lab client key`).not.toContain(keyBody);
  }
  // The probe did reach the lab (its port survives redaction; only the host is replaced).
  expect([...texts.values()].some((t) => t.includes(`:${labPort}`))).toBe(true);
  expect(manifest.host).not.toBe(machine);
  const report = JSON.parse(texts.get('report.json')!);
  expect(report.host).toBe(manifest.host);
  // Without the redaction the same export names the machine: the check above can fail.
  expect(namesHost(JSON.stringify({ host: machine, url: probed }), machine)).toBe(true);

  // Listed for this session, with the same size.
  const listed = page.locator(`[data-testid="bundle-exported-row"][data-file="${fileName}"]`);
  await expect(listed).toBeVisible();
  await expect(listed).toContainText('host names and IP addresses');
});

test('the downloaded bundle opens through the Open panel: Diagnose shows it read-only, from its host and time', async () => {
  test.skip(!downloaded, 'needs the export above');
  await page.getByTestId('bundle-file-input').setInputFiles(downloaded);
  await expect(nav(page, 'findings')).toHaveAttribute('aria-current', 'page', { timeout: 30_000 });
  const banner = page.locator('[data-area="findings"]').getByTestId('bundle-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute('data-host', manifest.host);
  // As the app writes dates everywhere: local time with the zone (renderer/src/lib/dates.ts).
  const when = await page.evaluate(
    (iso) => new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(new Date(iso)),
    manifest.createdAt,
  );
  await expect(banner).toContainText(`Read-only bundle from ${manifest.host}`);
  await expect(banner).toContainText(when);
  await expect(banner).toContainText('redacted: hosts, ips');

  // Back on Bundles: the banner and the bundle's summary from its manifest.
  await showBundles();
  const summary = page.getByTestId('bundle-summary');
  await expect(page.locator('[data-area="bundles"]').getByTestId('bundle-banner')).toBeVisible();
  await expect(summary.getByTestId('bundle-fact-host')).toHaveText(manifest.host);
  await expect(summary.getByTestId('bundle-fact-redactions')).toHaveText('host names and IP addresses');
  await expect(summary.getByTestId('bundle-fact-commands')).toContainText(/\d+ commands?/);
  // The files the manifest lists with their sizes (the first dozen until "Show all").
  await expect(summary.getByTestId('bundle-file-row')).toHaveCount(Math.min(12, manifest.files.length));
  await expect(summary.getByTestId('bundle-files')).toContainText('report.json');
  await expectNothingTooWide();
  await viewShot(page, '82-bundles-opened');
  await screenshot(page, '82-bundles-opened-full');

  // "Show on Diagnose" goes there; Close bundle clears it everywhere.
  await summary.getByTestId('bundle-show-diagnose').click();
  await expect(nav(page, 'findings')).toHaveAttribute('aria-current', 'page');
  await showBundles();
  await page.locator('[data-area="bundles"]').getByTestId('bundle-close').click();
  await expect(page.getByTestId('bundle-summary')).toHaveCount(0);
  await expect(page.getByTestId('bundle-banner')).toHaveCount(0);
});

test('"Open it here" and "Open again" open the saved bundle by its path', async () => {
  test.skip(!downloaded, 'needs the export above');
  await page.getByTestId('bundle-open-here').click();
  await expect(nav(page, 'findings')).toHaveAttribute('aria-current', 'page', { timeout: 30_000 });
  await expect(page.locator('[data-area="findings"]').getByTestId('bundle-banner')).toHaveAttribute('data-host', manifest.host);
  await showBundles();
  await page.locator('[data-area="bundles"]').getByTestId('bundle-close').click();
  await page.getByTestId('bundle-exported-open').first().click();
  await expect(nav(page, 'findings')).toHaveAttribute('aria-current', 'page', { timeout: 30_000 });
  await showBundles();
  await page.locator('[data-area="bundles"]').getByTestId('bundle-close').click();
});

test('a bundle from a newer format version is refused: "newer Certbench", in one line', async () => {
  const newer = zipSync({
    'manifest.json': strToU8(
      JSON.stringify({
        format: 'certbench-bundle',
        formatVersion: 99,
        appVersion: '9.0.0',
        createdAt: '2031-01-01T00:00:00.000Z',
        host: 'host-1.example',
        os: { platform: 'win32', release: '10.0.26100' },
        collected: ['something this Certbench cannot read'],
        redactions: [],
        files: [],
      }),
    ),
    'report.json': strToU8('{"schemaVersion":99}'),
  });
  await page.getByTestId('bundle-file-input').setInputFiles({ name: 'from-the-future.zip', mimeType: 'application/zip', buffer: Buffer.from(newer) });
  const line = page.getByTestId('bundle-open-error-line');
  await expect(line).toContainText(/newer Certbench/i);
  await expect(line).toContainText('from-the-future.zip');
  expect((await line.innerText()).includes('\n')).toBe(false);
  await expect(nav(page, 'bundles')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('bundle-banner')).toHaveCount(0);
  await page.getByTestId('bundle-open').scrollIntoViewIfNeeded();
  await viewShot(page, '83-bundles-open-error-newer');
});

test('a truncated zip gives the corrupt-bundle error', async () => {
  test.skip(!downloaded, 'needs the export above');
  const whole = fs.readFileSync(downloaded);
  await page.getByTestId('bundle-file-input').setInputFiles({ name: 'cut-short.zip', mimeType: 'application/zip', buffer: whole.subarray(0, Math.floor(whole.length / 2)) });
  const line = page.getByTestId('bundle-open-error-line');
  await expect(line).toContainText('cut-short.zip');
  await expect(line).toContainText(/corrupt|truncated|damaged|incomplete/i);
  await expect(page.getByTestId('bundle-banner')).toHaveCount(0);
  await viewShot(page, '84-bundles-open-error-truncated');
});

test('after a diagnosis on the Diagnose page, the export offers it and sends that report instead of collecting again', async () => {
  test.setTimeout(120_000);
  const url = (await page.locator('[data-testid="lab-scenario"][data-scenario="handshake"]').getByTestId('lab-url').innerText()).trim();
  await nav(page, 'findings').click();
  const live = page.getByTestId('diag-live');
  await live.getByTestId('diag-url').fill(url);
  await live.getByTestId('diag-run').click();
  await expect(live.getByTestId('diag-report')).toBeVisible({ timeout: 90_000 });

  await showBundles();
  await expect(page.getByTestId('bundle-source-last')).toBeChecked();
  await expect(page.getByTestId('bundle-last-report')).toContainText(/^The last diagnosis \(.+, .+\)$/);
  await expect(page.getByTestId('bundle-collect-form')).toHaveCount(0);
  await viewShot(page, '85-bundles-last-diagnosis');
  const [request] = await Promise.all([page.waitForRequest('**/api/bundle:export'), page.getByTestId('bundle-export-run').click()]);
  const sent = request.postDataJSON().request;
  expect(sent.report?.request?.url).toBe(url);
  expect(sent.diagnose).toBeUndefined();
  await expect(page.getByTestId('bundle-result')).toBeVisible({ timeout: 60_000 });
  // Two exports in this session now, newest first.
  await expect(page.getByTestId('bundle-exported-row')).toHaveCount(2);

  // "A new collection, made now" brings the form back.
  await page.getByTestId('bundle-source-now').check();
  await expect(page.getByTestId('bundle-collect-form')).toBeVisible();
});
