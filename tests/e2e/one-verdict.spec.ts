import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, type Browser, type Locator, type Page } from '@playwright/test';
import { openApp } from './helpers/app';
import { CLIENT_CN, makeFixtures, opensslFacts, type Fixtures } from './helpers/certs';

/**
 * One verdict everywhere: the same certificate opened in Local stores (its row, the
 * "Usable for client auth" chip), in its certificate card, and in Diagnose reads one verdict. The
 * certificate allows Client Authentication and its private key sits beside it, but its issuing CA
 * is nowhere on this machine: the old EKU-only column said "Yes" while the card said it cannot.
 */

let page: Page;
let certs: Fixtures;
let dir: string;

async function api(channel: string, request: unknown): Promise<{ ok: boolean; value?: unknown; error?: { message: string } }> {
  return page.evaluate(
    async ({ channel, request }) => {
      const token = sessionStorage.getItem('certbench.token') ?? '';
      const r = await fetch(`/api/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'x-certbench-token': token },
        body: JSON.stringify({ request, requestId: `e2e-${Date.now()}` }),
      });
      const lines = (await r.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; result?: unknown });
      return lines.find((l) => l.type === 'result')?.result as { ok: boolean; value?: unknown; error?: { message: string } };
    },
    { channel, request },
  );
}

const nav = (area: string): Locator => page.locator(`[data-testid="nav-item"][data-area="${area}"]`);
const live = (): Locator => page.getByTestId('diag-live');

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  certs = makeFixtures();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-e2e-verdict-'));
  fs.chmodSync(dir, 0o755);
  // The client certificate and its key, without the CA that issued it.
  fs.copyFileSync(certs.clientPem, path.join(dir, 'client.pem'));
  fs.copyFileSync(path.join(certs.dir, 'client.key'), path.join(dir, 'client.key'));
});

test.afterAll(async () => {
  if (page && dir) await api('stores:remove-folder', { path: dir }).catch(() => undefined);
  await page?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(certs.dir, { recursive: true, force: true });
});

test('Local stores, the certificate card and Diagnose give the same certificate one verdict', async () => {
  test.setTimeout(180_000);
  await openApp(page);
  const added = await api('stores:add-folder', { path: dir, trusted: false });
  expect(added.ok, added.error?.message).toBe(true);
  const thumbprint = opensslFacts(certs.clientPem).sha1;

  // Local stores: the row's "Client auth" cell, read fresh from the stores.
  await page.locator('[data-testid="area-tab"][data-tab="stores"]').click();
  await expect(page.getByTestId('stores-summary')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('stores-refresh').click().catch(() => undefined);
  await expect(page.getByTestId('stores-progress')).toBeHidden({ timeout: 90_000 });
  const item = page.locator(`[data-testid="store-item"][data-store-id="folder:${dir}"]`);
  await expect(item).toBeVisible({ timeout: 60_000 });
  await item.getByTestId('store-only').click();
  const row = page.locator(`[data-testid="store-row"][data-thumbprint="${thumbprint}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId('cell-key')).toHaveText('Yes');
  const cell = row.getByTestId('cell-eku');
  await expect(cell).toHaveText('No');
  await expect(cell).toHaveAttribute('data-usable', 'false');
  const sentence = (await cell.getAttribute('title')) ?? '';
  expect(sentence).toMatch(new RegExp(`^"${CLIENT_CN.replace(/\./g, '\\.')}" cannot authenticate a client: .*issuing CA certificate is missing`));

  // The chip agrees with the column: this store has no certificate usable for client authentication.
  const chip = page.locator('[data-testid="store-chip"][data-filter="client-auth"]');
  await chip.click();
  await expect(page.getByTestId('store-row')).toHaveCount(0);
  await chip.click();

  // The certificate card: the same sentence, and the chain shows where it breaks.
  await row.click();
  const dialog = page.getByTestId('store-cert-dialog');
  const verdict = dialog.getByTestId('verdict');
  await expect(verdict).toHaveAttribute('data-usable', 'false', { timeout: 60_000 });
  await expect(verdict.getByTestId('verdict-sentence')).toHaveText(sentence);
  await expect(dialog.getByTestId('chain-status')).toHaveAttribute('data-status', 'incomplete');
  await expect(dialog.getByTestId('chain-missing')).toBeVisible();
  // The leaf's own link passes its checks: the chain box says so, the fault is the missing issuer.
  await expect(dialog.locator('[data-testid="chain-box"][data-role="leaf"]')).toHaveAttribute('data-status', 'ok');
  await page.getByTestId('store-cert-dialog-close').click();

  // Diagnose, with the certificate picked from the stores and nothing probed.
  await nav('findings').click();
  await expect(page.getByTestId('findings-pane')).toBeVisible();
  if (await live().getByTestId('diag-edit').isVisible()) await live().getByTestId('diag-edit').click();
  await live().getByTestId('diag-cert-store').click();
  await live().getByTestId('diag-store-search').fill(CLIENT_CN);
  await live().locator(`[data-testid="diag-store-suggestion"][data-thumbprint="${thumbprint}"]`).click();
  await live().getByTestId('diag-url').fill('');
  await live().getByTestId('diag-read-live').uncheck();
  await live().getByTestId('diag-run').click();
  const report = live().getByTestId('diag-report');
  await expect(report.or(live().getByTestId('diag-error'))).toBeVisible({ timeout: 90_000 });
  await expect(live().getByTestId('diag-error')).toHaveCount(0);
  await expect(report.locator('[data-finding-id="chain.incomplete"]').first()).toBeVisible();
  await report.getByTestId('evidence-tabs').locator('[data-tab="certificate"]').click();
  const panel = report.getByTestId('evidence-panel');
  await expect(panel.getByTestId('verdict')).toHaveAttribute('data-usable', 'false');
  await expect(panel.getByTestId('verdict').getByTestId('verdict-sentence')).toHaveText(sentence);

  // "N problems found" counts what is listed under it, by severity: the top card and the error group.
  const errors = await report.locator('[data-testid="diag-findings"] [data-severity="error"]:is([data-testid="top-finding"], [data-testid="diag-finding"])').count();
  const summary = (await report.getByTestId('diag-summary').textContent()) ?? '';
  expect(errors).toBeGreaterThan(0);
  expect(summary.startsWith(errors === 1 ? 'One problem found' : `${errors} problems found`)).toBe(true);
});

test('the policies a chain must hold are an input where chains are shown, and the verdict follows them', async () => {
  test.setTimeout(120_000);
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles([certs.clientPem, certs.rootPem]);
  await expect(page.getByTestId('opened-item')).toHaveCount(2);
  await expect(page.getByTestId('progress')).toBeHidden();
  const card = page.locator('[data-testid="file-result"][data-file="client.pem"]').getByTestId('cert-card');
  const status = card.getByTestId('chain-status');
  // The test root is not trusted here: complete but untrusted, for any policy.
  await expect(status).toHaveAttribute('data-status', 'untrusted');
  await expect(card.getByTestId('chain-judged')).toHaveCount(0);

  // A typo is said in one line and not applied.
  await page.getByTestId('chain-policies').fill('1.3.6.x');
  await expect(page.getByTestId('chain-policies-error')).toContainText('"1.3.6.x" is not a policy OID');
  // A policy the certificates do not assert: the path must hold it (RFC 5280 6.1.5 g), so it fails.
  await page.getByTestId('chain-policies').fill('1.3.6.1.4.1.311.21.8.1');
  await page.getByTestId('chain-policies').press('Enter');
  await expect(status).toHaveAttribute('data-status', 'invalid', { timeout: 30_000 });
  await expect(card.getByTestId('chain-judged')).toHaveText('Judged with required policies 1.3.6.1.4.1.311.21.8.1.');
  await expect(card.locator('[data-testid="chain-check"][data-check="policy"][data-status="fail"]')).toHaveCount(1);
  await expect(card.getByTestId('verdict')).toHaveAttribute('data-usable', 'false');

  // Back to any policy: untrusted again.
  await page.getByTestId('chain-policies').fill('');
  await page.getByTestId('chain-policies').press('Enter');
  await expect(status).toHaveAttribute('data-status', 'untrusted', { timeout: 30_000 });
});
