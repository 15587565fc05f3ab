import * as pkijs from 'pkijs';
import { readName } from '../shared/cert/names';
import { parseX509 } from '../shared/cert/x509';
import { generateCertificates } from './generate';
import { round, type BenchResult } from './result';

/**
 * Whether the fast DER reader must stay: listing N certificates (names, serial, dates, key algorithm,
 * extension OIDs: what a store listing shows) with Certbench's reader against pkijs'
 * Certificate.fromBER on the same certificates, in the same run. tests/integration/der-reader-vs-pkijs.test.ts
 * shows the two read the same fields.
 */
export async function benchReader(progress: (m: string) => void, count: number): Promise<BenchResult> {
  progress(`generating ${count} certificates for the reader comparison...`);
  const ders = (await generateCertificates(count)).map((d) => d.slice() as Uint8Array<ArrayBuffer>);
  const ours = (der: Uint8Array) => {
    const v = parseX509(der);
    return [readName(v.subject).rfc4514, readName(v.issuer).rfc4514, v.serial, v.notBefore, v.notAfter, v.spki.algorithmOid, v.extensions.map((e) => e.oid)];
  };
  const theirs = (der: Uint8Array<ArrayBuffer>) => {
    const c = pkijs.Certificate.fromBER(der);
    const rdn = (n: pkijs.RelativeDistinguishedNames) => n.typesAndValues.map((t) => `${t.type}=${String(t.value.valueBlock.value)}`).join(',');
    return [rdn(c.subject), rdn(c.issuer), c.serialNumber.valueBlock.valueHexView, c.notBefore.value, c.notAfter.value, c.subjectPublicKeyInfo.algorithm.algorithmId, (c.extensions ?? []).map((e) => e.extnID)];
  };
  for (const der of ders.slice(0, 200)) {
    ours(der);
    theirs(der);
  }
  const time = (fn: () => void) => {
    let best = Infinity;
    for (let r = 0; r < 3; r++) {
      const started = performance.now();
      fn();
      best = Math.min(best, performance.now() - started);
    }
    return best;
  };
  progress('listing them with pkijs (baseline) and with the fast reader...');
  const pkijsMs = time(() => ders.forEach(theirs));
  const oursMs = time(() => ders.forEach(ours));
  return {
    name: 'inspect.list-fast-reader-vs-pkijs',
    value: round(oursMs),
    unit: `ms to list ${count} certificates`,
    baseline: 'pkijs Certificate.fromBER on the same certificates',
    baselineValue: round(pkijsMs),
    ratio: round(oursMs / pkijsMs),
    target: '< 0.2 (else the fast reader is not worth keeping)',
  };
}
