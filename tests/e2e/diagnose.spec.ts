import fs from 'node:fs';
import { silentServer } from './helpers/silent-server';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { test, expect, type Browser, type Locator, type Page } from '@playwright/test';
import { SCREENSHOT_DIR, dropFiles, openApp, viewShot, startLabFromPage } from './helpers/app';
import { CLIENT_CN, ROOT_CN, makeFixtures, openssl, opensslFacts, type Fixtures } from './helpers/certs';
import { getfacl, makeKeyStoreFixtures, runuserCat, type KeyStoreFixtures } from './helpers/store-fixtures';
import { fixture } from '../fixtures/windows/load';

/**
 * The Diagnose page end to end, on the real `certbench serve`: the Lab's renegotiation
 * scenario is diagnosed with a client certificate made for this run (a PFX from another CA, so the
 * server's CA list does not name its issuer) and the server's evidence attached as files (netsh
 * output whose binding does not negotiate the certificate, an applicationHost.config). What a user
 * sees is checked against what the inputs say: the binding from the netsh file in the finding's
 * evidence and in its fix script, the issuer openssl reads from the certificate, the attached files
 * as the server side recognised them. Then a key grant is applied from its fix and undone (checked
 * with runuser and getfacl), the report is opened back as a bundle, and a hanging server is
 * cancelled. The steps share one page, in order.
 */

test.describe.configure({ mode: 'serial' });

const nav = (page: Page, area: string): Locator => page.locator(`[data-testid="nav-item"][data-area="${area}"]`);
const live = (page: Page): Locator => page.getByTestId('diag-live');
const card = (scope: Locator, id: string): Locator => scope.locator(`[data-finding-id="${id}"]`).first();
const evidenceTab = (scope: Locator, id: string): Locator => scope.getByTestId('evidence-tabs').locator(`[data-tab="${id}"]`);

let page: Page;
let certs: Fixtures;
let keys: KeyStoreFixtures | null = null;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-diagnose-e2e-'));
const PFX_PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
let pfx = '';
let labUrl = '';
/** The netsh file attached, and the binding in it that does not negotiate the client certificate. */
let netshFile = '';
let binding = '';
let appHostFile = '';

/** One HTTP.SYS binding as `netsh http show sslcert` prints it (reference section 4). */
function netshRecord(key: string, negotiate: 'Enabled' | 'Disabled'): string {
  return [
    `    IP:port                      : ${key}`,
    '    Certificate Hash             : 61d34f532da121bbab64723c4871e72c92f03735',
    '    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}',
    '    Certificate Store Name       : MY',
    '    Verify Client Certificate Revocation : Enabled',
    '    Verify Revocation Using Cached Client Certificate Only : Disabled',
    '    Usage Check                  : Enabled',
    '    Revocation Freshness Time    : 0',
    '    URL Retrieval Timeout        : 0',
    '    Ctl Identifier               : (null)',
    '    Ctl Store Name               : (null)',
    '    DS Mapper Usage              : Disabled',
    `    Negotiate Client Certificate : ${negotiate}`,
    '    Reject Connections           : Disabled',
    '    Disable HTTP2                : Not Set',
    '    Disable QUIC                 : Not Set',
    '    Disable TLS1.2               : Not Set',
    '    Disable TLS1.3               : Not Set',
    '',
  ].join('\n');
}

/**
 * The netsh evidence: a recorded fixture from tests/fixtures/windows when one has a binding that
 * does not negotiate the certificate, else one made here in the documented format for the lab's
 * port (the server this run probes).
 */
function netshEvidence(port: string): { text: string; binding: string } {
  const dir = path.resolve('tests/fixtures/windows');
  for (const name of fs.readdirSync(dir).filter((n) => /^netsh-.*\.txt$/.test(n)).sort()) {
    const text = fixture(name);
    for (const record of text.split(/\n\s*\n/)) {
      const key = /^\s*(?:IP:port|Hostname:port)\s*:\s*(\S+)/m.exec(record)?.[1];
      if (key && /Negotiate Client Certificate\s*:\s*Disabled/.test(record)) return { text, binding: key };
    }
  }
  const key = `0.0.0.0:${port}`;
  return { text: `\nSSL Certificate bindings:\n-------------------------\n\n${netshRecord(key, 'Disabled')}`, binding: key };
}


/** Call the service the way the page does (its session token, POST /api/<channel>), for setup only. */
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

/** One part of the page, whole (the report is taller than the window). */
async function shot(locator: Locator, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await locator.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), style: '.top-bar { position: static !important; }' });
}

/** Nothing on the Diagnose page is wider than the 1360x860 window (long DNs, paths, scripts wrap or scroll inside). */
async function expectNothingTooWide(): Promise<void> {
  const wide = await page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth) out.push(`document ${doc.scrollWidth} > ${doc.clientWidth}`);
    const sel = ['findings-pane', 'diag-form', 'diag-report', 'diag-finding', 'top-finding', 'diag-steps', 'diag-evidence', 'fix-viewer', 'apply-dialog', 'save-all']
      .map((id) => `[data-testid="${id}"]`)
      .join(', ');
    document.querySelectorAll<HTMLElement>(sel).forEach((el) => {
      if (el.offsetParent === null && el.tagName !== 'DIALOG') return;
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.dataset.testid} ${el.scrollWidth} > ${el.clientWidth}`);
    });
    return out;
  });
  expect(wide).toEqual([]);
}

async function showDiagnose(): Promise<void> {
  await nav(page, 'findings').click();
  await expect(page.getByTestId('findings-pane')).toBeVisible();
}

async function runDiagnosis(): Promise<Locator> {
  await live(page).getByTestId('diag-run').click();
  const report = live(page).getByTestId('diag-report');
  await expect(report.or(live(page).getByTestId('diag-error'))).toBeVisible({ timeout: 90_000 });
  await expect(live(page).getByTestId('diag-error')).toHaveCount(0);
  await expect(live(page).getByTestId('diag-progress')).toHaveCount(0);
  return report;
}

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  page = await browser.newPage({ viewport: { width: 1360, height: 860 }, acceptDownloads: true });
  certs = makeFixtures();
  pfx = path.join(work, 'alice.pfx');
  // A PFX from a CA the lab does not know: the server's CA list cannot name its issuer.
  openssl(['pkcs12', '-export', '-in', certs.clientPem, '-inkey', path.join(certs.dir, 'client.key'), '-certfile', certs.rootPem, '-name', 'alice', '-passout', `pass:${PFX_PASSWORD}`, '-out', pfx]);
});

test.afterAll(async () => {
  await page?.close();
  keys?.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(certs.dir, { recursive: true, force: true });
});

test('the form: address, a PFX with its password, evidence files dropped and listed with their sizes', async () => {
  test.setTimeout(150_000);
  await openApp(page);
  // The lab's renegotiation server is what is diagnosed (IIS's default way of asking).
  await startLabFromPage(page);
  labUrl = (await page.locator('[data-testid="lab-scenario"][data-scenario="renegotiation"]').getByTestId('lab-url').innerText()).trim();
  expect(labUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/secure\/$/);

  const evidence = netshEvidence(new URL(labUrl).port);
  binding = evidence.binding;
  netshFile = path.join(work, 'netsh-sslcert.txt');
  fs.writeFileSync(netshFile, evidence.text);
  appHostFile = path.join(work, 'applicationHost.config');
  fs.writeFileSync(appHostFile, fixture('applicationhost-two-sites.config'));

  await showDiagnose();
  await expect(live(page).getByTestId('diag-idle')).toContainText('Nothing diagnosed yet');
  await expect(live(page).getByTestId('diag-read-live')).toBeChecked();
  await viewShot(page, '60-diagnose-empty');

  await live(page).getByTestId('diag-url').fill(labUrl);
  await live(page).getByTestId('diag-cert-input').setInputFiles(pfx);
  await expect(live(page).getByTestId('diag-cert-chip')).toContainText('alice.pfx');
  await expect(live(page).getByTestId('diag-cert-chip')).toContainText(/\d+(\.\d)? KB/);
  await expect(live(page).getByTestId('diag-key-choose')).toHaveCount(0); // a PFX carries its key
  await live(page).getByTestId('diag-password').fill(PFX_PASSWORD);

  // Dropped like a file manager drops them; the same file again is listed once.
  await dropFiles(page, 'diag-evidence-drop', [
    { name: 'netsh-sslcert.txt', path: netshFile },
    { name: 'applicationHost.config', path: appHostFile },
  ]);
  await live(page).getByTestId('diag-evidence-input').setInputFiles(netshFile);
  const items = live(page).getByTestId('diag-evidence-item');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toContainText('netsh-sslcert.txt');
  await expect(items.nth(0)).toContainText(`${(fs.statSync(netshFile).size / 1024).toFixed(1)} KB`);
  await expect(items.nth(1)).toContainText('applicationHost.config');
  // Removable: remove one, add it back.
  await items.nth(1).getByTestId('diag-evidence-remove').click();
  await expect(items).toHaveCount(1);
  await live(page).getByTestId('diag-evidence-input').setInputFiles(appHostFile);
  await expect(items).toHaveCount(2);

  await expectNothingTooWide();
  await viewShot(page, '61-diagnose-form-filled');
  await shot(live(page).getByTestId('diag-form'), '61-diagnose-form-whole');
});

test('the report: the summary, what was checked, the most likely cause first, every finding with its proof', async () => {
  test.setTimeout(120_000);
  const report = await runDiagnosis();
  // The form folds into one line that says what was diagnosed.
  await expect(live(page).getByTestId('diag-form')).toBeHidden();
  await expect(live(page).getByTestId('diag-asked-summary')).toContainText(`${labUrl} · certificate alice.pfx · 2 evidence files`);

  await expect(report.getByTestId('diag-summary')).not.toBeEmpty();
  await expect(report.getByTestId('diag-summary-banner')).toHaveAttribute('data-tone', 'bad');
  // Every gathering step is listed with what it did; the probe and the attached files were used.
  await expect(report.locator('[data-testid="diag-step"][data-step="probe"]')).toHaveAttribute('data-status', 'done');
  await expect(report.locator('[data-testid="diag-step"][data-step="probe-with-certificate"]')).toHaveAttribute('data-status', 'done');
  await expect(report.locator('[data-testid="diag-step"][data-step="server"]')).toHaveAttribute('data-status', 'done');
  await expect(report.locator('[data-testid="diag-step"][data-step="certificate"]')).toHaveAttribute('data-status', 'done');

  // The most likely cause sits on top, alone, ranked #1, and says why it ranks there.
  const top = report.getByTestId('top-finding');
  await expect(top).toHaveCount(1);
  await expect(top).toHaveAttribute('data-rank', '1');
  await expect(top.getByTestId('top-label')).toHaveText(/Most likely cause|Start here/);
  await expect(top.getByTestId('finding-why')).toContainText('Why it ranks here:');

  // Grouped by severity, rank order within each group.
  const groups = report.getByTestId('diag-group');
  const severities = await groups.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.severity));
  expect(severities).toEqual(['error', 'warning', 'info'].filter((s) => severities.includes(s)));
  for (const g of await groups.all()) {
    const ranks = (await g.getByTestId('diag-finding').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.rank)))) as number[];
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  }

  // The proof, as the inputs say it: the binding of the netsh file that does not negotiate the certificate...
  const negotiation = card(report, 'iis.client-cert-negotiation-off');
  await expect(negotiation).toBeVisible();
  await expect(negotiation.getByTestId('finding-evidence')).toContainText(binding);
  // ...the renegotiation seen on the wire...
  await expect(card(report, 'server.renegotiation-client-cert').getByTestId('finding-evidence')).toContainText('HelloRequest');
  // ...and the CA list that does not name this certificate's issuer (openssl reads the issuer).
  const issuer = card(report, 'server.ca-list-excludes-issuer');
  await expect(issuer).toBeVisible();
  await expect(issuer).toContainText(ROOT_CN);
  expect(opensslFacts(certs.clientPem).issuer).toContain(ROOT_CN);

  await expectNothingTooWide();
  await viewShot(page, '62-diagnose-report');
  await shot(report, '62-diagnose-report-whole');
});

test('"Show fix": the script per shell, highlighted, with the binding, elevation, Copy, Save and the undo script', async () => {
  const report = live(page).getByTestId('diag-report');
  const negotiation = card(report, 'iis.client-cert-negotiation-off');
  await negotiation.getByTestId('show-fix').click();
  const viewer = page.getByTestId('fix-viewer');
  await expect(viewer).toBeVisible();
  const code = viewer.getByTestId('fix-code');
  await expect(code).toHaveAttribute('data-shell', 'powershell');
  await expect(code).toContainText(binding);
  await expect(code).toContainText('netsh http');
  // Highlighted: netsh is a command, the binding a quoted string, $variables and comments coloured.
  await expect(code.locator('.hl-command', { hasText: 'netsh' }).first()).toBeVisible();
  await expect(code.locator('.hl-string', { hasText: binding }).first()).toBeVisible();
  await expect(code.locator('.hl-variable').first()).toBeVisible();
  await expect(code.locator('.hl-comment').first()).toBeVisible();
  await expect(viewer.getByTestId('fix-elevated')).toContainText('elevated PowerShell');
  await expectNothingTooWide();
  await viewShot(page, '63-fix-viewer');
  // Past the header: the change itself, coloured.
  await code.locator('.hl-comment', { hasText: '# 2. Change' }).first().scrollIntoViewIfNeeded();
  await viewShot(page, '63b-fix-viewer-change');

  // Save gives exactly the script shown, under the name shown, after the BOM Windows PowerShell 5.1 needs.
  const fileName = (await viewer.getByTestId('fix-file-name').innerText()).trim();
  const [saved] = await Promise.all([page.waitForEvent('download'), viewer.getByTestId('fix-save').click()]);
  expect(saved.suggestedFilename()).toBe(fileName);
  expect(fileName).toMatch(/\.ps1$/);
  expect(fs.readFileSync(await saved.path(), 'utf8')).toBe(`\uFEFF${await code.textContent()}`);

  // The undo script restores the backup; the bash version exists for Linux servers too when written.
  await viewer.getByTestId('fix-which-undo').check();
  await expect(code).toHaveAttribute('data-which', 'undo');
  await expect(viewer.getByTestId('fix-file-name')).toHaveText(fileName.replace(/\.ps1$/, '-undo.ps1'));
  await expect(code).toContainText(binding);
  // The app does not apply netsh changes itself: no Apply here.
  await expect(viewer.getByTestId('fix-apply')).toHaveCount(0);
  await viewer.getByTestId('fix-viewer-close').click();
  await expect(viewer).toHaveCount(0);
});

test('"Save all fixes as one script": one download per shell holding every fix, and its undo', async () => {
  const report = live(page).getByTestId('diag-report');
  const saveAll = report.getByTestId('save-all');
  await expect(saveAll).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });

  // Every fix this report shows, as its PowerShell block names it ($FixId and $Target lines).
  const blocks: string[] = [];
  for (const button of await report.getByTestId('show-fix').all()) {
    await button.click();
    const viewer = page.getByTestId('fix-viewer');
    const shells = await viewer.getByTestId('fix-shell-tabs').getByTestId('area-tab').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.tab));
    if (shells.includes('powershell')) {
      const text = (await viewer.getByTestId('fix-code').textContent()) ?? '';
      blocks.push(...text.split('\n').filter((l) => /^\s*\$(FixId|Target) = '/.test(l)).map((l) => l.trim()));
    }
    await viewer.getByTestId('fix-viewer-close').click();
  }
  expect(blocks.length).toBeGreaterThan(0);

  const [download] = await Promise.all([page.waitForEvent('download'), saveAll.getByTestId('save-all-powershell').click()]);
  expect(download.suggestedFilename()).toMatch(/\.ps1$/);
  const combined = fs.readFileSync(await download.path(), 'utf8');
  for (const line of blocks) expect(combined, line).toContain(line);
  expect(combined).toContain(binding);

  const [undo] = await Promise.all([page.waitForEvent('download'), saveAll.getByTestId('save-all-powershell-undo').click()]);
  expect(undo.suggestedFilename()).toMatch(/undo.*\.ps1$|\.ps1$/);
  expect(fs.readFileSync(await undo.path(), 'utf8')).toContain(binding);

  // bash is offered as well.
  await expect(saveAll.getByTestId('save-all-bash')).toBeVisible();
  await shot(saveAll, '64-save-all');
});

test('the evidence tabs: each probe’s connections, the certificate’s chain, the key, and the server side', async () => {
  const report = live(page).getByTestId('diag-report');
  const panel = report.getByTestId('evidence-panel');

  // Probes: the Probe page's own connection view, the renegotiation visible in the diagram.
  await expect(panel).toHaveAttribute('data-tab', 'probes');
  await expect(panel.getByTestId('attempt-tab').first()).toBeVisible();
  await expect(panel.locator('[data-testid="attempt-tab"][data-kind="tls1.2"]')).toBeVisible();
  await panel.locator('[data-testid="attempt-tab"][data-kind="tls1.2"]').click();
  await expect(panel.getByTestId('seq-diagram')).toContainText('HelloRequest');
  await shot(report.getByTestId('diag-evidence'), '65-evidence-probes');

  // Certificate: the verdict and the chain this machine can build (to our test root).
  await evidenceTab(report, 'certificate').click();
  await expect(panel.getByTestId('verdict')).toBeVisible();
  await expect(panel.getByTestId('diag-cert-subject')).toHaveText(CLIENT_CN);
  await expect(panel.getByTestId('diag-cert-thumbprint')).toHaveText(opensslFacts(certs.clientPem).sha1);
  await expect(panel.getByTestId('chain-diagram')).toContainText(ROOT_CN);

  // Private key: a PFX's key is not a file on this machine, and the tab says what to do instead.
  await evidenceTab(report, 'key').click();
  await expect(panel.getByTestId('key-empty')).toContainText('The private key was not looked at');

  // Server side: the two files, recognised by content, and the binding count of the netsh file.
  await evidenceTab(report, 'server').click();
  await expect(panel.locator('[data-testid="diag-server-input"][data-kind="netsh-sslcert"]')).toContainText('netsh-sslcert.txt');
  await expect(panel.locator('[data-testid="diag-server-input"][data-kind="iis-config"]')).toContainText('applicationHost.config');
  const records = (fs.readFileSync(netshFile, 'utf8').match(/^\s*(?:IP:port|Hostname:port)\s*:/gm) ?? []).length;
  await expect(panel.getByTestId('diag-server-bindings')).toHaveText(String(records));
  await shot(report.getByTestId('diag-evidence'), '66-evidence-server');
  await panel.getByTestId('open-server-side').click();
  await expect(nav(page, 'server')).toHaveAttribute('aria-current', 'page');
  await showDiagnose();
});

test('a key grant fix is applied from the page after its dry run, verified, and undone byte for byte', async () => {
  test.setTimeout(120_000);
  keys = makeKeyStoreFixtures();
  const added = await api('stores:add-folder', { path: keys.storeDir, trusted: false });
  expect(added.ok, added.error?.message).toBe(true);
  const thumbprint = opensslFacts(keys.clientPem).sha1;
  const aclBefore = getfacl(keys.keyFile);
  expect(runuserCat(keys.user, keys.keyFile).status).not.toBe(0);

  // The certificate from this machine's stores this time, and the account that must read its key.
  await live(page).getByTestId('diag-edit').click();
  await live(page).getByTestId('diag-cert-chip-remove').click();
  await live(page).getByTestId('diag-cert-store').click();
  await live(page).getByTestId('diag-store-search').fill(CLIENT_CN);
  await live(page).locator(`[data-testid="diag-store-suggestion"][data-thumbprint="${thumbprint}"]`).click();
  await expect(live(page).getByTestId('diag-cert-chip')).toContainText(thumbprint);
  await live(page).getByTestId('identity-input').fill(keys.user);
  await live(page).getByTestId('diag-url').fill('');
  await live(page).getByTestId('diag-read-live').uncheck();
  const report = await runDiagnosis();

  const cannot = card(report, 'key.identity-cannot-read');
  await expect(cannot).toBeVisible();
  await expect(cannot.getByTestId('finding-evidence')).toContainText(keys.user);
  await evidenceTab(report, 'key').click();
  await expect(report.getByTestId('diag-key-path')).toHaveText(keys.keyFile);
  await expect(report.getByTestId('diag-access')).toHaveAttribute('data-can-read', 'false');

  await cannot.getByTestId('show-fix').click();
  const viewer = page.getByTestId('fix-viewer');
  await viewer.getByTestId('fix-shell-tabs').locator('[data-tab="bash"]').click();
  await expect(viewer.getByTestId('fix-code')).toContainText(keys.keyFile);
  await viewer.getByTestId('fix-apply').click();

  // The dry run first: what changes and the scripts, nothing changed yet.
  const dialog = page.getByTestId('apply-dialog');
  await expect(dialog.getByTestId('grant-summary')).toContainText(keys.user);
  await expect(dialog.getByTestId('grant-stage')).toContainText('Nothing has changed yet');
  expect(getfacl(keys.keyFile).equals(aclBefore)).toBe(true);
  await viewShot(page, '67-apply-dry-run');
  await dialog.getByTestId('grant-apply').click();
  await expect(dialog.getByTestId('grant-confirm')).toBeVisible();
  await dialog.getByTestId('grant-confirm-apply').click();
  await expect(dialog.getByTestId('grant-verified')).toHaveText(`Applied. Checked again: ${keys.user} can read the key.`);
  await expect(dialog.getByTestId('grant-backup-id')).not.toBeEmpty();
  // The kernel agrees.
  expect(runuserCat(keys.user, keys.keyFile).status).toBe(0);
  await viewShot(page, '68-apply-done');

  // Closed, the card still says so and keeps the Undo at hand.
  await dialog.getByTestId('apply-dialog-close').click();
  await expect(cannot.getByTestId('finding-applied')).toContainText('Applied on this machine');
  await cannot.getByTestId('finding-applied-open').click();
  await dialog.getByTestId('grant-undo').click();
  await expect(dialog.getByTestId('grant-undone')).toHaveAttribute('data-matches', 'true');
  expect(getfacl(keys.keyFile).equals(aclBefore)).toBe(true);
  expect(runuserCat(keys.user, keys.keyFile).status).not.toBe(0);
  await dialog.getByTestId('apply-dialog-close').click();
  await expect(cannot.getByTestId('finding-applied')).toContainText('Applied, then undone.');
});

test('an opened bundle shows its report read-only: banner, no form, scripts still saved, no Apply', async () => {
  test.setTimeout(120_000);
  await nav(page, 'bundles').click();
  await expect(page.getByTestId('bundle-source-last')).toBeChecked();
  await page.getByTestId('bundle-export-run').click();
  await expect(page.getByTestId('bundle-result')).toBeVisible({ timeout: 90_000 });
  await page.getByTestId('bundle-open-here').click();
  await expect(nav(page, 'findings')).toHaveAttribute('aria-current', 'page', { timeout: 30_000 });

  const bundle = page.getByTestId('diag-bundle');
  await expect(bundle.getByTestId('bundle-banner')).toBeVisible();
  await expect(live(page)).toBeHidden();
  await expect(bundle.getByTestId('diag-form')).toHaveCount(0);
  await expect(bundle.getByTestId('diag-summary')).not.toBeEmpty();
  await viewShot(page, '69a-bundle-report');
  const cannot = card(bundle, 'key.identity-cannot-read');
  await expect(cannot).toBeVisible();
  await cannot.getByTestId('show-fix').click();
  await expect(page.getByTestId('fix-viewer').getByTestId('fix-code')).toBeVisible();
  await expect(page.getByTestId('fix-apply')).toHaveCount(0);
  await page.getByTestId('fix-viewer-close').click();
  await expect(bundle.getByTestId('save-all')).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), bundle.getByTestId('save-all-bash').click()]);
  expect(fs.readFileSync(await download.path(), 'utf8')).toContain(keys!.keyFile);

  // Closing the bundle brings back this machine's diagnosis as it was.
  await bundle.getByTestId('bundle-close').click();
  await expect(live(page).getByTestId('diag-report')).toBeVisible();
});

test('a server that never answers: progress with its label, Cancel, one line; a bad address is one line too', async () => {
  test.setTimeout(90_000);
  const silent = await silentServer();
  try {
    await live(page).getByTestId('diag-edit').click();
    await live(page).getByTestId('diag-url').fill(`https://127.0.0.1:${silent.port}/`);
    await live(page).getByTestId('diag-run').click();
    const progress = live(page).getByTestId('diag-progress');
    await expect(progress).toBeVisible();
    // The stage, then the probe's own step after it: the line reads on its own.
    await expect(progress.getByTestId('diag-progress-label')).toContainText('Probing the server: ');
    await viewShot(page, '69b-diagnose-running');
    await live(page).getByTestId('diag-cancel').click();
    await expect(live(page).getByTestId('diag-error')).toHaveText('Diagnosis cancelled; nothing was changed.');
    await expect(progress).toHaveCount(0);
  } finally {
    await silent.close();
  }

  await live(page).getByTestId('diag-url').fill('ftp://files.contoso.com/');
  await live(page).getByTestId('diag-run').click();
  const error = live(page).getByTestId('diag-error');
  await expect(error).toBeVisible({ timeout: 30_000 });
  expect((await error.innerText()).split('\n')).toHaveLength(1);
  await expect(error).toContainText('ftp://files.contoso.com/');
});
