import { describe, expect, it } from 'vitest';
import { FindingSchema } from '../../shared/findings/catalogue';
import { revocationEventFindings, revocationLogFindings } from '../../shared/server/revocation-log-findings';
import { parseSchannelEvents, summarizeEvents } from '../../shared/server/schannel-events';
import { eventFindings } from '../../shared/server/windows-findings';
import { W3cLogAnalyzer } from '../../shared/server/w3c-log';

const HEADER = '#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2026-03-17 08:00:00\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n';
const line = (t: string, sub: string, win32: string) => `2026-03-17 ${t} 10.0.2.10 GET /secure/ - 443 - 10.0.1.52 curl/8.7.1 - 403 ${sub} ${win32} 9\n`;

function stats(body: string) {
  const a = new W3cLogAnalyzer('u_ex260317.log');
  const text = `${HEADER}${body}`.replace(/\n/g, '\r\n');
  a.push(text);
  return a.end(text.length);
}

describe('revocationLogFindings', () => {
  const offline = Array.from({ length: 12 }, (_, i) => line(`08:0${Math.floor(i / 6)}:${10 + i}`, '16', '2148081683')).join('');
  const findings = revocationLogFindings([stats(`${offline}${line('08:05:00', '13', '2148081680')}${line('08:06:00', '13', '2148081682')}${line('08:07:00', '16', '2148204809')}`)]);
  const byId = (id: string) => findings.find((f) => f.id === id)!;

  it('raises catalogue findings with the revocation ids, and none for a status that is not about revocation', () => {
    for (const f of findings) expect(FindingSchema.parse(f)).toEqual(f);
    expect(findings.map((f) => f.id).sort()).toEqual(['revocation.no-address', 'revocation.revoked', 'revocation.unreachable']);
  });

  it('says in words what Windows said, with the count and the HRESULT', () => {
    expect(byId('revocation.unreachable').detail).toContain(
      'IIS refused 12 requests with 403.16: the server could not reach the revocation server (CRL or OCSP address) for the client certificate (CRYPT_E_REVOCATION_OFFLINE).',
    );
    expect(byId('revocation.unreachable').evidence.map((e) => e.text)).toEqual(['u_ex260317.log: 403.16 with 2148081683 = 0x80092013 CRYPT_E_REVOCATION_OFFLINE (12 requests)']);
    expect(byId('revocation.revoked').detail).toContain('IIS refused 1 request with 403.13: the server found the client certificate revoked by its issuing CA (CRYPT_E_REVOKED).');
    expect(byId('revocation.no-address').detail).toContain('(CRYPT_E_NO_REVOCATION_CHECK)');
  });

  it('reads CERT_E_REVOCATION_FAILURE as could not check', () => {
    const [f] = revocationLogFindings([stats(line('08:00:01', '16', '2148204814'))]);
    expect(f!.id).toBe('revocation.unreachable');
    expect(f!.detail).toContain('could not check the revocation of the client certificate (CERT_E_REVOCATION_FAILURE)');
  });
});

describe('revocationEventFindings', () => {
  // Get-WinEvent as JSON (reference 9): 36888 with its alert in the message, as the new format writes it.
  const json = (alert: number, id = 36888) => ({ Id: id, TimeCreated: '2026-03-17T08:00:00Z', LevelDisplayName: 'Error', Message: `A fatal alert was generated and sent to the remote endpoint. The TLS protocol defined fatal alert code is ${alert}.` });
  const summary = (events: object[]) => summarizeEvents(parseSchannelEvents(JSON.stringify(events), 'system.json'), 'system.json');

  it('says Schannel refused a client certificate as revoked for 36888 with alert 44, and is part of eventFindings', () => {
    const s = summary([json(44), json(44), json(46)]);
    const [f, ...rest] = revocationEventFindings([s]);
    expect(rest).toEqual([]);
    expect(FindingSchema.parse(f)).toEqual(f);
    expect(f!.id).toBe('revocation.revoked');
    expect(f!.detail).toContain('alert 44 certificate_revoked 2 times');
    expect(f!.evidence).toHaveLength(2);
    expect(eventFindings([s]).map((x) => x.id)).toContain('revocation.revoked');
  });

  it('raises nothing for alert 44 received from the other side (36887) or for other alerts', () => {
    expect(revocationEventFindings([summary([json(44, 36887), json(46), json(42)])])).toEqual([]);
  });
});
