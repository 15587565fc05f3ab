import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FINDING_IDS, finding, type FindingId } from '../../shared/findings/catalogue';
import { rankFindings, type AreaFinding } from '../../shared/findings/rank';

const f = (id: FindingId, area: AreaFinding['area'] = 'probe', extra: { severity?: 'error' | 'warning' | 'info'; evidence?: string; params?: Record<string, string> } = {}): AreaFinding => ({
  finding: finding(id, `title of ${id}`, `detail of ${id}`, [{ kind: 'seen', text: extra.evidence ?? `evidence of ${id}` }], { severity: extra.severity, params: extra.params }),
  area,
});

describe('ranking findings by likely root cause', () => {
  it('puts a cause above the symptom it explains, and says why', () => {
    const ranked = rankFindings([f('http.403.7'), f('server.ca-list-excludes-issuer')]);
    expect(ranked.map((r) => r.id)).toEqual(['server.ca-list-excludes-issuer', 'http.403.7']);
    expect(ranked[0]).toMatchObject({ rank: 1, likelihood: 'root-cause' });
    expect(ranked[0]!.why).toMatch(/explains the 403\.7 answer/);
    expect(ranked[1]!.why).toMatch(/A symptom: the finding ranked above explains it/);
  });

  it('keeps a symptom on top when nothing explains it, and tells the user what to gather', () => {
    const ranked = rankFindings([f('http.403.7'), f('server.ca-list-roots-only', 'probe', { severity: 'info' })]);
    expect(ranked[0]!.id).toBe('http.403.7');
    expect(ranked[0]!.why).toMatch(/no cause found.*attach the server configuration/);
    expect(ranked[1]!.likelihood).toBe('context');
  });

  it("demotes this machine's view of the chain when the server accepted the certificate", () => {
    const items = [f('chain.untrusted-root', 'certificate'), f('server.renegotiation-client-cert', 'probe', { severity: 'warning' })];
    expect(rankFindings(items)[0]!.id).toBe('chain.untrusted-root');
    const accepted = rankFindings(items, { certificateAccepted: true });
    expect(accepted.map((r) => r.id)).toEqual(['server.renegotiation-client-cert', 'chain.untrusted-root']);
    expect(accepted[1]).toMatchObject({ likelihood: 'context' });
    expect(accepted[1]!.why).toMatch(/server accepted this certificate/);
  });

  it('merges one fact seen twice (a 403.7 on the wire and in the log) into one finding with both proofs', () => {
    const ranked = rankFindings([f('http.403.7', 'probe', { evidence: 'HTTP 403.7 on the wire' }), f('http.403.7', 'server', { evidence: 'u_ex261117.log: 12 x 403.7' })]);
    expect(ranked).toHaveLength(1);
    expect(ranked[0]!.evidence.map((e) => e.text)).toEqual(['HTTP 403.7 on the wire', 'u_ex261117.log: 12 x 403.7']);
  });

  it('keeps findings about different objects apart (two bindings with negotiation off)', () => {
    const ranked = rankFindings([
      f('iis.client-cert-negotiation-off', 'server', { params: { binding: '0.0.0.0:443' } }),
      f('iis.client-cert-negotiation-off', 'server', { params: { binding: 'shop.contoso.com:443' } }),
    ]);
    expect(ranked.map((r) => r.params?.binding)).toEqual(['0.0.0.0:443', 'shop.contoso.com:443']);
  });

  it('ranks certificate faults the client cannot work around above server context', () => {
    const ranked = rankFindings([f('schannel.trusted-issuer-list-off', 'server', { severity: 'info' }), f('store.expired-roots', 'stores', { severity: 'warning' }), f('cert.expired', 'certificate')]);
    expect(ranked.map((r) => r.id)).toEqual(['cert.expired', 'store.expired-roots', 'schannel.trusted-issuer-list-off']);
  });

  it('is a total, deterministic order: ranks 1..n, every finding kept, the same whatever the input order of equal findings', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...FINDING_IDS), { maxLength: 20 }), (ids) => {
        const items = ids.map((id) => f(id));
        const a = rankFindings(items);
        expect(a.map((r) => r.rank)).toEqual(ids.map((_, i) => i + 1));
        expect(new Set(a.map((r) => r.id))).toEqual(new Set(ids));
        const b = rankFindings([...items].reverse());
        // Different input order may only swap findings of exactly equal score; the top cause is stable when unique.
        expect(b.map((r) => r.id).sort()).toEqual(a.map((r) => r.id).sort());
        for (const r of a) expect(r.why.length).toBeGreaterThan(10);
      }),
    );
  });
});
