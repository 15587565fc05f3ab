import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import fc from 'fast-check';
import { dumpAsn1, type Asn1Node } from '../../shared/asn1/dump';
import { requireOpenssl, standardPki } from '../helpers/openssl-pki';

const missing = requireOpenssl();
if (missing && process.env.CI === 'true') throw new Error(missing);

function find(node: Asn1Node, pred: (n: Asn1Node) => boolean): Asn1Node | null {
  if (pred(node)) return node;
  for (const c of node.children) {
    const f = find(c, pred);
    if (f) return f;
  }
  return null;
}

describe.skipIf(missing !== null)('raw ASN.1 view', () => {
  it('nests a certificate with named OIDs and opens extension values', () => {
    const s = standardPki();
    try {
      const der = new Uint8Array(fs.readFileSync(s.client.derPath));
      const { root, error, truncated } = dumpAsn1(der);
      expect(error).toBeNull();
      expect(truncated).toBe(false);
      expect(root?.tag).toBe('SEQUENCE');
      expect(root?.offset).toBe(0);
      expect(root!.headerLength + root!.length).toBe(der.length);
      expect(find(root!, (n) => n.value === '1.3.6.1.5.5.7.3.2 (Client Authentication)')).not.toBeNull();
      expect(find(root!, (n) => n.value === 'alice')?.tag).toBe('UTF8String');
      // The EKU extension's OCTET STRING is opened into its SEQUENCE of OIDs.
      const eku = find(root!, (n) => n.value === '2.5.29.37 (Enhanced Key Usage)');
      expect(eku).not.toBeNull();
      // SAN entries ([2] dNSName, [1] rfc822Name) read as text, not hex.
      expect(find(root!, (n) => n.tag === '[2]' && n.value === 'alice.contoso.test')).not.toBeNull();
      expect(find(root!, (n) => n.tag === '[1]' && n.value === 'alice@contoso.test')).not.toBeNull();
    } finally {
      s.pki.cleanup();
    }
  });

  it('never throws on random bytes and stays within its node bound', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const r = dumpAsn1(bytes, { maxNodes: 200, maxDepth: 16 });
        expect(r.root !== null || r.error !== null).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
