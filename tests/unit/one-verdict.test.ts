import { describe, expect, it } from 'vitest';
import { base64 } from '@peculiar/utils';
import { analyzeChains } from '../../shared/chain/analyze';
import { summarizeCertificate } from '../../shared/cert/summarize';
import type { KeyLocation, Store, StoreCertificate } from '../../shared/model/store';
import { decideOffers } from '../../shared/probe/offer';
import { filterStoreCertificates } from '../../shared/stores/filters';
import { keyStatusOfStoreCertificate, judgeStoreCertificates } from '../../shared/verdict/store-verdicts';
import { buildRows } from '../../renderer/src/ui/stores/store-rows';
import { DAY, OID, ca, leaf, type Built } from '../helpers/x509-build';

/**
 * One verdict everywhere, below the UI: for each certificate the Local stores row, the
 * client-auth chip, Probe's offer decision and the card's chain:analyze verdict say the same thing.
 * Before, the row and chip judged by EKU (and key and dates) alone, the offers by their own rules.
 */

const at = new Date();
const KEY: KeyLocation = { status: 'present', provider: null, providerKind: 'file', container: null, uniqueName: null, path: '/k/x.key', exportable: null, detail: null };
const store = (id: string, trusted: boolean): Store => ({ id, kind: 'folder', role: trusted ? 'root' : 'personal', label: id, location: id, trusted, certificateCount: 0, error: null });

describe('one verdict per certificate', () => {
  it('row, chip, offers and card agree for a good, an expired, an unchained and a server-only certificate', async () => {
    const root = ca('One Verdict Root');
    const hiddenCa = ca('Hidden Issuing CA', root);
    const certs: Record<string, Built> = {
      good: leaf('good', root),
      expired: leaf('expired', root, { notBefore: new Date(Date.now() - 90 * DAY), notAfter: new Date(Date.now() - DAY) }),
      unchained: leaf('unchained', hiddenCa),
      server: leaf('server-only', root, { eku: [OID.serverAuth] }),
    };
    const my = store('folder:/my', false);
    const roots = store('folder:/roots', true);
    const listing: StoreCertificate[] = [
      { storeId: roots.id, friendlyName: null, summary: await summarizeCertificate('root', root.der, at), key: { ...KEY, status: 'none', path: null } },
      ...(await Promise.all(Object.entries(certs).map(async ([n, b]) => ({ storeId: my.id, friendlyName: n, summary: await summarizeCertificate(n, b.der, at), key: KEY })))),
    ];
    const judged = await judgeStoreCertificates([my, roots], listing, at);
    const rows = buildRows([my, roots], judged);
    const chip = new Set(filterStoreCertificates([my, roots], judged, { filters: ['client-auth'] }).map((c) => c.friendlyName));
    const pool = judged.map((c) => ({ der: base64.decode(c.summary.derBase64), source: c.storeId, trusted: c.storeId === roots.id }));
    const card = await analyzeChains(
      pool,
      judged.filter((c) => c.storeId === my.id).map((c) => ({ thumbprint: c.summary.thumbprintSha1, key: keyStatusOfStoreCertificate(c, my) })),
      at,
    );
    const offers = decideOffers(
      { caNames: [] },
      judged.filter((c) => c.storeId === my.id).map((c) => ({ summary: c.summary, source: my.label, key: keyStatusOfStoreCertificate(c, my), issuers: [], verdict: c.clientAuth })),
      at,
    );

    const expected: Record<string, boolean> = { good: true, expired: false, unchained: false, server: false };
    for (const [name, usable] of Object.entries(expected)) {
      const c = judged.find((x) => x.friendlyName === name)!;
      const t = c.summary.thumbprintSha1;
      const cardVerdict = card.results.find((r) => r.thumbprint === t)!.verdict;
      expect(cardVerdict.usable, name).toBe(usable);
      expect(c.clientAuth?.sentence, name).toBe(cardVerdict.sentence);
      expect(rows.find((r) => r.cert.summary.thumbprintSha1 === t && r.cert.storeId === my.id)!.clientAuth, name).toBe(usable ? 'yes' : 'no');
      expect(chip.has(name), name).toBe(usable);
      // Offered exactly when usable, except where only this machine's view of the chain says no:
      // a browser offers it anyway (it matches issuer names) and the server decides.
      expect(offers.find((o) => o.thumbprint === t)!.wouldOffer, name).toBe(usable || name === 'unchained');
    }
    // The unchained certificate: its key and EKU are fine, so only the chain says no, everywhere; the
    // offers table says the same words, as a note beside "would be offered".
    const unchained = offers.find((o) => o.commonName === 'unchained')!;
    expect(unchained.reasons).toEqual([]);
    expect(unchained.notes).toEqual(['an issuing CA certificate is missing (here; the server decides with its own trusted roots)']);
  });
});
