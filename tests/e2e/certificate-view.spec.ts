import { test, expect, type Locator, type Page, type Route } from '@playwright/test';
import { expectNoHorizontalOverflow, expectOpenedCount, openApp, screenshot, showFile, viewShot } from './helpers/app';
import {
  CA_ISSUERS_URL,
  CLIENT_CN,
  CPS_URL,
  CRL_URL,
  CROSS_ROOT_CN,
  EXPIRED_CN,
  FUTURE_CN,
  ISSUING_CN,
  KEY_PASSWORD,
  ISSUING_DN,
  makeChainFixtures,
  OCSP_URL,
  PFX_PASSWORD,
  ROOT_CN,
  SERVER_CN,
  TEMPLATE_OID,
  UNKNOWN_EXTENSION_OID,
  type ChainFixtures,
} from './helpers/chain-certs';
import { openssl, opensslFacts } from './helpers/certs';

/**
 * The certificate view, end to end against `certbench serve`: verdict on top, the chain
 * drawn root first, validity as a timeline, the extensions in words, raw ASN.1, and PFX passwords.
 * The PKI is made per run by openssl; none of its roots is in the system's trust store, so every
 * complete chain here is "untrusted".
 */

let fx: ChainFixtures;

test.beforeAll(() => {
  fx = makeChainFixtures();
});

test.afterAll(() => {
  fx?.cleanup();
});

/** The best path's picture (alternatives, when shown, have their own). */
const bestChain = (card: Locator): Locator => card.getByTestId('chain-section').getByTestId('chain-diagram').first();

async function open(page: Page, files: string[]): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(files);
  await expectOpenedCount(page, files.length);
  await expect(page.getByTestId('progress')).toBeHidden();
}

async function cardOf(page: Page, file: string): Promise<Locator> {
  const card = (await showFile(page, file)).getByTestId('cert-card');
  await expect(card).toHaveCount(1);
  return card;
}

test('the client certificate with its chain: untrusted, drawn root first, red verdict naming the root', async ({ page }) => {
  await openApp(page);
  await open(page, [fx.client.pemPath, fx.intermediate.pemPath, fx.root.pemPath]);
  const client = await cardOf(page, 'client.pem');

  const status = client.getByTestId('chain-status');
  await expect(status).toHaveAttribute('data-status', 'untrusted');
  await expect(status).toHaveText('Untrusted');

  // Three boxes, the root on top and the leaf at the bottom, each with its role and where it was found.
  const boxes = bestChain(client).getByTestId('chain-box');
  await expect(boxes).toHaveCount(3);
  await expect(boxes.getByTestId('chain-box-name')).toHaveText([ROOT_CN, ISSUING_CN, CLIENT_CN]);
  await expect(boxes.getByTestId('chain-box-role')).toHaveText(['Root', 'Intermediate', 'Leaf']);
  await expect(boxes.getByTestId('chain-box-source')).toHaveText(['from root.pem', 'from intermediate.pem', 'from client.pem']);
  const ys = await Promise.all([0, 1, 2].map(async (i) => (await boxes.nth(i).boundingBox())!.y));
  expect(ys[0]).toBeLessThan(ys[1]!);
  expect(ys[1]).toBeLessThan(ys[2]!);
  const thumbprints = [fx.root, fx.intermediate, fx.client].map((c) => opensslFacts(c.pemPath).sha1);
  for (const [i, t] of thumbprints.entries()) await expect(boxes.nth(i)).toHaveAttribute('data-thumbprint', t);

  // The root box is red and says why; the others pass every check, in words.
  await expect(boxes.nth(0)).toHaveAttribute('data-status', 'fail');
  await expect(boxes.nth(0)).toContainText('Not trusted');
  await expect(boxes.nth(0).locator('[data-testid="chain-check"][data-check="trust"]')).toHaveText('✗Not in any trusted root store');
  await expect(boxes.nth(1)).toHaveAttribute('data-status', 'ok');
  await expect(boxes.nth(1).locator('[data-testid="chain-check"][data-check="ca"]')).toHaveText('✓Is a CA (Basic Constraints)');
  await expect(boxes.nth(2).locator('[data-testid="chain-check"][data-check="signature"]')).toHaveText(
    `✓Signature verifies with the key of "${ISSUING_CN}"`,
  );
  await expect(client.getByTestId('alternatives-toggle')).toHaveCount(0);

  // The verdict, on top of the card: red, one sentence, and the finding that names the root.
  const verdict = client.getByTestId('verdict');
  await expect(verdict).toHaveAttribute('data-usable', 'false');
  await expect(verdict).toHaveClass(/is-bad/);
  await expect(client.getByTestId('verdict-sentence')).toHaveText(`"${CLIENT_CN}" cannot authenticate a client: the chain ends in "${ROOT_CN}", a root that is not trusted.`);
  const untrusted = verdict.locator('[data-testid="finding"][data-finding-id="chain.untrusted-root"]');
  await expect(untrusted).toContainText(`"${ROOT_CN}" is not in a trusted root store`);
  await expect(untrusted.getByTestId('finding-id')).toHaveText('chain.untrusted-root');
  await expect(client.getByTestId('verdict-key')).toHaveAttribute('data-status', 'unknown');
  await expect(client.getByTestId('verdict-key')).toHaveText(
    'Private key not known — no private key opened for it: open its key file or .pfx to check',
  );
  // The verdict comes before the chain, which comes before the details.
  const order = await client.evaluate((card) =>
    ['verdict', 'chain-section', 'validity-timeline', 'cert-fields'].map((id) => card.querySelector(`[data-testid="${id}"]`)!.getBoundingClientRect().top),
  );
  expect([...order].sort((a, b) => a - b)).toEqual(order);

  await expect(boxes.nth(1).locator('[data-testid="chain-check"][data-check="name-constraints"]')).toHaveText('✓Names below are within its name constraints');

  // A CA opened on its own gets its chain, without a client-authentication verdict; the root gets neither.
  const intermediate = await cardOf(page, 'intermediate.pem');
  await expect(intermediate.getByTestId('chain-status')).toHaveAttribute('data-status', 'untrusted');
  await expect(intermediate.getByTestId('verdict')).toHaveCount(0);
  await expect(intermediate.getByTestId('nc-permitted')).toHaveText(['DNS name.contoso.test', 'Emailcontoso.test']);
  await expect(intermediate.getByTestId('nc-excluded')).toHaveText(['DNS namelegacy.contoso.test']);
  const root = await cardOf(page, 'root.pem');
  await expect(root.getByTestId('chain-section')).toHaveCount(0);
  await expect(page.getByTestId('trust-line')).toContainText('trusted root');

  await expectNoHorizontalOverflow(page);
  const clientAgain = await cardOf(page, 'client.pem');
  await page.evaluate(() => window.scrollTo(0, 0));
  await viewShot(page, '1x-01-chain-untrusted-top');
  await clientAgain.getByTestId('chain-section').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.mouse.wheel(0, -80);
  await viewShot(page, '1x-02-chain-untrusted-picture');
  await screenshot(page, '1x-03-chain-untrusted-full');
  await (await cardOf(page, 'intermediate.pem')).getByTestId('field-name-constraints').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await viewShot(page, '1x-17-name-constraints');
});

test('clicking a chain box opens that certificate in a dialog with the same card', async ({ page }) => {
  await openApp(page);
  await open(page, [fx.client.pemPath, fx.intermediate.pemPath, fx.root.pemPath]);
  const client = await cardOf(page, 'client.pem');
  const boxes = bestChain(client).getByTestId('chain-box');
  await expect(boxes).toHaveCount(3);

  const dialog = page.getByTestId('cert-dialog');
  await expect(dialog).toBeHidden();
  await boxes.nth(0).click({ position: { x: 400, y: 60 } }); // on the box, not on its title button
  await expect(dialog).toBeVisible();
  // The page behind a modal does not scroll under it.
  const scrollBefore = await page.evaluate(() => window.scrollY);
  await page.mouse.wheel(0, 600);
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).toBe('hidden');
  expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
  const card = dialog.getByTestId('cert-card');
  await expect(card.getByTestId('cert-title')).toHaveText(ROOT_CN);
  await expect(card.getByTestId('thumbprint-value')).toHaveText(opensslFacts(fx.root.pemPath).sha1);
  await expect(card.getByTestId('field-subject').locator('dd')).toHaveText(opensslFacts(fx.root.pemPath).subject);
  await expect(card.getByTestId('issued-by')).toHaveText('Self-signed');
  await expect(dialog).toContainText('Found in root.pem');
  await expectNoHorizontalOverflow(page);
  await viewShot(page, '1x-04-dialog-root');

  await page.getByTestId('cert-dialog-close').click();
  await expect(dialog).toBeHidden();

  // The keyboard's way in: the title button of the intermediate's box; Escape closes.
  await boxes.nth(1).getByTestId('chain-box-open').focus();
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('cert-title')).toHaveText(ISSUING_CN);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('the client certificate alone: the missing issuing CA is a dashed box with its DN and where to get it', async ({ page }) => {
  await openApp(page);
  await open(page, [fx.client.pemPath]);
  const client = await cardOf(page, 'client.pem');

  await expect(client.getByTestId('chain-status')).toHaveAttribute('data-status', 'incomplete');
  await expect(client.getByTestId('chain-status')).toHaveText('Incomplete');
  const missing = client.getByTestId('chain-missing');
  await expect(missing).toBeVisible();
  await expect(missing.getByTestId('chain-missing-issuer')).toHaveText(ISSUING_DN);
  await expect(missing).toContainText(`Missing: ${ISSUING_DN}`);
  await expect(missing.getByTestId('chain-missing-url')).toHaveText(`download from ${CA_ISSUERS_URL}`);
  await expect(missing.locator('a')).toHaveCount(0); // plain text, never a link
  // The missing box sits above the leaf, dashed.
  const boxes = bestChain(client).getByTestId('chain-box');
  await expect(boxes).toHaveCount(1);
  await expect(boxes.getByTestId('chain-box-role')).toHaveText('Leaf');
  expect((await missing.boundingBox())!.y).toBeLessThan((await boxes.first().boundingBox())!.y);
  expect(await missing.evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('dashed');

  await expect(client.getByTestId('verdict')).toHaveAttribute('data-usable', 'false');
  await expect(client.locator('[data-testid="finding"][data-finding-id="chain.incomplete"]')).toBeVisible();

  await client.getByTestId('chain-section').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.mouse.wheel(0, -240);
  await viewShot(page, '1x-05-chain-missing');

  // The extensions a helpdesk user is asked about, in words; URLs as text.
  await expect(client.getByTestId('field-aia')).toContainText(`CA issuers${CA_ISSUERS_URL}`);
  await expect(client.getByTestId('field-aia')).toContainText(`OCSP${OCSP_URL}`);
  await expect(client.getByTestId('field-crl')).toHaveText(`CRL distribution points${CRL_URL}`);
  await expect(client.getByTestId('policy')).toHaveText(`Individual validated (CA/B Forum) 2.23.140.1.2.3CPS: ${CPS_URL}`);
  await expect(client.getByTestId('field-template')).toContainText(`OID${TEMPLATE_OID}`);
  await expect(client.getByTestId('field-template')).toContainText('Version100.4');
  const ski = openssl(['x509', '-in', fx.client.pemPath, '-noout', '-ext', 'subjectKeyIdentifier']).split('\n')[1]!.trim().replace(/:/g, '');
  await expect(client.getByTestId('field-ski').locator('dd')).toHaveText(ski.match(/.{1,4}/g)!.join(' '));
  const rawHex = Buffer.concat([Buffer.from([0x0c, 13]), Buffer.from('Certbench e2e')]).toString('hex').toUpperCase();
  await expect(client.locator(`[data-testid="raw-extension"][data-oid="${UNKNOWN_EXTENSION_OID}"] .raw-hex`)).toHaveText(rawHex.match(/.{1,4}/g)!.join(' '));
  await expect(client.locator('a')).toHaveCount(0);

  await expectNoHorizontalOverflow(page);
  await client.getByTestId('field-ski').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.mouse.wheel(0, -120);
  await viewShot(page, '1x-06-extensions');
});

test('a server-only certificate: the verdict lists cert.no-client-auth-eku, errors first', async ({ page }) => {
  await openApp(page);
  await open(page, [fx.serverOnly.pemPath]);
  const server = await cardOf(page, 'server-only.pem');
  await expect(server.getByTestId('cert-title')).toHaveText(SERVER_CN);

  const verdict = server.getByTestId('verdict');
  await expect(verdict).toHaveAttribute('data-usable', 'false');
  await expect(server.getByTestId('verdict-sentence')).toContainText('the certificate is not made for client authentication');
  const eku = verdict.locator('[data-testid="finding"][data-finding-id="cert.no-client-auth-eku"]');
  await expect(eku).toBeVisible();
  await expect(eku.getByTestId('finding-title')).toHaveText('The certificate is not made for client authentication');
  await expect(eku).toContainText('Enhanced Key Usage: Server Authentication (1.3.6.1.5.5.7.3.1)');
  const severities = await verdict.getByTestId('finding').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.severity));
  const rank = { error: 0, warning: 1, info: 2 } as Record<string, number>;
  expect(severities.map((s) => rank[s!])).toEqual([...severities.map((s) => rank[s!])].sort());

  await viewShot(page, '1x-07-server-only');
});

test('a PFX asks for its password on its row; a wrong one says so; the right one opens it with its key', async ({ page }) => {
  await openApp(page);
  await open(page, [fx.pfx]);
  const row = (await showFile(page, 'client.pfx'));
  const prompt = row.getByTestId('password-prompt');
  await expect(prompt).toBeVisible();
  await expect(row.getByTestId('file-error')).toContainText('password');
  const input = prompt.getByTestId('password-input');
  await expect(input).toHaveAttribute('type', 'password');
  await expect(input).toHaveAttribute('autocomplete', 'off');
  await expect(page.getByTestId('summary')).toHaveText('1 file · 0 certificates · 1 file needs a password');
  await viewShot(page, '1x-08-pfx-prompt');

  await input.fill('not-the-password');
  await prompt.getByTestId('password-open').click();
  await expect(row.getByTestId('file-error')).toContainText('wrong password');
  await expect(input).toHaveValue('');
  await expect(input).toBeFocused();
  await expect(page.getByTestId('summary')).toHaveText('1 file · 0 certificates · 1 file needs a password');
  await viewShot(page, '1x-09-pfx-wrong');

  await input.fill(PFX_PASSWORD);
  await input.press('Enter');
  await expect(row.getByTestId('password-prompt')).toHaveCount(0);
  await expect(row.getByTestId('cert-card')).toHaveCount(3);
  await expect(row.getByTestId('cert-title')).toHaveText([CLIENT_CN, ISSUING_CN, ROOT_CN]);
  await expect(row).toContainText('PKCS#12 · 3 certificates · 1 private key');

  const client = row.getByTestId('cert-card').first();
  await expect(client.getByTestId('verdict-key')).toHaveAttribute('data-status', 'present');
  await expect(client.getByTestId('verdict-key')).toHaveText('Private key found in client.pfx');
  await expect(client.getByTestId('chain-status')).toHaveAttribute('data-status', 'untrusted');
  await expect(bestChain(client).getByTestId('chain-box-source')).toHaveText(['from client.pfx', 'from client.pfx', 'from client.pfx']);
  // The key is present, so the only thing wrong is the root this machine does not trust.
  await expect(client.getByTestId('verdict').getByTestId('finding')).toHaveCount(1);

  // The password stayed in the one request: not in the page, the address or the tab's storage.
  const kept = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }) + document.body.innerHTML + location.href);
  expect(kept).not.toContain(PFX_PASSWORD);
  await viewShot(page, '1x-10-pfx-open');
});

test('a key in a file of its own is matched to its certificate; an encrypted one asks for its password first', async ({ page }) => {
  await openApp(page);
  const sha1 = opensslFacts(fx.client.pemPath).sha1;
  await open(page, [fx.client.pemPath, fx.client.keyPath]);
  // Matched across files, so the key line and the verdict agree.
  await expect((await showFile(page, 'client.key')).getByTestId('key-line')).toContainText(`matches certificate ${sha1}`);
  const client = await cardOf(page, 'client.pem');
  await expect(client.getByTestId('verdict-key')).toHaveAttribute('data-status', 'present');
  await expect(client.getByTestId('verdict-key')).toHaveText('Private key found in client.key');

  await page.getByTestId('clear').click();
  await open(page, [fx.client.pemPath, fx.encryptedKey]);
  let keyRow = await showFile(page, 'client-encrypted.key');
  await expect(keyRow.getByTestId('key-locked')).toContainText('The private key in client-encrypted.key is encrypted');
  await keyRow.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await viewShot(page, '1x-14-key-encrypted');
  let clientCard = await cardOf(page, 'client.pem');
  await expect(clientCard.getByTestId('verdict-key')).toHaveAttribute('data-status', 'unknown');
  await expect(clientCard.getByTestId('verdict-key')).toHaveText(
    "Private key not known — the private key in client-encrypted.key is encrypted: give its password to check whether it is this certificate's",
  );
  keyRow = await showFile(page, 'client-encrypted.key');
  const input = keyRow.getByTestId('password-input');
  await input.fill(KEY_PASSWORD);
  await input.press('Enter');
  await expect(keyRow.getByTestId('key-locked')).toHaveCount(0);
  await expect(keyRow.getByTestId('key-line')).toContainText(`matches certificate ${sha1}`);
  clientCard = await cardOf(page, 'client.pem');
  await expect(clientCard.getByTestId('verdict-key')).toHaveText('Private key found in client-encrypted.key');
});

test('the raw ASN.1 view is one click away and shows Client Authentication inside the EKU extension', async ({ page }) => {
  await openApp(page);
  await open(page, [fx.client.pemPath]);
  const client = await cardOf(page, 'client.pem');

  await client.getByTestId('tab-asn1').click();
  const tree = client.getByTestId('asn1-tree');
  await expect(tree).toBeVisible();
  await expect(client.getByTestId('cert-fields')).toHaveCount(0);
  // First two levels open: the certificate's three parts show, the to-be-signed fields are listed closed.
  await expect(tree.locator('.asn1-list.is-root > [data-testid="asn1-node"] > .asn1-list > [data-testid="asn1-node"]')).toHaveCount(3);
  await expect(tree.locator('[data-testid="asn1-node"][data-oid="2.5.29.37"]')).toHaveCount(0);

  await tree.getByTestId('asn1-expand-all').click();
  const eku = tree.locator('[data-testid="asn1-node"][data-oid="2.5.29.37"]');
  await expect(eku).toHaveCount(1);
  await expect(eku).toContainText('2.5.29.37 (Enhanced Key Usage)');
  await expect(eku).toContainText('1.3.6.1.5.5.7.3.2 (Client Authentication)');
  await expect(eku.locator('.asn1-tag').first()).toHaveText('SEQUENCE');
  await expect(eku.locator('.asn1-pos').first()).toHaveText(/^offset \d+ · length \d+\+\d+$/);

  await tree.getByTestId('asn1-collapse-all').click();
  await expect(eku).toHaveCount(0);
  await tree.getByTestId('asn1-expand-all').click();
  await expectNoHorizontalOverflow(page);
  await eku.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await viewShot(page, '1x-11-asn1');

  await client.getByTestId('tab-details').click();
  await expect(client.getByTestId('cert-fields')).toBeVisible();
});

test('validity timelines: an expired certificate says how long ago, a future one when it starts', async ({ page }) => {
  await openApp(page);
  await open(page, [fx.expired.pemPath, fx.future.pemPath, fx.client.pemPath]);

  const expired = await cardOf(page, 'expired.pem');
  await expect(expired.getByTestId('cert-title')).toHaveText(EXPIRED_CN);
  const past = expired.getByTestId('validity-timeline');
  await expect(past).toHaveAttribute('data-status', 'expired');
  await expect(past.getByTestId('timeline-today')).toHaveText('Today: expired 35 days ago');
  await expect(expired.getByTestId('validity-sentence')).toHaveText('Expired 35 days ago');
  await expect(expired.locator('[data-testid="finding"][data-finding-id="cert.expired"]')).toBeVisible();
  // Clamped at the right end of the bar.
  const track = (await past.locator('.timeline-track').boundingBox())!;
  const marker = (await past.locator('.timeline-marker').boundingBox())!;
  expect(Math.abs(marker.x + marker.width / 2 - (track.x + track.width))).toBeLessThan(3);

  const future = await cardOf(page, 'future.pem');
  await expect(future.getByTestId('cert-title')).toHaveText(FUTURE_CN);
  await expect(future.getByTestId('timeline-today')).toHaveText('Today: starts in 10 days');
  await expect(future.getByTestId('validity-timeline')).toHaveAttribute('data-status', 'not-yet-valid');

  const client = await cardOf(page, 'client.pem');
  await expect(client.getByTestId('timeline-today')).toHaveText(/^Today: 36[45] days left$/);

  await expectNoHorizontalOverflow(page);
  await (await cardOf(page, 'expired.pem')).getByTestId('validity-timeline').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await viewShot(page, '1x-12-timeline-expired');
});

test('chains are checked again when files are added, with progress; other paths can be shown', async ({ page }) => {
  await openApp(page);
  await open(page, [fx.client.pemPath]);
  const client = await cardOf(page, 'client.pem');
  await expect(client.getByTestId('chain-status')).toHaveAttribute('data-status', 'incomplete');

  // Hold the next analysis until its progress has been seen (no sleeps: the test releases it).
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/chain:analyze', async (route: Route) => {
    await held;
    await route.continue();
  });
  await page.getByTestId('file-input').setInputFiles([fx.intermediate.pemPath, fx.crossIntermediate.pemPath, fx.root.pemPath, fx.crossRoot.pemPath]);
  await expect(page.getByTestId('chain-progress')).toBeVisible();
  await expect(page.getByTestId('chain-progress-label')).toHaveText(/^Checking chains: 1 of \d+ certificates?$/);
  await viewShot(page, '1x-13-chain-progress');
  release();
  await expect(page.getByTestId('chain-progress')).toBeHidden();

  await expect(client.getByTestId('chain-status')).toHaveAttribute('data-status', 'untrusted');
  const toggle = client.getByTestId('alternatives-toggle');
  await expect(toggle).toHaveText('1 other path considered · show');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect(toggle).toHaveText('1 other path considered · hide');
  const alternatives = client.getByTestId('alternatives');
  await expect(alternatives.getByTestId('chain-diagram')).toHaveCount(1);
  const roots = [ROOT_CN, CROSS_ROOT_CN];
  const bestRoot = await bestChain(client).getByTestId('chain-box-name').first().innerText();
  expect(roots).toContain(bestRoot);
  await expect(alternatives.getByTestId('chain-box-name').first()).toHaveText(roots.find((r) => r !== bestRoot)!);
  await toggle.click();
  await expect(alternatives).toHaveCount(0);

  // Clear takes the analysis away with the files.
  await page.getByTestId('clear').click();
  await expect(page.getByTestId('cert-card')).toHaveCount(0);
  await expect(page.getByTestId('trust-line')).toHaveCount(0);
});

/**
 * The green and amber verdicts need a root this machine trusts, and none of this run's roots is.
 * The real answer of `chain:analyze` is taken and its root marked trusted, as it would be once the
 * root is installed, so the view of a good chain can be seen and judged.
 */
async function trustTheRoot(page: Page, verdict: (cn: string) => { usable: boolean | null; sentence: string }): Promise<void> {
  await page.route('**/api/chain:analyze', async (route: Route) => {
    const response = await route.fetch();
    const lines = (await response.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    for (const line of lines) {
      if (line.type !== 'result' || !line.result.ok) continue;
      for (const r of line.result.value.results) {
        const best = r.chain.best;
        const root = best.links[best.links.length - 1];
        root.checks = root.checks.map((c: { name: string }) => (c.name === 'trust' ? { name: 'trust', status: 'ok', text: 'trusted (system trust)' } : c));
        root.sources = [...root.sources, 'system trust'];
        root.status = 'ok';
        best.status = 'valid';
        best.problems = [];
        r.verdict = { ...verdict(best.links[0].commonName), findings: [] };
      }
    }
    await route.fulfill({ response, body: lines.map((l) => JSON.stringify(l)).join('\n') + '\n' });
  });
}

test('a chain to a trusted root: green with the key, amber while the key is not known', async ({ page }) => {
  await openApp(page);
  await trustTheRoot(page, (cn) => ({
    usable: null,
    sentence: `"${cn}" is fit for client authentication as far as the certificate goes; not known yet: whether its private key is available.`,
  }));
  await open(page, [fx.client.pemPath, fx.intermediate.pemPath, fx.root.pemPath]);
  const client = await cardOf(page, 'client.pem');
  await expect(client.getByTestId('chain-status')).toHaveAttribute('data-status', 'valid');
  await expect(client.getByTestId('chain-status')).toHaveText('Valid');
  const verdict = client.getByTestId('verdict');
  await expect(verdict).toHaveAttribute('data-usable', 'null');
  await expect(verdict).toHaveClass(/is-unknown/);
  await expect(verdict.getByTestId('finding')).toHaveCount(0);
  await expect(bestChain(client).getByTestId('chain-box').first()).toHaveAttribute('data-status', 'ok');
  await expect(bestChain(client).getByTestId('chain-box-source').first()).toHaveText('from root.pem, system trust');
  await viewShot(page, '1x-15-verdict-amber');

  await page.unrouteAll({ behavior: 'wait' });
  await page.getByTestId('clear').click();
  await trustTheRoot(page, (cn) => ({
    usable: true,
    sentence: `"${cn}" can authenticate a client: Client Authentication allowed, valid, private key present, chain complete to a trusted root.`,
  }));
  await open(page, [fx.pfx]);
  await (await showFile(page, 'client.pfx')).getByTestId('password-input').fill(PFX_PASSWORD);
  await (await showFile(page, 'client.pfx')).getByTestId('password-open').click();
  const good = (await showFile(page, 'client.pfx')).getByTestId('cert-card').first();
  await expect(good.getByTestId('verdict')).toHaveAttribute('data-usable', 'true');
  await expect(good.getByTestId('verdict')).toHaveClass(/is-good/);
  await expect(good.getByTestId('verdict-key')).toHaveText('Private key found in client.pfx');
  await good.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.mouse.wheel(0, -90);
  await viewShot(page, '1x-16-verdict-green');
});

test.afterEach(async ({ page }, info) => {
  if (info.status !== info.expectedStatus) await screenshot(page, `1x-failed-${info.title.replace(/\W+/g, '-').slice(0, 60)}`);
});
