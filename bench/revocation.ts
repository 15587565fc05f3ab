import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { issueCertificate } from '../electron/services/lab/pki';
import { startRevocationHttp, type RevocationPublisher } from '../electron/services/lab/revocation-servers';
import { createRevocationFetcher } from '../electron/services/revocation/fetcher';
import { checkPath } from '../shared/revocation/check';
import { median, round, type BenchResult } from './result';

const run = promisify(execFile);

/**
 * revocation.three-links: the revocation check of a leaf, its issuing CA and the root (the leaf by
 * OCSP, the CA by the root's CRL, as Windows orders it), against the lab's CRL/OCSP server on
 * localhost. Baseline in the same run: `openssl verify -crl_check_all -crl_download` on the same
 * chain, which downloads the CRLs from the same server (the root's for the root and the CA, the CA's
 * for the leaf: three downloads against the engine's OCSP request and one CRL; one process per
 * check, so its start-up is part of the baseline: the ratio compares with a tool a helpdesk would use).
 */
export async function benchRevocation(progress: (m: string) => void, rounds = 30): Promise<BenchResult> {
  const publisher = { revoked: new Map(), known: new Set<string>() } as unknown as RevocationPublisher;
  const server = await startRevocationHttp(publisher);
  const base = `http://127.0.0.1:${server.port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-bench-revocation-'));
  try {
    // The root names its own CRL too: openssl's -crl_check_all wants a CRL for every depth, the root's included.
    const root = issueCertificate({ subject: [['CN', 'Bench Revocation Root']], ca: true, crlUrls: [`${base}/root.crl`] });
    const ca = issueCertificate({ subject: [['CN', 'Bench Revocation CA']], ca: true, issuer: root, crlUrls: [`${base}/root.crl`] });
    const serial = Buffer.from('3c0ffee5b3c4e11a', 'hex');
    const leaf = issueCertificate({ subject: [['CN', 'bench-client']], issuer: ca, eku: ['clientAuth'], serial, crlUrls: [`${base}/ca.crl`], ocspUrls: [`${base}/ocsp`] });
    Object.assign(publisher, { root, ca });
    publisher.known.add(serial.toString('hex').toUpperCase());
    const files = { root: path.join(dir, 'root.pem'), ca: path.join(dir, 'ca.pem'), leaf: path.join(dir, 'leaf.pem') };
    fs.writeFileSync(files.root, root.pem);
    fs.writeFileSync(files.ca, ca.pem);
    fs.writeFileSync(files.leaf, leaf.pem);
    const links = [
      { der: new Uint8Array(leaf.der), role: 'leaf' as const },
      { der: new Uint8Array(ca.der), role: 'intermediate' as const },
      { der: new Uint8Array(root.der), role: 'root' as const },
    ];
    const allowed = new Set([`${base}/root.crl`, `${base}/ca.crl`, `${base}/ocsp`]);
    const ours = async () => {
      const answers = await checkPath(links, new Date(), createRevocationFetcher({ allowed }));
      const states = answers.map((a) => a.status).join(',');
      if (answers[0]?.status !== 'good' || answers[1]?.status !== 'good') throw new Error(`the engine did not answer good for leaf and CA: ${states}`);
    };
    const openssl = () => run('openssl', ['verify', '-crl_check_all', '-crl_download', '-CAfile', files.root, '-untrusted', files.ca, files.leaf], { timeout: 15_000 });
    progress('checking a three-link chain with the revocation engine and with openssl verify -crl_download...');
    await ours();
    await openssl();
    const time = async (fn: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const started = performance.now();
        await fn();
        samples.push(performance.now() - started);
      }
      return median(samples);
    };
    const baseline = await time(openssl);
    const value = await time(ours);
    return {
      name: 'revocation.three-links',
      value: round(value),
      unit: `ms median of ${rounds} checks (leaf by OCSP, CA by CRL, root)`,
      baseline: 'openssl verify -crl_check_all -crl_download, same chain and server',
      baselineValue: round(baseline),
      ratio: round(value / baseline),
      target: '<= 1 (no slower than the command-line check)',
    };
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
