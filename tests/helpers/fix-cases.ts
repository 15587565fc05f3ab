import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { FindingId } from '../../shared/findings/catalogue';
import type { FixShell } from '../../shared/model/fix';

/**
 * One case per fix generator (shared/fixes/registry.ts) for the quoting and running tests: the
 * finding it answers, and params with a value `h` put wherever a generator takes free text
 * (certificate names, identities, paths, hosts). The value is wrapped in x...x so trimming never
 * applies and the expected literal is exact; `accepts` says, independently of the generator code,
 * whether a script must be written for `h` (false: the value can never be valid there, e.g. a `"`
 * in a Windows account name, and the generator must write nothing).
 */
export interface FixCase {
  name: string;
  findingId: FindingId;
  fixId: string;
  shell: FixShell;
  params(h: string): Record<string, string>;
  accepts(h: string): boolean;
  /** Values that must each come back exactly from one single-quoted literal of the script. */
  literals(h: string): string[];
}

// eslint-disable-next-line no-control-regex -- the rule under test refuses control characters
const WIN_BAD = /["\u0000-\u001f\u007f]/;
/** Windows account names cannot hold these (and control characters). */
// eslint-disable-next-line no-control-regex -- idem
const ACCOUNT_BAD = /["/[\]:;|=,+*?<>\u0000-\u001f\u007f]/;
/** A binding name is also a registry key name: no \\ or /, and no white space in netsh's name:port. */
// eslint-disable-next-line no-control-regex -- idem
const BINDING_BAD = /["\u0000-\u001f\u007f\\/\s]/;
const noDotDot = (path: string) => !path.split('/').includes('..');
const always = () => true;

// A tiny DER writer: enough for a CA certificate with a UTF8String CN holding any characters, which
// the openssl -subj syntax cannot express (its / + = \\ escapes).
const der = (tag: number, content: Buffer): Buffer => {
  const n = content.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, content]);
};
const seq = (...parts: Buffer[]) => der(0x30, Buffer.concat(parts));
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a! * 40 + b!];
  for (const v of rest) {
    const chunk = [v & 0x7f];
    for (let x = v >> 7; x > 0; x >>= 7) chunk.unshift((x & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}
const utcTime = (d: Date) => der(0x17, Buffer.from(`${d.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`));
const nameOf = (cn: string) => seq(der(0x31, seq(oid('2.5.4.3'), der(0x0c, Buffer.from(cn, 'utf8')))));

let keyPair: { privateKey: KeyObject; spki: Buffer } | null = null;
function keys() {
  if (!keyPair) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 1024 });
    keyPair = { privateKey: pair.privateKey, spki: pair.publicKey.export({ type: 'spki', format: 'der' }) };
  }
  return keyPair;
}

const certCache = new Map<string, string>();
/** A CA certificate with CN = `cn` (UTF8String, any characters): a root (self-signed) or an intermediate. */
export function caPem(cn: string, kind: 'root' | 'intermediate', expired = false): string {
  const cacheKey = `${kind}\0${expired}\0${cn}`;
  const hit = certCache.get(cacheKey);
  if (hit) return hit;
  const { privateKey, spki } = keys();
  const now = Date.now();
  const sha256Rsa = seq(oid('1.2.840.113549.1.1.11'), der(0x05, Buffer.alloc(0)));
  const basicConstraints = seq(oid('2.5.29.19'), der(0x01, Buffer.from([0xff])), der(0x04, seq(der(0x01, Buffer.from([0xff])))));
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from([1])),
    sha256Rsa,
    kind === 'root' ? nameOf(cn) : nameOf('Certbench Test Root'),
    seq(utcTime(new Date(now - (expired ? 400 : 1) * 86_400_000)), utcTime(new Date(now + (expired ? -2 : 365) * 86_400_000))),
    nameOf(cn),
    spki,
    der(0xa3, seq(basicConstraints)),
  );
  const signature = sign('sha256', tbs, privateKey);
  const cert = seq(tbs, sha256Rsa, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const pem = `-----BEGIN CERTIFICATE-----\n${cert.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  certCache.set(cacheKey, pem);
  return pem;
}

const TP1 = 'A1'.repeat(20);
const TP2 = 'B2'.repeat(20);

/** Every generator, with `root` as the folder that holds the files the bash scripts touch. */
export function fixCases(root = '/srv/certbench'): FixCase[] {
  const winArg = (h: string) => !WIN_BAD.test(h);
  const cases: FixCase[] = [
    ...(['iis.client-cert-negotiation-off', 'log.500-64-before-403-7', 'server.renegotiation-client-cert', 'iis.tls13-with-renegotiation', 'server.tls13-post-handshake-needed', 'server.no-client-cert-request'] as const).map(
      (findingId): FixCase => ({
        name: `netsh clientcertnegotiation (${findingId})`,
        findingId,
        fixId: 'netsh.clientcertnegotiation',
        shell: 'powershell',
        params: (h) => ({ binding: `x${h}x:443`, bindingKind: 'hostnameport' }),
        accepts: (h) => !BINDING_BAD.test(h),
        literals: (h) => [`x${h}x:443`],
      }),
    ),
    {
      name: 'netsh disabletls13',
      findingId: 'server.tls13-post-handshake-needed',
      fixId: 'netsh.disabletls13',
      shell: 'powershell',
      params: (h) => ({ binding: `x${h}x:443`, certHash: TP1.toLowerCase(), appId: '{4dc3e181-e14b-4a21-b022-59fc669b0914}' }),
      accepts: (h) => !BINDING_BAD.test(h),
      literals: (h) => [`x${h}x:443`],
    },
    ...(['netsh.revocation-online', 'netsh.revocation-check-off'] as const).map(
      (fixId): FixCase => ({
        name: `${fixId} (revocation.unreachable)`,
        findingId: 'revocation.unreachable',
        fixId,
        shell: 'powershell',
        params: (h) => ({ binding: `x${h}x:443`, bindingKind: 'hostnameport', serverSoftware: 'iis' }),
        accepts: (h) => !BINDING_BAD.test(h),
        literals: (h) => [`x${h}x:443`],
      }),
    ),
    ...(['revocation.unreachable', 'revocation.stale-crl'] as const).map(
      (findingId): FixCase => ({
        name: `revocation cache refresh (${findingId})`,
        findingId,
        fixId: 'windows.revocation-cache-refresh',
        shell: 'powershell',
        params: () => ({ serverSoftware: 'iis' }),
        accepts: always,
        literals: () => [],
      }),
    ),
    { name: 'SendTrustedIssuerList', findingId: 'schannel.trusted-issuer-list-off', fixId: 'schannel.send-trusted-issuer-list', shell: 'powershell', params: () => ({}), accepts: always, literals: () => [] },
    { name: 'move non-self-signed out of Root', findingId: 'store.non-self-signed-in-root', fixId: 'store.move-non-self-signed', shell: 'powershell', params: () => ({ thumbprints: `${TP1}, ${TP2}`, store: 'LocalMachine\\Root' }), accepts: always, literals: () => [TP1, TP2] },
    { name: 'remove expired roots', findingId: 'store.expired-roots', fixId: 'store.remove-expired-roots', shell: 'powershell', params: () => ({ thumbprints: TP1 }), accepts: always, literals: () => [TP1] },
    ...(['chain.incomplete', 'http.403.16'] as const).map(
      (findingId): FixCase => ({
        name: `import intermediate from AIA (${findingId})`,
        findingId,
        fixId: 'store.import-intermediate',
        shell: 'powershell',
        params: (h) => ({ issuer: `CN=x${h}x,O=Contoso`, downloadUrl: `http://pki.example/x${h}x.crt` }),
        accepts: (h) => !/[\s\0]/.test(h), // a URL holds no white space and no NUL (isHttpUrl)
        literals: (h) => [`CN=x${h}x,O=Contoso`, `http://pki.example/x${h}x.crt`],
      }),
    ),
    {
      name: 'import intermediate from PEM',
      findingId: 'chain.incomplete',
      fixId: 'store.import-intermediate',
      shell: 'powershell',
      params: (h) => ({ certificatePem: caPem(`x${h}x`, 'intermediate') }),
      accepts: always,
      literals: () => [],
    },
    { name: 'import root', findingId: 'chain.untrusted-root', fixId: 'store.import-root', shell: 'powershell', params: (h) => ({ certificatePem: caPem(`x${h}x`, 'root') }), accepts: always, literals: () => [] },
    ...(['server.ca-list-too-large', 'store.root-names-too-large', 'schannel.ca-list-truncated', 'server.ca-list-excludes-issuer'] as const).map(
      (findingId): FixCase => ({
        name: `Client Authentication Issuers from PEM (${findingId})`,
        findingId,
        fixId: 'schannel.client-auth-issuers',
        shell: 'powershell',
        params: (h) => ({ certificatePem: caPem(`x${h}x`, 'intermediate') }),
        accepts: always,
        literals: () => [],
      }),
    ),
    { name: 'Client Authentication Issuers from a thumbprint', findingId: 'store.root-names-too-large', fixId: 'schannel.client-auth-issuers', shell: 'powershell', params: () => ({ thumbprint: TP2 }), accepts: always, literals: () => [TP2] },
    {
      name: 'icacls grant',
      findingId: 'key.identity-cannot-read',
      fixId: 'key.grant-read',
      shell: 'powershell',
      params: (h) => ({ keyPath: `C:\\keys\\x${h}x`, identity: `IIS AppPool\\x${h}x` }),
      accepts: (h) => winArg(h) && !/[<>|?*]/.test(h) && !ACCOUNT_BAD.test(h),
      literals: (h) => [`C:\\keys\\x${h}x`, `IIS AppPool\\x${h}x`],
    },
    {
      name: 'icacls restrict',
      findingId: 'key.too-open',
      fixId: 'key.restrict',
      shell: 'powershell',
      params: (h) => ({ keyPath: `C:\\keys\\x${h}x`, identity: `IIS AppPool\\x${h}x` }),
      accepts: (h) => winArg(h) && !/[<>|?*]/.test(h) && !ACCOUNT_BAD.test(h),
      literals: (h) => [`C:\\keys\\x${h}x`, `IIS AppPool\\x${h}x`],
    },
    ...(
      [
        ['iis.ssl-flags-not-requiring-cert', 'iis.ssl-flags-require'],
        ['server.no-client-cert-request', 'iis.ssl-flags-require'],
        ['iis.anonymous-needed-for-wcf', 'iis.anonymous-auth'],
      ] as const
    ).map(
      ([findingId, fixId]): FixCase => ({
        name: `appcmd ${fixId} (${findingId})`,
        findingId,
        fixId,
        shell: 'powershell',
        params: (h) => ({ location: `Default Web Site/x${h}x` }),
        accepts: winArg,
        literals: (h) => [`Default Web Site/x${h}x`],
      }),
    ),
    {
      name: 'appcmd site-level mapping',
      findingId: 'iis.mapping-at-application-level',
      fixId: 'iis.site-level-mapping',
      shell: 'powershell',
      params: (h) => ({ site: `Site x${h}x`, location: `Site x${h}x/app` }),
      accepts: winArg,
      literals: (h) => [`Site x${h}x`, `Site x${h}x/app`],
    },
    // bash
    ...(['user', 'group'] as const).map(
      (kind): FixCase => ({
        name: `setfacl grant (${kind})`,
        findingId: 'key.identity-cannot-read',
        fixId: 'key.grant-read',
        shell: 'bash',
        params: (h) => ({ keyPath: `${root}/keys/x${h}x/app.key`, identity: `${kind}:x${h}x` }),
        accepts: (h) => noDotDot(`${root}/keys/x${h}x/app.key`) && !h.includes('\\'),
        literals: (h) => [`${root}/keys/x${h}x/app.key`, `x${h}x`],
      }),
    ),
    { name: 'chmod restrict', findingId: 'key.too-open', fixId: 'key.restrict', shell: 'bash', params: (h) => ({ keyPath: `${root}/keys/x${h}x/app.key` }), accepts: (h) => noDotDot(`${root}/keys/x${h}x/app.key`), literals: (h) => [`${root}/keys/x${h}x/app.key`] },
    {
      name: 'anchor: intermediate from AIA',
      findingId: 'chain.incomplete',
      fixId: 'store.import-intermediate',
      shell: 'bash',
      params: (h) => ({ issuer: `CN=x${h}x`, downloadUrl: `http://pki.example/x${h}x.crt` }),
      accepts: (h) => !/[\s\0]/.test(h), // a URL holds no white space and no NUL (isHttpUrl)
      literals: (h) => [`CN=x${h}x`, `http://pki.example/x${h}x.crt`],
    },
    { name: 'anchor: intermediate from PEM', findingId: 'http.403.16', fixId: 'store.import-intermediate', shell: 'bash', params: (h) => ({ certificatePem: caPem(`x${h}x`, 'intermediate') }), accepts: always, literals: () => [] },
    { name: 'anchor: root', findingId: 'chain.untrusted-root', fixId: 'store.import-root', shell: 'bash', params: (h) => ({ certificatePem: caPem(`x${h}x`, 'root') }), accepts: always, literals: () => [] },
    ...(
      [
        ['store.non-self-signed-in-root', 'store.move-non-self-signed'],
        ['store.expired-roots', 'store.remove-expired-roots'],
      ] as const
    ).map(
      ([findingId, fixId]): FixCase => ({
        name: `anchor: ${fixId}`,
        findingId,
        fixId,
        shell: 'bash',
        params: (h) => ({ file: `${root}/anchors/x${h}x.crt` }),
        accepts: (h) => noDotDot(`${root}/anchors/x${h}x.crt`),
        literals: (h) => [`${root}/anchors/x${h}x.crt`],
      }),
    ),
    ...(['server.renegotiation-client-cert', 'server.tls13-post-handshake-needed', 'server.no-client-cert-request'] as const).map(
      (findingId): FixCase => ({
        name: `apache SSLVerifyClient at vhost level (${findingId})`,
        findingId,
        fixId: 'apache.verify-client-vhost',
        shell: 'bash',
        params: (h) => ({ serverSoftware: 'apache', file: `${root}/conf/x${h}x.conf`, port: '443', host: `x${h}x` }),
        accepts: (h) => noDotDot(`${root}/conf/x${h}x.conf`),
        literals: (h) => [`${root}/conf/x${h}x.conf`, `x${h}x`],
      }),
    ),
    {
      name: 'nginx ssl_verify_client',
      findingId: 'server.no-client-cert-request',
      fixId: 'nginx.verify-client-server',
      shell: 'bash',
      params: (h) => ({ serverSoftware: 'nginx', file: `${root}/conf/x${h}x.conf`, port: '443', host: `x${h}x` }),
      accepts: (h) => noDotDot(`${root}/conf/x${h}x.conf`),
      literals: (h) => [`${root}/conf/x${h}x.conf`, `x${h}x`],
    },
    {
      name: 'nginx ssl_verify_client with the client CA',
      findingId: 'server.no-client-cert-request',
      fixId: 'nginx.verify-client-server',
      shell: 'bash',
      params: (h) => ({ serverSoftware: 'nginx', file: `${root}/conf/site.conf`, port: '443', host: `x${h}x`, certificatePem: caPem(`x${h}x`, 'intermediate') }),
      accepts: always,
      literals: (h) => [`x${h}x`],
    },
    {
      name: 'nginx: only the issuing CA is sent',
      findingId: 'server.ca-list-too-large',
      fixId: 'nginx.client-ca-issuer-only',
      shell: 'bash',
      params: (h) => ({ serverSoftware: 'nginx', file: `${root}/conf/site.conf`, port: '443', host: `x${h}x`, certificatePem: caPem(`x${h}x`, 'intermediate') }),
      accepts: always,
      literals: (h) => [`x${h}x`],
    },
    {
      name: 'apache SSLCADNRequestFile',
      findingId: 'server.ca-list-too-large',
      fixId: 'apache.ca-dn-request-file',
      shell: 'bash',
      params: (h) => ({ serverSoftware: 'apache', file: `${root}/conf/site.conf`, port: '443', host: `x${h}x`, certificatePem: caPem(`x${h}x`, 'intermediate') }),
      accepts: always,
      literals: (h) => [`x${h}x`],
    },
    ...(['nginx', 'apache'] as const).map(
      (server): FixCase => ({
        name: `${server}: add the issuing CA to the CA file`,
        findingId: 'server.ca-list-excludes-issuer',
        fixId: server === 'nginx' ? 'nginx.client-ca-add-issuer' : 'apache.ca-add-issuer',
        shell: 'bash',
        params: (h) => ({ serverSoftware: server, file: `${root}/conf/x${h}x.conf`, port: '443', host: `x${h}x`, certificatePem: caPem(`x${h}x`, 'intermediate') }),
        accepts: (h) => noDotDot(`${root}/conf/x${h}x.conf`),
        literals: (h) => [`${root}/conf/x${h}x.conf`, `x${h}x`],
      }),
    ),
  ];
  return cases;
}
