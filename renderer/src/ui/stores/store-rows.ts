import type { Store, StoreCertificate, KeyLocation } from '../../../../shared/model/store';
import { STORE_FILTERS, filterStoreCertificates, type StoreFilter } from '../../../../shared/stores/filters';

/**
 * The stores table's rows, computed once per listing so that a keystroke in the filter box only
 * runs the shared filters (shared/stores/filters.ts) and one substring test per row: 5,000 rows
 * filter in a few milliseconds, and only the rows in view are rendered (store-table.tsx).
 */
export interface StoreRow {
  /** Stable React key: a certificate can sit in several stores. */
  id: string;
  cert: StoreCertificate;
  store: Store | undefined;
  subject: string;
  issuer: string;
  storeLabel: string;
  /** What fits a table cell: a folder's own name ("…/private"), else the store's label. */
  storeShort: string;
  key: KeyWord;
  /** The one verdict in a word: what the card of this certificate says too. */
  clientAuth: ClientAuthWord;
  /** Everything the text box matches, lower-cased once. */
  haystack: string;
}

export type KeyWord = 'yes' | 'missing' | 'no' | 'unknown';
export type ClientAuthWord = 'yes' | 'no' | 'unknown' | 'not-judged';

/** The verdict the listing carries, in one word; 'not-judged' for a listing without verdicts (an older bundle). */
export function clientAuthWord(cert: StoreCertificate): ClientAuthWord {
  const v = cert.clientAuth;
  if (!v) return 'not-judged';
  return v.usable === true ? 'yes' : v.usable === false ? 'no' : 'unknown';
}

/** The key column in one word: the store holds the key, says it should but it is gone, has none, cannot tell. */
export function keyWord(key: KeyLocation): KeyWord {
  return key.status === 'present' ? 'yes' : key.status === 'missing' ? 'missing' : key.status === 'none' ? 'no' : 'unknown';
}

/** A name a user recognises: the CN, else the most specific attribute, else the whole DN. */
export function displayName(dn: { commonName: string | null; rfc4514: string; attributes: { type: string; value: string }[] }): string {
  if (dn.commonName) return dn.commonName;
  const first = dn.attributes[0];
  return first ? `${first.type}=${first.value}` : dn.rfc4514 || '(empty name)';
}

/** A store in a few words: a folder by its own name (the list above has the whole path), others by label. */
export function shortStoreLabel(store: Store | undefined, fallback: string): string {
  if (!store) return fallback;
  if (store.kind === 'folder' || store.kind === 'anchor-folder') {
    const parts = store.location.split(/[\\/]+/).filter(Boolean);
    return parts.length > 1 ? `…/${parts[parts.length - 1]}` : store.location;
  }
  return store.label;
}

export function buildRows(stores: Store[], certificates: StoreCertificate[]): StoreRow[] {
  const byId = new Map(stores.map((s) => [s.id, s]));
  const seen = new Map<string, number>();
  return certificates.map((cert) => {
    const s = cert.summary;
    const store = byId.get(cert.storeId);
    const base = `${cert.storeId}|${s.thumbprintSha1}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const haystack = [
      s.subject.rfc4514,
      s.issuer.rfc4514,
      s.thumbprintSha1,
      s.serialNumber,
      store?.label ?? cert.storeId,
      cert.friendlyName ?? '',
      cert.file ?? '',
      ...s.subjectAltNames.map((n) => n.value),
    ]
      .join('\n')
      .toLowerCase();
    return {
      id: n === 0 ? base : `${base}|${n}`,
      cert,
      store,
      subject: displayName(s.subject),
      issuer: displayName(s.issuer),
      storeLabel: store?.label ?? cert.storeId,
      storeShort: shortStoreLabel(store, cert.storeId),
      key: keyWord(cert.key),
      clientAuth: clientAuthWord(cert),
      haystack,
    };
  });
}

export interface RowFilter {
  /** Free text: any part of the subject, issuer, thumbprint, serial, SAN, store or file. */
  text: string;
  filters: StoreFilter[];
  /** "Issued by…": part of the issuer's name (null: off). */
  issuer: string | null;
  /** Only this store (null: all). */
  storeId: string | null;
}

export const NO_FILTER: RowFilter = { text: '', filters: [], issuer: null, storeId: null };

/** The rows that pass the chips (the shared filters), the store choice and the text, in listing order. */
export function filterRows(rows: StoreRow[], stores: Store[], filter: RowFilter): StoreRow[] {
  const byCert = new Map(rows.map((r) => [r.cert, r]));
  const passed = filterStoreCertificates(
    stores,
    rows.map((r) => r.cert),
    { filters: filter.filters, issuer: filter.issuer },
  );
  // A thumbprint pasted from Windows comes with spaces (certmgr) or colons (openssl): compare without them.
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  const compact = filter.text.replace(/[\s:]/g, '').toLowerCase();
  const out: StoreRow[] = [];
  for (const cert of passed) {
    const row = byCert.get(cert)!;
    if (filter.storeId !== null && cert.storeId !== filter.storeId) continue;
    if (words.length && !words.every((w) => row.haystack.includes(w)) && !(compact.length >= 8 && row.haystack.includes(compact))) continue;
    out.push(row);
  }
  return out;
}

/** How many certificates each chip would keep on its own (shown on the chip). */
export function chipCounts(stores: Store[], certificates: StoreCertificate[]): Record<StoreFilter, number> {
  const out = {} as Record<StoreFilter, number>;
  for (const f of STORE_FILTERS) out[f] = filterStoreCertificates(stores, certificates, { filters: [f] }).length;
  return out;
}
