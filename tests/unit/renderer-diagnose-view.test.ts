import { describe, expect, it } from 'vitest';
import { MAX_ATTACHMENTS, MAX_INPUT_FILE_BYTES } from '../../shared/contract';
import type { RankedFinding } from '../../shared/model/diagnose';
import type { FixScript } from '../../shared/model/fix';
import type { ProbeAttempt, ProbeResult } from '../../shared/model/probe';
import { addAttachments, diagnoseRequest, inputSummary, withoutSecrets } from '../../renderer/src/ui/diagnose/diagnose-request';
import { progressWords } from '../../renderer/src/ui/diagnose/use-diagnose';
import {
  countWords,
  elevationNote,
  fixableCount,
  fixesForFinding,
  grantParams,
  groupBySeverity,
  mostLikelyCause,
  occurrences,
  probeLabels,
  reportTone,
  topLabel,
  undoFileName,
} from '../../renderer/src/ui/diagnose/report-words';

/**
 * The Diagnose page's groupings and request, on hand-written reports shaped like
 * DiagnoseReportSchema: what a helpdesk user sees first, which fixes belong to which finding, and
 * what goes to findings:diagnose (and what is never kept: the PFX password).
 */

function ranked(id: RankedFinding['id'], rank: number, over: Partial<RankedFinding> = {}): RankedFinding {
  return {
    id,
    severity: 'error',
    title: id,
    detail: 'detail',
    evidence: [],
    fixes: [],
    rank,
    likelihood: rank === 1 ? 'root-cause' : 'likely',
    why: 'why',
    area: 'server',
    ...over,
  };
}

function fix(id: string, findingId: RankedFinding['id'], shell: FixScript['shell'], over: Partial<FixScript> = {}): FixScript {
  return {
    id,
    findingId,
    shell,
    title: `Fix ${id}`,
    summary: 'summary',
    script: `# ${id} ${shell}`,
    undo: `# undo ${id} ${shell}`,
    elevated: true,
    applyWith: null,
    fileName: `certbench-fix-${id}.${shell === 'powershell' ? 'ps1' : 'sh'}`,
    ...over,
  };
}

const findings: RankedFinding[] = [
  ranked('server.ca-list-empty', 5, { severity: 'info', likelihood: 'context' }),
  ranked('http.403.7', 3, { likelihood: 'contributing' }),
  ranked('iis.tls13-with-renegotiation', 1, { fixes: ['netsh.disabletls13'] }),
  ranked('server.renegotiation-client-cert', 2, { severity: 'warning', fixes: ['netsh.clientcertnegotiation', 'netsh.disabletls13'] }),
  ranked('key.too-open', 4, { severity: 'warning', area: 'key' }),
];

describe('groupBySeverity and mostLikelyCause', () => {
  it('puts errors, warnings and notes in that order, by rank within each', () => {
    const groups = groupBySeverity(findings);
    expect(groups.map((g) => g.label)).toEqual(['Errors', 'Warnings', 'Notes']);
    expect(groups.map((g) => g.findings.map((f) => f.rank))).toEqual([[1, 3], [2, 4], [5]]);
  });

  it('leaves out empty groups', () => {
    expect(groupBySeverity([findings[0]!]).map((g) => g.severity)).toEqual(['info']);
    expect(groupBySeverity([])).toEqual([]);
  });

  it('names the best-ranked cause, but not a note or mere context', () => {
    expect(mostLikelyCause(findings)?.id).toBe('iis.tls13-with-renegotiation');
    expect(mostLikelyCause([findings[0]!])).toBeNull();
    expect(mostLikelyCause([ranked('http.403.7', 1, { likelihood: 'context', severity: 'warning' })])).toBeNull();
    expect(mostLikelyCause([])).toBeNull();
  });

  it('says the counts and the tone', () => {
    expect(countWords(findings)).toBe('2 errors, 2 warnings, 1 note');
    expect(countWords([])).toBe('nothing wrong found');
    expect(reportTone({ findings })).toBe('bad');
    expect(reportTone({ findings: findings.filter((f) => f.severity !== 'error') })).toBe('unknown');
    expect(reportTone({ findings: [] })).toBe('good');
    expect(reportTone({ findings: [findings[0]!] })).toBe('good');
    // An error that only explains context (the summary says "no blocking problem") is amber, not red.
    expect(reportTone({ findings: [ranked('chain.untrusted-root', 2, { likelihood: 'context' })] })).toBe('unknown');
  });

  it('labels the best-ranked finding by what the ranking says it is', () => {
    expect(topLabel({ likelihood: 'root-cause' })).toBe('Most likely cause');
    expect(topLabel({ likelihood: 'likely' })).toBe('Most likely cause');
    expect(topLabel({ likelihood: 'contributing' })).toBe('Start here');
  });
});

describe('fixesForFinding', () => {
  const fixes = [
    fix('netsh.disabletls13', 'iis.tls13-with-renegotiation', 'bash'),
    fix('netsh.disabletls13', 'iis.tls13-with-renegotiation', 'powershell'),
    fix('netsh.clientcertnegotiation', 'server.renegotiation-client-cert', 'powershell'),
    // The same fix kind written for another finding belongs to that finding only.
    fix('netsh.disabletls13', 'server.renegotiation-client-cert', 'powershell', { title: 'Disable TLS 1.3 on the binding' }),
  ];

  it('lists the finding’s fixes in its order, PowerShell first, each with its shells', () => {
    const top = fixesForFinding(fixes, findings[2]!);
    expect(top.map((f) => [f.id, f.shells])).toEqual([['netsh.disabletls13', ['powershell', 'bash']]]);
    expect(top[0]!.byShell.bash?.script).toBe('# netsh.disabletls13 bash');
    const second = fixesForFinding(fixes, findings[3]!);
    expect(second.map((f) => [f.id, f.shells, f.title])).toEqual([
      ['netsh.clientcertnegotiation', ['powershell'], 'Fix netsh.clientcertnegotiation'],
      ['netsh.disabletls13', ['powershell'], 'Disable TLS 1.3 on the binding'],
    ]);
  });

  it('gives two findings of one id each their own script', () => {
    const a = ranked('iis.client-cert-negotiation-off', 1, { title: 'No client certificate negotiation on 0.0.0.0:443', fixes: ['netsh.clientcertnegotiation'] });
    const b = ranked('iis.client-cert-negotiation-off', 2, { title: 'No client certificate negotiation on 0.0.0.0:8443', fixes: ['netsh.clientcertnegotiation'] });
    const scripts = [
      fix('netsh.clientcertnegotiation', a.id, 'powershell', { script: `# For: ${a.title}\n$Target = '0.0.0.0:443'` }),
      fix('netsh.clientcertnegotiation', a.id, 'powershell', { script: `# For: ${b.title}\n$Target = '0.0.0.0:8443'` }),
    ];
    expect(occurrences([a, findings[0]!, b])).toEqual([0, 0, 1]);
    expect(fixesForFinding(scripts, a, 0)[0]!.byShell.powershell!.script).toContain("'0.0.0.0:443'");
    expect(fixesForFinding(scripts, b, 1)[0]!.byShell.powershell!.script).toContain("'0.0.0.0:8443'");
    // Headers that do not name the finding: the order of the findings decides.
    const unnamed = scripts.map((s, i) => ({ ...s, script: `$Target = '${i}'` }));
    expect(fixesForFinding(unnamed, b, 1)[0]!.byShell.powershell!.script).toBe("$Target = '1'");
    expect(fixableCount({ findings: [a, b], fixes: scripts })).toBe(2);
  });

  it('has nothing for a finding without scripts, and counts the fixable findings', () => {
    expect(fixesForFinding(fixes, findings[1]!)).toEqual([]);
    // A fix id the finding names but no script was written for is not offered.
    expect(fixesForFinding([], findings[2]!)).toEqual([]);
    expect(fixableCount({ findings, fixes })).toBe(2);
  });

  it('names the undo file beside the script, and who must run it', () => {
    expect(undoFileName('certbench-fix-netsh.ps1')).toBe('certbench-fix-netsh-undo.ps1');
    expect(undoFileName('fix')).toBe('fix-undo');
    expect(elevationNote({ shell: 'powershell', elevated: true })).toMatch(/elevated PowerShell/);
    expect(elevationNote({ shell: 'bash', elevated: true })).toMatch(/root/);
    expect(elevationNote({ shell: 'bash', elevated: false })).toMatch(/root is not needed/);
  });
});

describe('grantParams', () => {
  it('takes the key file and the identity from the finding’s params', () => {
    expect(grantParams({ params: { keyPath: '/etc/ssl/private/site.key', identity: 'www-data' } })).toEqual({ path: '/etc/ssl/private/site.key', identity: 'www-data' });
  });
  it('offers no Apply when either is missing', () => {
    expect(grantParams({ params: { keyPath: '/k' } })).toBeNull();
    expect(grantParams({ params: { identity: 'www-data', keyPath: ' ' } })).toBeNull();
    expect(grantParams({})).toBeNull();
  });
});

describe('probeLabels', () => {
  const attempt = (over: Partial<ProbeAttempt>): ProbeAttempt => ({
    label: 'default',
    kind: 'default',
    tls: { version: 'TLS 1.3', cipher: null },
    clientAuth: { mode: 'none', reason: null, certificateRequest: null },
    http: null,
    alerts: [],
    timeline: [],
    ending: 'closed by the server',
    error: null,
    clientCertificate: { presented: false, accepted: null, thumbprint: null },
    ...over,
  });
  const probe = (attempts: ProbeAttempt[]): ProbeResult => ({
    target: { host: '127.0.0.1', port: 443, path: '/', servername: 'localhost' },
    tls: { version: null, cipher: null },
    serverCertificates: [],
    clientAuth: { mode: 'none', certificateRequest: null },
    http: null,
    alerts: [],
    timeline: [],
    attempts,
    findings: [],
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 1,
  });

  it('says which probe carried the client certificate, numbering look-alikes', () => {
    const without = probe([attempt({})]);
    const withCert = probe([attempt({}), attempt({ kind: 'client-certificate', clientCertificate: { presented: true, accepted: false, thumbprint: 'AB' } })]);
    expect(probeLabels([without, withCert])).toEqual(['Without a client certificate', 'With the client certificate']);
    expect(probeLabels([without, without])).toEqual(['Without a client certificate (1)', 'Without a client certificate (2)']);
  });
});

describe('diagnoseRequest', () => {
  const pfx = { name: 'alice.pfx', dataBase64: 'UEZY' };
  const base = { url: '', certificate: { kind: 'none' as const }, identity: '', attachments: [], live: false };

  it('sends only what was given; a bare host gets https://', () => {
    expect(diagnoseRequest(base)).toEqual({ attachments: [], live: false });
    expect(diagnoseRequest({ ...base, url: ' intranet.contoso.com/secure ', identity: ' IIS AppPool\\Shop ', live: true })).toEqual({
      url: 'https://intranet.contoso.com/secure',
      identity: 'IIS AppPool\\Shop',
      attachments: [],
      live: true,
    });
  });

  it('sends a PFX with its password and no key file; a PEM with its key file', () => {
    const withPfx = diagnoseRequest({ ...base, certificate: { kind: 'file', file: pfx, keyFile: { name: 'stray.key', dataBase64: 'S0VZ' }, password: 'pw' } });
    expect(withPfx.clientCertificate).toEqual({ fileName: 'alice.pfx', dataBase64: 'UEZY', password: 'pw' });
    expect(withPfx.keyFile).toBeUndefined();
    const withPem = diagnoseRequest({ ...base, certificate: { kind: 'file', file: { name: 'alice.pem', dataBase64: 'UEVN' }, keyFile: { name: 'alice.key', dataBase64: 'S0VZ' }, password: '' } });
    expect(withPem.clientCertificate).toEqual({ fileName: 'alice.pem', dataBase64: 'UEVN' });
    expect(withPem.keyFile).toEqual({ fileName: 'alice.key', dataBase64: 'S0VZ' });
  });

  it('sends a store certificate by thumbprint, and the evidence files by name and content', () => {
    const r = diagnoseRequest({ ...base, certificate: { kind: 'store', thumbprint: 'A'.repeat(40), label: 'alice', via: 'auto' }, attachments: [{ name: 'netsh.txt', dataBase64: 'TkVUU0g=' }] });
    expect(r.thumbprint).toBe('A'.repeat(40));
    // Auto is the service's default: not sent, so the rule lives in one place (choose-client.ts).
    expect(r.via).toBeUndefined();
    const viaPowerShell = diagnoseRequest({ ...base, certificate: { kind: 'store', thumbprint: 'A'.repeat(40), label: 'alice', via: 'powershell' } });
    expect(viaPowerShell.via).toBe('powershell');
    expect(r.clientCertificate).toBeUndefined();
    expect(r.attachments).toEqual([{ name: 'netsh.txt', dataBase64: 'TkVUU0g=' }]);
  });

  it('keeps no password in the request remembered for the Bundles page', () => {
    const r = diagnoseRequest({ ...base, certificate: { kind: 'file', file: { name: 'a.pem', dataBase64: 'QQ==' }, keyFile: { name: 'a.key', dataBase64: 'Qg==' }, password: 'secret' } });
    const kept = withoutSecrets(r);
    expect(JSON.stringify(kept)).not.toContain('secret');
    expect(kept.clientCertificate).toEqual({ fileName: 'a.pem', dataBase64: 'QQ==' });
    expect(kept.keyFile).toEqual({ fileName: 'a.key', dataBase64: 'Qg==' });
  });

  it('says what will be diagnosed in one line', () => {
    expect(inputSummary({ ...base, url: 'host:8443', certificate: { kind: 'file', file: { name: 'alice.pfx' }, keyFile: null, password: 'x' }, attachments: [{ name: 'a' }, { name: 'b' }], live: true })).toBe(
      "https://host:8443 · certificate alice.pfx · 2 evidence files · this machine's server settings",
    );
    expect(inputSummary(base)).toBe('No server address (local checks only)');
  });
});

describe('addAttachments', () => {
  const file = (name: string, size = 10) => ({ name, size });

  it('adds files once, refusing one above the size limit with its name', () => {
    const r = addAttachments([file('netsh.txt')], [file('netsh.txt'), file('applicationHost.config'), file('huge.log', MAX_INPUT_FILE_BYTES + 1)]);
    expect(r.files.map((f) => f.name)).toEqual(['netsh.txt', 'applicationHost.config']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^huge\.log: 16\.0 MB; evidence files are at most 16 MB/);
  });

  it('stops at the attachment limit and says which files were left out', () => {
    const many = Array.from({ length: MAX_ATTACHMENTS + 2 }, (_, i) => file(`log${i}.log`));
    const r = addAttachments([], many);
    expect(r.files).toHaveLength(MAX_ATTACHMENTS);
    expect(r.errors).toEqual([`log${MAX_ATTACHMENTS}.log: not added; one diagnosis takes at most ${MAX_ATTACHMENTS} evidence files.`, `log${MAX_ATTACHMENTS + 1}.log: not added; one diagnosis takes at most ${MAX_ATTACHMENTS} evidence files.`]);
  });
});

describe('progressWords', () => {
  it('shows a stage’s own steps after its name, and each new stage alone', () => {
    // As the service reports them: stage index as done, the probe's steps in between.
    const events: [number, string][] = [
      [0, 'Reading the certificate stores'],
      [3, 'Probing the server'],
      [3, 'Default (TLS 1.2 or 1.3, as the server prefers)'],
      [3.5, 'TLS 1.3 forced'],
      [4, 'Reading the server configuration'],
    ];
    let stage: Parameters<typeof progressWords>[0] = null;
    const shown = events.map(([done, label]) => {
      const w = progressWords(stage, done, label);
      stage = w.stage;
      return w.text;
    });
    expect(shown).toEqual([
      'Reading the certificate stores',
      'Probing the server',
      'Probing the server: Default (TLS 1.2 or 1.3, as the server prefers)',
      'Probing the server: TLS 1.3 forced',
      'Reading the server configuration',
    ]);
  });
});
