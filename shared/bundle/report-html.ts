import type { BundleCommand, BundleManifest } from '../model/bundle';
import type { DiagnoseReport, RankedFinding } from '../model/diagnose';
import type { ChainPath } from '../model/chain';
import type { FixScript } from '../model/fix';
import type { ProbeAttempt, ProbeResult } from '../model/probe';
import type { ServerEvidence } from '../model/server';
import { CA_LIST_LIMIT } from '../probe/findings';
import { revocationSentence } from '../revocation/words';

/**
 * report.html of a diagnostic bundle (standalone, readable in any browser with no app):
 * one file with inline CSS, no script, no image, nothing fetched (a Content-Security-Policy of
 * default-src 'none' says so to the browser too), every value escaped. It is written from the
 * report after redaction, so it says exactly what report.json says. Long lists are cut with a
 * pointer to report.json, which holds everything.
 */

/** Optional parts a bundle has besides its report. */
export interface ReportHtmlExtras {
  commands?: BundleCommand[];
}

const MAX_CA_NAMES = 200;
const MAX_TIMELINE = 400;
const MAX_ROWS = 100;

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const number = (n: number) => n.toLocaleString('en-US');
const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);

function table(head: string[], rows: string[][], cls = ''): string {
  if (!rows.length) return '<p class="muted">None.</p>';
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** Rows beyond `max` are summarised in one line (report.json has them all). */
function capped<T>(items: T[], max: number): { shown: T[]; note: string } {
  if (items.length <= max) return { shown: items, note: '' };
  return { shown: items.slice(0, max), note: `<p class="muted">… and ${number(items.length - max)} more (report.json lists them all).</p>` };
}

const SEVERITY_LABEL: Record<string, string> = { error: 'Error', warning: 'Warning', info: 'Info' };

function header(m: BundleManifest, r: DiagnoseReport): string {
  const redactions = m.redactions.length ? m.redactions.join(', ') : 'none';
  return `<header>
<h1>Certbench diagnostic bundle</h1>
<p class="lead">From <b>${esc(m.host)}</b> at <b>${esc(m.createdAt)}</b>, Certbench ${esc(m.appVersion)} on ${esc(m.os.platform)} ${esc(m.os.release)}.</p>
<dl class="facts">
<dt>Redacted</dt><dd>${esc(redactions)}</dd>
<dt>Diagnosed</dt><dd>${esc(r.createdAt)} on ${esc(r.host)} (${esc(r.platform)}, Certbench ${esc(r.appVersion)})</dd>
<dt>Server</dt><dd>${esc(r.request.url ?? 'none given')}</dd>
<dt>Certificate</dt><dd>${esc(r.request.certificate ?? 'none given')}</dd>
<dt>Identity</dt><dd>${esc(r.request.identity ?? 'none given')}</dd>
${r.request.attachments.length ? `<dt>Attachments</dt><dd>${r.request.attachments.map(esc).join(', ')}</dd>` : ''}
</dl>
<details><summary>What this bundle holds (${m.collected.length} items, ${m.files.length} files)</summary><ul>${m.collected.map((c) => `<li>${esc(c)}</li>`).join('')}</ul></details>
</header>`;
}

function summary(r: DiagnoseReport): string {
  const counts = ['error', 'warning', 'info'].map((s) => [s, r.findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const steps = table(
    ['Step', 'Status', 'Note', 'Took'],
    r.steps.map((s) => [esc(s.name), `<span class="status-${esc(s.status)}">${esc(s.status)}</span>`, esc(s.note), `<span class="nowrap">${esc(ms(s.durationMs))}</span>`]),
  );
  return `<section id="summary"><h2>Summary</h2>
<p class="summary">${esc(r.summary)}</p>
<p>${counts.length ? counts.map(([s, n]) => `<span class="badge ${s}">${n} ${esc(SEVERITY_LABEL[s]!.toLowerCase())}${n === 1 ? '' : 's'}</span>`).join(' ') : '<span class="badge ok">no findings</span>'}</p>
<h3>What was looked at</h3>${steps}</section>`;
}

function fixNames(f: RankedFinding, fixes: FixScript[]): string[] {
  const names = fixes.filter((x) => x.findingId === f.id && (f.fixes.length === 0 || f.fixes.includes(x.id))).map((x) => `${x.title} (${x.shell}: ${x.fileName})`);
  return names.length ? names : f.fixes;
}

function findings(r: DiagnoseReport): string {
  const sorted = [...r.findings].sort((a, b) => a.rank - b.rank);
  const items = sorted.map((f) => {
    const fixes = fixNames(f, r.fixes);
    return `<article class="finding ${esc(f.severity)}">
<h3><span class="rank">#${f.rank}</span> <span class="badge ${esc(f.severity)}">${esc(SEVERITY_LABEL[f.severity] ?? f.severity)}</span> ${esc(f.title)}</h3>
<p class="meta"><code>${esc(f.id)}</code> · ${esc(f.likelihood)} · ${esc(f.area)}</p>
<p>${esc(f.detail)}</p>
<p class="why"><b>Why it ranks here:</b> ${esc(f.why)}</p>
${f.evidence.length ? `<ul class="evidence">${f.evidence.map((e) => `<li><span class="kind">${esc(e.kind)}</span> <code>${esc(e.text)}</code></li>`).join('')}</ul>` : ''}
${fixes.length ? `<p class="fix"><b>Fix available:</b> ${fixes.map(esc).join('; ')}</p>` : ''}
</article>`;
  });
  return `<section id="findings"><h2>Findings, most likely cause first</h2>${items.length ? items.join('\n') : '<p class="muted">No findings.</p>'}</section>`;
}

/** The revocation answer's status as the report's colours read it: revoked is an error, good is ok, the rest a warning or muted. */
const REVOCATION_CLASS = { good: 'ok', revoked: 'fail', unknown: 'warn', 'could-not-check': 'warn', 'not-checked': 'unknown' } as const;

function chainPath(p: ChainPath): string {
  // The Revocation column only when the chain was checked (Diagnose's revocation stage ran).
  const checked = p.links.some((l) => l.revocation);
  const rows = p.links.map((l) => [
    esc(l.role),
    esc(l.subject),
    esc(l.issuer),
    `<span class="nowrap">${esc(l.notBefore)}</span><br><span class="nowrap">${esc(l.notAfter)}</span>`,
    `<span class="status-${esc(l.status)}">${esc(l.status)}</span>`,
    l.checks.filter((c) => c.status !== 'ok').map((c) => esc(c.text)).join('<br>') || '<span class="muted">all checks pass</span>',
    ...(checked ? [l.revocation ? `<span class="status-${REVOCATION_CLASS[l.revocation.status]}">${esc(revocationSentence(l.revocation))}</span>` : '<span class="muted">Not checked</span>'] : []),
  ]);
  const missing = p.missing ? `<p class="problem">Missing issuer: <code>${esc(p.missing.issuer)}</code>${p.missing.downloadUrls.length ? ` (the certificate says it can be downloaded from ${p.missing.downloadUrls.map((u) => `<code>${esc(u)}</code>`).join(', ')})` : ''}</p>` : '';
  return `<p>Chain status: <span class="status-${esc(p.status)}">${esc(p.status)}</span></p>${table(['Role', 'Subject', 'Issuer', 'Valid from / to', 'Status', 'Problems', ...(checked ? ['Revocation'] : [])], rows)}${missing}${
    p.problems.length ? `<ul class="problems">${p.problems.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : ''
  }`;
}

function certificate(r: DiagnoseReport): string {
  const c = r.certificate;
  if (!c) return '';
  const s = c.summary;
  const eku = s.extendedKeyUsage === null ? 'any (no EKU extension)' : s.extendedKeyUsage.map((e) => e.name).join(', ') || 'none';
  return `<section id="certificate"><h2>Client certificate</h2>
<dl class="facts">
<dt>Source</dt><dd>${esc(c.source)}</dd>
<dt>Subject</dt><dd><code>${esc(s.subject.rfc4514)}</code></dd>
<dt>Issuer</dt><dd><code>${esc(s.issuer.rfc4514)}</code></dd>
<dt>Valid</dt><dd>${esc(s.notBefore)} to ${esc(s.notAfter)} (<span class="status-${esc(s.validity.status)}">${esc(s.validity.status)}</span>)</dd>
<dt>Thumbprint</dt><dd><code>${esc(s.thumbprintSha1)}</code></dd>
<dt>Key</dt><dd>${esc(s.publicKey.description)}</dd>
<dt>Enhanced key usage</dt><dd>${esc(eku)}</dd>
<dt>Alternative names</dt><dd>${s.subjectAltNames.map((n) => `${esc(n.type)}: <code>${esc(n.value)}</code>`).join(', ') || 'none'}</dd>
<dt>Verdict</dt><dd>${esc(c.verdict.sentence)}</dd>
</dl>
${c.chain ? `<h3>Chain</h3>${chainPath(c.chain.best)}` : '<p class="muted">No chain was built.</p>'}
</section>`;
}

function attemptBlock(a: ProbeAttempt): string {
  const head = [a.tls.version ?? 'no TLS', a.tls.cipher, a.http ? `HTTP ${a.http.status}${a.http.subStatus !== null ? `.${a.http.subStatus}` : ''} ${a.http.reason}` : null, a.durationMs !== undefined ? ms(a.durationMs) : null]
    .filter(Boolean)
    .join(' · ');
  const t = capped(a.timeline, MAX_TIMELINE);
  const rows = t.shown.map((e) => [esc(e.ms.toFixed(1)), esc(e.from === 'client' ? 'client → server' : 'server → client'), e.encrypted ? 'yes' : 'no', esc(e.message), e.bytes !== undefined ? esc(number(e.bytes)) : '']);
  const cr = a.clientAuth.certificateRequest;
  let request = '';
  if (cr) {
    const over = cr.caNamesBytes > CA_LIST_LIMIT;
    const names = capped(cr.caNames, MAX_CA_NAMES);
    request = `<p>CertificateRequest (${esc(cr.carriedBy)}): ${number(cr.caNames.length)} CA names in <b class="${over ? 'over' : ''}">${number(cr.caNamesBytes)}</b> of ${number(CA_LIST_LIMIT)} bytes${over ? ' (over the limit)' : ''}; message ${number(cr.messageBytes)} bytes in ${cr.records} record(s).</p>${
      names.shown.length ? `<ol class="ca-names">${names.shown.map((n) => `<li><code>${esc(n)}</code></li>`).join('')}</ol>${names.note}` : '<p class="muted">No CA names: the client may offer any certificate.</p>'
    }`;
  }
  const alerts = a.alerts.map((al) => `<li>Alert from ${esc(al.from)}: ${esc(al.level)} ${esc(al.description)} (${al.code})${al.ms !== undefined ? ` at ${esc(al.ms.toFixed(1))} ms` : ''}</li>`).join('');
  return `<div class="attempt"><h4>${esc(a.label)}</h4><p class="meta">${esc(head)}</p>
${table(['ms', 'From', 'Encrypted', 'Message', 'Bytes'], rows, 'timeline')}${t.note}
<p>Client certificate asked: <b>${esc(a.clientAuth.mode)}</b>${a.clientAuth.reason ? ` (${esc(a.clientAuth.reason)})` : ''}</p>
${request}${alerts ? `<ul class="alerts">${alerts}</ul>` : ''}
<p class="meta">Ending: ${esc(a.ending)}${a.error ? ` · error: ${esc(a.error)}` : ''}</p></div>`;
}

function probe(p: ProbeResult, i: number): string {
  const t = p.target;
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `<article class="probe"><h3>Probe ${i + 1}: <code>https://${esc(host)}:${t.port}${esc(t.path)}</code></h3>
${p.summary ? `<p>${esc(p.summary)}</p>` : ''}${p.error ? `<p class="problem">${esc(p.error)}</p>` : ''}
<p class="meta">Started ${esc(p.startedAt)}, took ${esc(ms(p.durationMs))}; SNI ${esc(t.servername || '(none: IP address)')}; client certificate asked: <b>${esc(p.clientAuth.mode)}</b></p>
${p.serverCertificates.length ? `<p>Server chain as sent: ${p.serverCertificates.map((c) => `<code>${esc(c.subject.rfc4514)}</code> (${esc(c.validity.status)})`).join(' → ')}</p>` : ''}
${p.attempts.map(attemptBlock).join('\n')}</article>`;
}

function probes(r: DiagnoseReport): string {
  if (!r.probes.length) return '';
  return `<section id="probes"><h2>Probes</h2>${r.probes.map(probe).join('\n')}</section>`;
}

function key(r: DiagnoseReport): string {
  const k = r.key;
  if (!k) return '';
  const entries = k.acl?.entries ?? [];
  const rows = entries.map((e) => [esc(e.principal.name), esc(e.type), esc(e.rights.join(', ')), esc(e.rawRights), e.inherited ? 'yes' : 'no']);
  return `<section id="key"><h2>Private key</h2>
<dl class="facts">
<dt>Status</dt><dd>${esc(k.location.status)}${k.location.detail ? ` (${esc(k.location.detail)})` : ''}</dd>
<dt>File</dt><dd><code>${esc(k.location.path ?? 'unknown')}</code></dd>
<dt>Provider</dt><dd>${esc(k.location.provider ?? k.location.providerKind ?? 'unknown')}</dd>
${k.acl ? `<dt>Owner</dt><dd>${esc(k.acl.owner ?? 'unknown')}${k.acl.mode ? ` (mode ${esc(k.acl.mode)})` : ''}</dd>` : ''}
${k.aclNote ? `<dt>Note</dt><dd>${esc(k.aclNote)}</dd>` : ''}
${k.access ? `<dt>Can ${esc(k.access.identity)} read it?</dt><dd><b class="${k.access.answer.canRead ? 'yes' : 'no'}">${k.access.answer.canRead ? 'yes' : 'no'}</b>: ${esc(k.access.answer.decidedBy)}</dd>` : ''}
</dl>
${k.acl ? `<h3>Access control entries</h3>${table(['Principal', 'Type', 'Rights', 'As written', 'Inherited'], rows)}` : ''}
</section>`;
}

function server(s: ServerEvidence): string {
  if (s.origin === 'none' && !s.notes.length) return '';
  const parts: string[] = [`<p class="meta">Evidence from: ${esc(s.origin)}${s.inputs.length ? ` (${s.inputs.map((i) => `${esc(i.name)}: ${esc(i.kind)}${i.error ? `, ${esc(i.error)}` : ''}`).join('; ')})` : ''}</p>`];
  if (s.bindings.length) {
    parts.push(
      `<h3>HTTP.SYS bindings</h3>${table(
        ['Binding', 'Certificate', 'Store', 'Negotiate client certificate', 'TLS 1.3 disabled', 'Flags', 'Source'],
        s.bindings.map((b) => [`<code>${esc(b.key)}</code>`, `<code>${esc(b.certificateHash ?? '')}</code>`, esc(b.certificateStoreName ?? 'MY'), esc(b.negotiateClientCertificate ?? 'unknown'), esc(b.disableTls13 ?? 'unknown'), esc(b.flagNames.join(', ')), esc(b.source)]),
      )}`,
    );
  }
  if (s.schannel) {
    const sc = s.schannel;
    parts.push(`<h3>Schannel</h3><dl class="facts"><dt>SendTrustedIssuerList</dt><dd>${esc(sc.sendTrustedIssuerList ?? 'not set')}</dd><dt>ClientAuthTrustMode</dt><dd>${esc(sc.clientAuthTrustMode ?? 'not set')}</dd><dt>EventLogging</dt><dd>${esc(sc.eventLogging ?? 'not set')}</dd><dt>CA list</dt><dd>${esc(sc.impliedIssuerList)}</dd></dl>${
      sc.protocols.length ? table(['Protocol', 'Side', 'Enabled', 'DisabledByDefault'], sc.protocols.map((p) => [esc(p.protocol), esc(p.side), esc(p.enabled ?? ''), esc(p.disabledByDefault ?? '')])) : ''
    }`);
  }
  for (const c of s.iis) {
    const apps = c.sites.flatMap((site) => site.applications);
    const origin = (o: { location: string; file: string; line: number | null } | null) => (o ? `<br><span class="muted">${esc(o.location)} (${esc(o.file)}${o.line !== null ? `:${o.line}` : ''})</span>` : '');
    parts.push(
      `<h3>IIS settings in effect (${esc(c.kind)}, ${esc(c.source)})</h3>${table(
        ['Application', 'Pool', 'sslFlags', 'Anonymous', 'IIS mapping', 'AD mapping'],
        apps.map((a) => [
          `<code>${esc(a.path)}</code>`,
          esc(a.applicationPool ?? ''),
          `${esc(a.sslFlags.flags.join(', ') || 'None')}${origin(a.sslFlags.origin)}`,
          `${a.anonymous.enabled ? 'on' : 'off'}${origin(a.anonymous.origin)}`,
          `${a.iisMapping.enabled ? `on (${a.iisMapping.oneToOne} one-to-one, ${a.iisMapping.manyToOne} many-to-one)` : 'off'}${origin(a.iisMapping.origin)}`,
          `${a.adMapping.enabled ? 'on' : 'off'}${origin(a.adMapping.origin)}`,
        ]),
      )}${c.notes.length ? `<ul>${c.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}`,
    );
  }
  for (const l of s.logs) {
    const statuses = capped(l.statusCounts, 20);
    parts.push(
      `<h3>W3C log ${esc(l.source)}</h3><p class="meta">${number(l.records)} records, ${number(l.lines)} lines (${number(l.malformed)} malformed), ${esc(l.firstTime ?? '?')} to ${esc(l.lastTime ?? '?')}</p>${table(
        ['Status', 'Count'],
        statuses.shown.map((x) => [esc(x.status), esc(number(x.count))]),
      )}${statuses.note}${
        l.clientCertFailures.length
          ? `<h4>Client-certificate failures</h4>${table(
              ['Status', 'Count', 'Top URLs', 'Top clients', 'First / last'],
              l.clientCertFailures.map((f) => [esc(f.status), esc(number(f.count)), f.byUrl.slice(0, 5).map((u) => `${esc(u.key)} (${u.count})`).join('<br>'), f.byClient.slice(0, 5).map((u) => `${esc(u.key)} (${u.count})`).join('<br>'), `${esc(f.firstSeen ?? '')}<br>${esc(f.lastSeen ?? '')}`]),
            )}`
          : ''
      }${l.pattern500Then4037.length ? `<p>${number(l.pattern500Then4037.length)} time(s) a 500 with win32 status 64 came before a 403.7 for the same client.</p>` : ''}`,
    );
  }
  for (const e of s.events) {
    parts.push(`<h3>Schannel events (${esc(e.source)})</h3>${table(['Event id', 'Count', 'Meaning'], e.byId.map((x) => [esc(x.id), esc(number(x.count)), esc(x.meaning)]))}`);
  }
  if (s.notes.length) parts.push(`<h3>Not read</h3><ul>${s.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  return `<section id="server"><h2>Server side</h2>${parts.join('\n')}</section>`;
}

function stores(r: DiagnoseReport): string {
  const s = r.stores;
  if (!s) return '';
  return `<section id="stores"><h2>Certificate stores</h2><p>${number(s.stores)} stores, ${number(s.certificates)} certificates, ${number(s.roots)} in root stores; the roots' names take ${number(s.rootNameBytes)} bytes as a CA list (limit ${number(CA_LIST_LIMIT)}).</p>${
    s.errors.length ? `<ul>${s.errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : ''
  }</section>`;
}

function commands(list: BundleCommand[] | undefined): string {
  if (!list?.length) return '';
  const c = capped(list, MAX_ROWS);
  return `<section id="commands"><h2>Commands run</h2>${table(
    ['#', 'Command', 'Exit', 'Took', 'Error'],
    c.shown.map((x, i) => [String(i + 1), `<code>${esc([x.file, ...x.args.map((a) => (a.length > 120 ? `${a.slice(0, 117)}...` : a))].join(' '))}</code>`, esc(x.exitCode ?? '-'), esc(ms(x.durationMs)), esc(x.error ?? '')]),
  )}${c.note}<p class="muted">Outputs are in commands/ of the bundle.</p></section>`;
}

function fixes(r: DiagnoseReport): string {
  if (!r.fixes.length) return '';
  return `<section id="fixes"><h2>Fix scripts</h2>${r.fixes
    .map(
      (f) => `<article class="fix-script"><h3>${esc(f.title)}</h3><p class="meta">${esc(f.shell)} · <code>${esc(f.fileName)}</code> · for <code>${esc(f.findingId)}</code>${f.elevated ? ' · needs elevation' : ''}</p><p>${esc(f.summary)}</p>
<details open><summary>Script</summary><pre>${esc(f.script)}</pre></details>
<details><summary>Undo</summary><pre>${esc(f.undo)}</pre></details></article>`,
    )
    .join('\n')}</section>`;
}

const CSS = `
:root{--err:#b3261e;--warn:#8a5a00;--info:#1f5fa8;--ok:#1e7a34;--muted:#666;--line:#d8d8d8}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:24px;color:#1b1b1b;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:32px}h3{font-size:15px;margin:18px 0 6px}h4{font-size:14px;margin:12px 0 4px}
code,pre{font:12.5px/1.4 ui-monospace,Consolas,"DejaVu Sans Mono",monospace;word-break:break-all}pre{background:#f6f6f6;border:1px solid var(--line);padding:8px;overflow:auto;white-space:pre-wrap}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}th{background:#f3f3f3}
.timeline td:first-child{text-align:right;white-space:nowrap}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
.muted,.meta{color:var(--muted)}.lead{font-size:15px}.summary{font-size:16px;font-weight:600}
.badge{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;font-size:12px;font-weight:600}
.badge.error{background:var(--err)}.badge.warning{background:var(--warn)}.badge.info{background:var(--info)}.badge.ok{background:var(--ok)}
.finding{border-left:5px solid var(--line);padding:4px 12px;margin:12px 0;background:#fafafa}.finding.error{border-color:var(--err)}.finding.warning{border-color:var(--warn)}.finding.info{border-color:var(--info)}
.rank{color:var(--muted)}.evidence .kind{color:var(--muted);font-size:12px}.fix{color:var(--ok)}
.status-fail,.status-failed,.status-invalid,.status-expired,.status-not-yet-valid,.status-incomplete,.status-untrusted,.status-unverified,.no,.over,.problem{color:var(--err);font-weight:600}
.status-ok,.status-done,.status-valid,.yes{color:var(--ok);font-weight:600}.status-skipped,.status-unknown{color:var(--muted)}.status-warn{color:var(--warn);font-weight:600}
.attempt{border:1px solid var(--line);padding:6px 10px;margin:10px 0}.nowrap{white-space:nowrap}
@media print{details{display:block}details>summary{display:none}}
`;

/** The whole report.html for one bundle. */
export function renderReportHtml(manifest: BundleManifest, report: DiagnoseReport, extras: ReportHtmlExtras = {}): string {
  const title = `Certbench bundle: ${manifest.host}, ${manifest.createdAt}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body>
${header(manifest, report)}
${summary(report)}
${findings(report)}
${certificate(report)}
${probes(report)}
${key(report)}
${server(report.server)}
${stores(report)}
${commands(extras.commands)}
${fixes(report)}
<footer><p class="muted">Written by Certbench ${esc(manifest.appVersion)} (bundle format ${manifest.formatVersion}). report.json holds everything shown here; manifest.json lists every file with its SHA-256.</p></footer>
</body></html>
`;
}
