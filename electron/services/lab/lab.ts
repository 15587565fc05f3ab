import crypto from 'node:crypto';
import { LAB_SCENARIOS, type LabScenario, type LabScenarioName, type LabState } from '../../../shared/model/lab';
import { findApache, startApache, type RunningApache } from './apache';
import { ensureLabPki, labFolder, type LabPki } from './lab-pki';
import { PAGE_403_7, startNodeScenario, type NodeScenario, type RunningServer } from './node-servers';
import { CASE_WORDS, startRevocationLab, type RevocationLab } from './revocation-lab';
import { startLabCrlServer } from './lab-crl';
import path from 'node:path';

/**
 * The built-in lab (`certbench lab`, lab:start/stop/status): local mTLS
 * servers on 127.0.0.1 that ask for a client certificate the ways servers in the field do, with a
 * test PKI in the lab folder. One Lab per process; start replaces a running lab.
 */

export const SCENARIO_INFO: Readonly<Record<LabScenarioName, { title: string; demonstrates: string }>> = {
  handshake: {
    title: 'Certificate requested in the handshake',
    demonstrates:
      'The server sends its CertificateRequest in the first handshake (nginx; IIS with "Negotiate Client Certificate" on the binding), TLS 1.2 and 1.3, naming the lab root and issuing CA.',
  },
  renegotiation: {
    title: 'Certificate requested by renegotiation after the request (IIS default)',
    demonstrates:
      'TLS 1.2 only. The first handshake asks for nothing; after GET /secure/ the server sends HelloRequest and a second handshake carries the CertificateRequest, as IIS does by default. Clients that refuse renegotiation get 403.7.',
  },
  'post-handshake': {
    title: 'TLS 1.3 post-handshake authentication',
    demonstrates:
      "TLS 1.3 only. The server asks for the certificate after GET /secure/, which only works when the client offered post_handshake_auth: Node and many clients never do and get 403 (Apache logs AH10158); `openssl s_client -enable_pha` and Certbench's probe answer it.",
  },
  'large-ca-list': {
    title: 'CA list over 16 KB',
    demonstrates:
      'The CertificateRequest names the lab CAs plus 140 filler CAs, well over the 16,384 bytes (and the older 12,228) that break Windows servers and some clients; the message spans several TLS records.',
  },
  'empty-ca-list': {
    title: 'Empty CA list',
    demonstrates:
      'The CertificateRequest names no CA at all (Schannel with SendTrustedIssuerList 0, nginx optional_no_ca): the client may offer any certificate, and browsers show every one they have.',
  },
  'wrong-ca-list': {
    title: "CA list without the client's issuer",
    demonstrates:
      "The server names only an unrelated CA, so browsers and Windows do not offer the lab client certificate and the user gets 403.7; a client that sends it anyway is accepted, which shows that the list, not the trust, is what is wrong.",
  },
  revocation: {
    title: 'Revocation checked: CRLs, OCSP, and a server that refuses revoked certificates',
    demonstrates:
      "A CA of its own publishes CRLs and answers OCSP on 127.0.0.1, with one client certificate per case (good, revoked, unreachable CRL, stale CRL, OCSP unknown, CRL over 20 MB, redirect loop). The server checks the CA's CRL and answers 403.13 for the revoked certificate, as IIS does. Check them with certbench chain FILE --revocation.",
  },
};

interface Running {
  pki: LabPki;
  scenarios: LabScenario[];
  stops: (() => Promise<void>)[];
  apache: RunningApache | null;
  revocation: RevocationLab | null;
}

/** Bytes of a CA list naming these certificates' subjects: each DN with its 2-byte length (RFC 8446 4.2.4, RFC 5246 7.4.4). */
function caListBytes(pems: string[]): number {
  return pems.reduce((n, pem) => n + 2 + subjectFromTbs(new crypto.X509Certificate(pem).raw).length, 0);
}

/** The subject Name DER of a certificate (TBSCertificate's sixth field, or fifth without a version). */
export function subjectFromTbs(der: Buffer): Buffer {
  const read = (buf: Buffer, at: number) => {
    const first = buf[at + 1]!;
    let len = first;
    let head = 2;
    if (first & 0x80) {
      const n = first & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i]!;
      head = 2 + n;
    }
    return { tag: buf[at]!, start: at, contentStart: at + head, end: at + head + len };
  };
  const outer = read(der, 0);
  const tbs = read(der, outer.contentStart);
  let at = tbs.contentStart;
  let field = read(der, at);
  if (field.tag === 0xa0) {
    at = field.end;
    field = read(der, at);
  }
  // serial, signature, issuer, validity, subject
  for (let i = 0; i < 4; i++) {
    at = field.end;
    field = read(der, at);
  }
  return der.subarray(field.start, field.end);
}

function revocationState(lab: RevocationLab): NonNullable<LabState['revocation']> {
  return {
    crlOcspUrl: lab.baseUrl,
    root: lab.files.root,
    ca: lab.files.ca,
    cases: Object.values(lab.cases).map((c) => ({ name: c.name, says: CASE_WORDS[c.name], certificate: c.certificateFile, key: c.keyFile, chain: c.chainFile })),
  };
}

export class Lab {
  private running: Running | null = null;
  private starting: Promise<LabState> | null = null;

  constructor(private readonly folder: () => string = () => labFolder()) {}

  /** Start the scenarios named (all when none), replacing a running lab. */
  async start(names?: readonly LabScenarioName[], progress?: (done: number, total: number, label: string) => void): Promise<LabState> {
    if (this.starting) await this.starting.catch(() => undefined);
    this.starting = this.doStart(names?.length ? [...new Set(names)] : [...LAB_SCENARIOS], progress);
    try {
      return await this.starting;
    } finally {
      this.starting = null;
    }
  }

  private async doStart(names: LabScenarioName[], progress?: (done: number, total: number, label: string) => void): Promise<LabState> {
    await this.stopRunning();
    const total = names.length + 1;
    progress?.(0, total, 'test PKI');
    const pki = await ensureLabPki(this.folder());
    const run: Running = { pki, scenarios: [], stops: [], apache: null, revocation: null };
    this.running = run;
    try {
      const crl = await startLabCrlServer(pki).catch((err: NodeJS.ErrnoException) => {
        // In use: most likely another Certbench running the lab of this same folder, which serves these same CRLs.
        if (err.code === 'EADDRINUSE') return null;
        throw err;
      });
      if (crl) run.stops.push(() => crl.close());
      for (const [i, name] of names.entries()) {
        progress?.(i + 1, total, name);
        run.scenarios.push(await this.startScenario(name, run));
      }
    } catch (err) {
      await this.stopRunning();
      throw err;
    }
    progress?.(total, total, 'running');
    return this.status();
  }

  private async startScenario(name: LabScenarioName, run: Running): Promise<LabScenario> {
    const info = SCENARIO_INFO[name];
    const { pki } = run;
    const base = { name, ...info };
    if (name === 'post-handshake') return this.startPostHandshake(run);
    if (name === 'revocation') return this.startRevocation(run);
    const server: RunningServer = await startNodeScenario(name as NodeScenario, pki, info.demonstrates);
    run.stops.push(() => server.close());
    const names =
      name === 'handshake' || name === 'renegotiation'
        ? [pki.pem.intermediate, pki.pem.root]
        : name === 'large-ca-list'
          ? [pki.pem.root, pki.pem.intermediate, ...pki.pem.fillers]
          : name === 'wrong-ca-list'
            ? [pki.pem.otherCa]
            : [];
    return {
      ...base,
      url: server.url,
      port: server.port,
      available: true,
      reason: null,
      server: `node:tls (Node ${process.versions.node}, OpenSSL ${process.versions.openssl})`,
      caNames: names.length,
      caNamesBytes: caListBytes(names),
    };
  }

  /**
   * Node's TLS server cannot request post-handshake authentication, and `openssl s_server` does it
   * only when someone types "c" at its prompt (never in its -www/-WWW modes): Apache is the one
   * local server that asks by itself, so without it the scenario is reported unavailable.
   */
  private async startPostHandshake(run: Running): Promise<LabScenario> {
    const info = SCENARIO_INFO['post-handshake'];
    const caNames = [run.pki.pem.intermediate, run.pki.pem.root];
    const unavailable = (reason: string): LabScenario => ({
      name: 'post-handshake',
      ...info,
      url: null,
      port: null,
      available: false,
      reason,
      server: 'Apache httpd',
      caNames: caNames.length,
      caNamesBytes: caListBytes(caNames),
    });
    const install = findApache();
    if (!install) {
      return unavailable(
        "Apache httpd is not installed (Debian/Ubuntu: apt-get install apache2). It is the local server that can ask for a certificate after a TLS 1.3 handshake: Node's TLS server cannot, and openssl s_server does it only interactively, never in its web-server modes.",
      );
    }
    let apache: RunningApache;
    try {
      apache = await startApache(install, {
        certFile: run.pki.files.serverCert,
        keyFile: run.pki.files.serverKey,
        caFile: run.pki.files.chain,
        protocols: 'TLSv1.3',
        // optional + Require ssl-verify-client: no certificate gets the 403.7 page, not only a TLS alert.
        locations: [{ path: '/secure', verify: 'optional' }],
        securePage: `<!DOCTYPE html>\n<html><head><title>Certbench lab: authenticated</title></head>\n<body><h1>Client certificate accepted</h1>\n<p>Scenario: post-handshake</p>\n<p>Subject: <code><!--#echo var="SSL_CLIENT_S_DN" --></code></p>\n</body></html>\n`,
        openPage: `<!DOCTYPE html><html><body><h1>Certbench lab: post-handshake</h1><p>${info.demonstrates.replace(/[<>&]/g, '')}</p><p><a href="/secure/">/secure/</a> needs the lab client certificate.</p></body></html>\n`,
        forbiddenPage: PAGE_403_7,
      });
    } catch (err) {
      return unavailable(`Apache is installed but did not start: ${(err as Error).message}`);
    }
    run.apache = apache;
    // Apache is a child process: if this process exits without stop(), do not leave it running.
    const onExit = () => {
      try {
        process.kill(apache.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    process.once('exit', onExit);
    run.stops.push(() => {
      process.removeListener('exit', onExit);
      return apache.stop();
    });
    return { name: 'post-handshake', ...info, url: apache.url, port: apache.port, available: true, reason: null, server: apache.version, caNames: caNames.length, caNamesBytes: caListBytes(caNames) };
  }

  private async startRevocation(run: Running): Promise<LabScenario> {
    const lab = await startRevocationLab(path.join(run.pki.folder, 'revocation'), { cert: run.pki.pem.server, key: run.pki.pem.serverKey });
    run.revocation = lab;
    run.stops.push(() => lab.close());
    const info = SCENARIO_INFO.revocation;
    return { name: 'revocation', ...info, url: lab.serverUrl, port: lab.serverPort, available: true, reason: null, server: `node:tls with the CA's CRL (OpenSSL ${process.versions.openssl})`, caNames: 2, caNamesBytes: caListBytes([lab.ca.pem, lab.root.pem]) };
  }

  /** Stop every server of the running lab; resolves once all ports are closed and Apache has exited. */
  async stop(): Promise<{ stopped: number }> {
    // A start in progress finishes first, so none of its servers outlives this stop.
    if (this.starting) await this.starting.catch(() => undefined);
    return this.stopRunning();
  }

  private async stopRunning(): Promise<{ stopped: number }> {
    const run = this.running;
    this.running = null;
    if (!run) return { stopped: 0 };
    await Promise.all(run.stops.map((s) => s().catch(() => undefined)));
    return { stopped: run.scenarios.filter((s) => s.available).length };
  }

  status(): LabState {
    const run = this.running;
    const folder = run?.pki.folder ?? this.folder();
    if (!run) return { running: false, folder, clientPfx: null, caFiles: null, clientFiles: null, scenarios: [] };
    const f = run.pki.files;
    return {
      running: true,
      folder,
      clientPfx: { path: f.clientPfx, password: run.pki.password, subject: run.pki.clientSubject },
      caFiles: { root: f.root, intermediate: f.intermediate, chain: f.chain, otherCa: f.otherCa },
      clientFiles: { certificate: f.clientCert, key: f.clientKey },
      scenarios: run.scenarios,
      revocation: run.revocation ? revocationState(run.revocation) : null,
    };
  }

  /** Apache's process id while it runs (for an exit hook and the tests). */
  get apachePid(): number | null {
    return this.running?.apache?.pid ?? null;
  }
}
