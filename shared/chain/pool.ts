import { base64 } from '@peculiar/utils';
import { bytesEqual, latin1 } from '../asn1/bytes';
import { parseX509, type X509View } from '../cert/x509';
import * as ext from '../cert/extensions';
import { readName } from '../cert/names';
import { thumbprint } from '../cert/thumbprint';
import type { DistinguishedName, GeneralName } from '../model/certificate';
import { canonicalName, type CanonicalName } from './name-compare';
import { constrainedNames, parseAltNames, parseNameConstraints, type ConstraintName, type ParsedNameConstraints } from './name-constraints';
import { decodeInhibitAnyPolicy, decodePolicies, decodePolicyConstraints, decodePolicyMappings, type PolicyInformation } from './policy';

/**
 * A pool of certificates from many sources (stores, files, a server's handshake) to build chains
 * over. Duplicates (the same DER from two sources) merge into one entry that remembers both sources.
 * Everything is decoded lazily, the certificate's structure included: a 10,000-certificate pool only
 * pays for the ones a chain touches, and keeps little more than the DER of the others.
 */
export class PoolEntry {
  readonly sources = new Set<string>();
  /** Set through CertPool.add, which forgets the issuer lists it ordered by trust. */
  trusted = false;
  private parsed: X509View | null;
  private cache: Map<string, unknown> | null = null;
  private unread: Map<string, string> | null = null;

  /** `view`, when given, is parseX509(der); otherwise it is parsed again on first use. */
  constructor(
    readonly der: Uint8Array,
    readonly thumbprint: string,
    view: X509View | null = null,
  ) {
    this.parsed = view;
  }

  /** The certificate's structure (the pool checked on add that it parses). */
  get view(): X509View {
    return (this.parsed ??= parseX509(this.der));
  }

  /**
   * Extensions that could not be read, by OID, with the reason. Path validation fails a certificate
   * listed here: a malformed or over-long Name Constraints must never read as "no constraints".
   */
  get unreadable(): ReadonlyMap<string, string> {
    return (this.unread ??= new Map());
  }

  private memo<T>(key: string, make: () => T, oid?: string): T {
    const cache = (this.cache ??= new Map());
    if (!cache.has(key)) {
      let value: T | null;
      try {
        value = make();
      } catch (err) {
        value = null;
        if (oid) (this.unread ??= new Map()).set(oid, err instanceof Error ? err.message : String(err));
      }
      cache.set(key, value);
    }
    return cache.get(key) as T;
  }

  private extension(oid: string): { value: Uint8Array; critical: boolean } | null {
    return this.view.extensions.find((e) => e.oid === oid) ?? null;
  }

  get subject(): DistinguishedName {
    return this.memo('subject', () => readName(this.view.subject));
  }
  get issuer(): DistinguishedName {
    return this.memo('issuer', () => readName(this.view.issuer));
  }
  /** The DER in base64 for chain reports, encoded once: a CA above a thousand leaves is in a thousand reports. */
  get derBase64(): string {
    return this.memo('b64', () => base64.encode(this.view.der));
  }

  /** RFC 5280 7.1 comparison forms of the subject and issuer names. */
  get subjectName(): CanonicalName {
    return this.memo('subjectName', () => canonicalName(this.view.subject), 'subject') ?? { key: `\u0003${this.thumbprint}`, rdns: [] };
  }
  get issuerName(): CanonicalName {
    return this.memo('issuerName', () => canonicalName(this.view.issuer), 'issuer') ?? { key: `\u0004${this.thumbprint}`, rdns: [] };
  }
  /** RFC 5280 6.1: self-issued when subject and issuer are the same name (7.1 comparison). */
  get selfIssued(): boolean {
    return this.memo('selfIssued', () => bytesEqual(this.view.subject, this.view.issuer) || this.subjectName.key === this.issuerName.key);
  }
  get ski(): string | null {
    return this.memo('ski', () => {
      const e = this.extension('2.5.29.14');
      return e ? ext.decodeSubjectKeyId(e.value) : null;
    }, '2.5.29.14');
  }
  get aki(): ext.AuthorityKeyId | null {
    return this.memo('aki', () => {
      const e = this.extension('2.5.29.35');
      return e ? ext.decodeAuthorityKeyId(e.value) : null;
    }, '2.5.29.35');
  }
  get basicConstraints(): { ca: boolean; pathLength: number | null } | null {
    return this.memo('bc', () => {
      const e = this.extension('2.5.29.19');
      return e ? ext.decodeBasicConstraints(e.value) : null;
    }, '2.5.29.19');
  }
  get keyUsage(): string[] | null {
    return this.memo('ku', () => {
      const e = this.extension('2.5.29.15');
      return e ? ext.decodeKeyUsage(e.value) : null;
    }, '2.5.29.15');
  }
  get eku(): { oid: string; name: string }[] | null {
    return this.memo('eku', () => {
      const e = this.extension('2.5.29.37');
      return e ? ext.decodeEku(e.value) : null;
    }, '2.5.29.37');
  }
  get subjectAltNames(): GeneralName[] {
    return this.memo('san', () => {
      const e = this.extension('2.5.29.17');
      return e ? ext.decodeGeneralNames(e.value) : [];
    }) ?? [];
  }
  /** Name Constraints for path validation (shared/chain/name-constraints.ts); see `unreadable` when null. */
  get nameConstraints(): ParsedNameConstraints | null {
    return this.memo('nc', () => {
      const e = this.extension('2.5.29.30');
      return e ? parseNameConstraints(e.value) : null;
    }, '2.5.29.30');
  }
  /** Every name Name Constraints apply to (SAN entries, subject DN, subject e-mail); null when unreadable. */
  get constrainedNames(): ConstraintName[] | null {
    return this.memo('cnames', () => {
      const e = this.extension('2.5.29.17');
      return constrainedNames(this.view.subject, e ? parseAltNames(e.value) : []);
    }, '2.5.29.17');
  }
  get policies(): PolicyInformation[] | null {
    return this.memo('cp', () => {
      const e = this.extension('2.5.29.32');
      return e ? decodePolicies(e.value) : null;
    }, '2.5.29.32');
  }
  get policyMappings(): [string, string][] | null {
    return this.memo('pm', () => {
      const e = this.extension('2.5.29.33');
      return e ? decodePolicyMappings(e.value) : null;
    }, '2.5.29.33');
  }
  get policyConstraints(): { requireExplicitPolicy: number | null; inhibitPolicyMapping: number | null } | null {
    return this.memo('pc', () => {
      const e = this.extension('2.5.29.36');
      return e ? decodePolicyConstraints(e.value) : null;
    }, '2.5.29.36');
  }
  get inhibitAnyPolicy(): number | null {
    return this.memo('iap', () => {
      const e = this.extension('2.5.29.54');
      return e ? decodeInhibitAnyPolicy(e.value) : null;
    }, '2.5.29.54');
  }
  get caIssuerUrls(): string[] {
    return this.memo('aia', () => {
      const e = this.extension('1.3.6.1.5.5.7.1.1');
      return e ? ext.decodeAuthorityInfoAccess(e.value).caIssuers : [];
    }) ?? [];
  }
}

/** Exact-bytes index key of a name: the fast path, most issuers spell their name as the child does. */
function nameKey(der: Uint8Array): string {
  return latin1(der, 0, der.length);
}

export class CertPool {
  private byThumbprint = new Map<string, PoolEntry>();
  private bySubject = new Map<string, PoolEntry[]>();
  /** By RFC 5280 7.1 canonical subject; built on the first lookup that needs it, dropped on add. */
  private byCanonicalSubject = new Map<string, PoolEntry[]>();
  private bySki = new Map<string, PoolEntry[]>();
  private skiIndexed = false;
  /** issuersOf's answers for the moment last asked: an intermediate above a thousand leaves is looked up once. */
  private issuers = new Map<PoolEntry, readonly PoolEntry[]>();
  private issuersAt = NaN;

  /**
   * Add a certificate; returns its entry (the existing one for a duplicate). Throws DerError on junk.
   * The structure read here to check it is not kept: most of a large pool is never in a chain, and
   * 10,000 kept views cost more in garbage collection than parsing again the few a chain reads.
   */
  add(der: Uint8Array, source: string, trusted = false): PoolEntry {
    const view = parseX509(der);
    const print = thumbprint(der);
    const existing = this.byThumbprint.get(print);
    const entry = existing ?? new PoolEntry(der, print);
    entry.sources.add(source);
    if (trusted && !entry.trusted) {
      entry.trusted = true;
      // Trust orders issuers (findIssuers' score): the remembered answers may change.
      this.issuers.clear();
    }
    if (!existing) {
      this.byThumbprint.set(entry.thumbprint, entry);
      push(this.bySubject, nameKey(view.subject), entry);
      // Both rebuilt lazily on the next lookup that needs them: most issuers are found by exact name.
      this.byCanonicalSubject.clear();
      this.bySki.clear();
      this.skiIndexed = false;
      this.issuers.clear();
    }
    return entry;
  }

  get(thumbprint: string): PoolEntry | undefined {
    return this.byThumbprint.get(thumbprint.toUpperCase());
  }

  get size(): number {
    return this.byThumbprint.size;
  }

  entries(): IterableIterator<PoolEntry> {
    return this.byThumbprint.values();
  }

  /**
   * Certificates that may have issued `child`: only those whose subject equals the child's issuer
   * name under RFC 5280 7.1 (6.1.4 (a)-(c) chain names, not key identifiers). The Authority Key
   * Identifier only orders the candidates (RFC 5280 4.2.1.1: it "facilitates" finding the key): a
   * certificate whose Subject Key Identifier matches but whose name does not is never an issuer.
   * Best first: key id and exact bytes match, then trusted, then currently valid.
   */
  issuersOf(child: PoolEntry, at: Date): readonly PoolEntry[] {
    if (at.getTime() !== this.issuersAt) {
      this.issuers.clear();
      this.issuersAt = at.getTime();
    }
    let found = this.issuers.get(child);
    if (!found) this.issuers.set(child, (found = this.findIssuers(child, at)));
    return found;
  }

  private findIssuers(child: PoolEntry, at: Date): PoolEntry[] {
    const want = child.issuerName.key;
    const found = new Set<PoolEntry>(this.bySubject.get(nameKey(child.view.issuer)) ?? []);
    const akiId = child.aki?.keyId;
    // Key ids only add issuers spelled differently; not needed when an exact-name issuer has the key id.
    if (akiId && ![...found].some((e) => e.ski === akiId)) for (const e of this.withKeyId(akiId)) if (e.subjectName.key === want) found.add(e);
    if (found.size === 0) {
      if (this.byCanonicalSubject.size === 0) {
        for (const e of this.byThumbprint.values()) push(this.byCanonicalSubject, e.subjectName.key, e);
      }
      for (const e of this.byCanonicalSubject.get(want) ?? []) found.add(e);
    }
    const score = (e: PoolEntry): number => {
      let s = 0;
      if (akiId && e.ski === akiId) s += 4;
      else if (akiId && e.ski) s -= 8; // RFC 5280 4.2.1.2: a different key id names a different key
      if (bytesEqual(e.view.subject, child.view.issuer)) s += 2;
      if (e.trusted) s += 2;
      if (at >= e.view.notBefore && at <= e.view.notAfter) s += 1;
      return s;
    };
    return [...found].sort((a, b) => score(b) - score(a));
  }

  /** Certificates whose Subject Key Identifier is `keyId` (to say what a missing issuer may be). */
  withKeyId(keyId: string): PoolEntry[] {
    if (!this.skiIndexed) {
      this.skiIndexed = true;
      for (const e of this.byThumbprint.values()) {
        const ski = e.ski;
        if (ski) push(this.bySki, ski, e);
      }
    }
    return this.bySki.get(keyId) ?? [];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
