import { bytesEqual, latin1 } from '../asn1/bytes';
import { parseX509, type X509View } from '../cert/x509';
import * as ext from '../cert/extensions';
import { readName } from '../cert/names';
import { thumbprint } from '../cert/thumbprint';
import type { DistinguishedName, GeneralName } from '../model/certificate';

/**
 * A pool of certificates from many sources (stores, files, a server's handshake) to build chains
 * over. Duplicates (the same DER from two sources) merge into one entry that remembers both sources.
 * Extensions are decoded lazily: a 10,000-certificate pool only pays for the ones a chain touches.
 */
export class PoolEntry {
  readonly thumbprint: string;
  readonly sources = new Set<string>();
  trusted = false;
  private cache = new Map<string, unknown>();

  constructor(readonly view: X509View) {
    this.thumbprint = thumbprint(view.der);
  }

  private memo<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) {
      let value: T | null;
      try {
        value = make();
      } catch {
        value = null; // a malformed extension counts as absent here; the model reports it
      }
      this.cache.set(key, value);
    }
    return this.cache.get(key) as T;
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
  get selfIssued(): boolean {
    return this.memo('selfIssued', () => bytesEqual(this.view.subject, this.view.issuer));
  }
  get ski(): string | null {
    return this.memo('ski', () => {
      const e = this.extension('2.5.29.14');
      return e ? ext.decodeSubjectKeyId(e.value) : null;
    });
  }
  get aki(): ext.AuthorityKeyId | null {
    return this.memo('aki', () => {
      const e = this.extension('2.5.29.35');
      return e ? ext.decodeAuthorityKeyId(e.value) : null;
    });
  }
  get basicConstraints(): { ca: boolean; pathLength: number | null } | null {
    return this.memo('bc', () => {
      const e = this.extension('2.5.29.19');
      return e ? ext.decodeBasicConstraints(e.value) : null;
    });
  }
  get keyUsage(): string[] | null {
    return this.memo('ku', () => {
      const e = this.extension('2.5.29.15');
      return e ? ext.decodeKeyUsage(e.value) : null;
    });
  }
  get eku(): { oid: string; name: string }[] | null {
    return this.memo('eku', () => {
      const e = this.extension('2.5.29.37');
      return e ? ext.decodeEku(e.value) : null;
    });
  }
  get subjectAltNames(): GeneralName[] {
    return this.memo('san', () => {
      const e = this.extension('2.5.29.17');
      return e ? ext.decodeGeneralNames(e.value) : [];
    }) ?? [];
  }
  get nameConstraints(): ext.NameConstraints | null {
    return this.memo('nc', () => {
      const e = this.extension('2.5.29.30');
      return e ? ext.decodeNameConstraints(e.value) : null;
    });
  }
  get caIssuerUrls(): string[] {
    return this.memo('aia', () => {
      const e = this.extension('1.3.6.1.5.5.7.1.1');
      return e ? ext.decodeAuthorityInfoAccess(e.value).caIssuers : [];
    }) ?? [];
  }
}

/** Name comparison key: exact DER first; RFC 5280 7.1's caseless match as the fallback key. */
function nameKey(der: Uint8Array): string {
  return latin1(der, 0, der.length);
}
export function looseNameKey(dn: DistinguishedName): string {
  return dn.rfc4514.toLowerCase().replace(/\s+/g, ' ');
}

export class CertPool {
  private byThumbprint = new Map<string, PoolEntry>();
  private bySubject = new Map<string, PoolEntry[]>();
  private byLooseSubject = new Map<string, PoolEntry[]>();
  private bySki = new Map<string, PoolEntry[]>();

  /** Add a certificate; returns its entry (the existing one for a duplicate). Throws DerError on junk. */
  add(der: Uint8Array, source: string, trusted = false): PoolEntry {
    const fresh = new PoolEntry(parseX509(der));
    const existing = this.byThumbprint.get(fresh.thumbprint);
    const entry = existing ?? fresh;
    entry.sources.add(source);
    if (trusted) entry.trusted = true;
    if (!existing) {
      this.byThumbprint.set(entry.thumbprint, entry);
      push(this.bySubject, nameKey(entry.view.subject), entry);
      const ski = entry.ski;
      if (ski) push(this.bySki, ski, entry);
      this.byLooseSubject.clear(); // rebuilt lazily on the next caseless lookup
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
   * Certificates that may have issued `child`: same name as its issuer, or a Subject Key Identifier
   * equal to its Authority Key Identifier (a renamed or cross-signed CA). Best candidates first:
   * both name and key id match, then trusted, then currently valid.
   */
  issuersOf(child: PoolEntry, at: Date): PoolEntry[] {
    const found = new Set<PoolEntry>(this.bySubject.get(nameKey(child.view.issuer)) ?? []);
    const akiId = child.aki?.keyId;
    if (akiId) for (const e of this.bySki.get(akiId) ?? []) found.add(e);
    if (found.size === 0) {
      if (this.byLooseSubject.size === 0) {
        for (const e of this.byThumbprint.values()) push(this.byLooseSubject, looseNameKey(e.subject), e);
      }
      for (const e of this.byLooseSubject.get(looseNameKey(child.issuer)) ?? []) found.add(e);
    }
    const score = (e: PoolEntry): number => {
      let s = 0;
      if (akiId && e.ski === akiId) s += 4;
      if (bytesEqual(e.view.subject, child.view.issuer)) s += 2;
      if (e.trusted) s += 2;
      if (at >= e.view.notBefore && at <= e.view.notAfter) s += 1;
      return s;
    };
    return [...found].sort((a, b) => score(b) - score(a));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
