import { describe, expect, it } from 'vitest';
import { parseNetshSslcert } from '../../shared/server/netsh-sslcert';
import { bindingsFromRegistry, parseRegistryExport } from '../../shared/server/registry-export';
import { stripPasteNoise } from '../../shared/server/paste-noise';
import { revocationPolicyFromEvidence } from '../../shared/server/revocation-policy';
import { decodeText } from '../../shared/server/text-decode';
import { fixture } from '../fixtures/windows/load';

/** netsh output as a file or a console paste: UTF-16 LE with BOM and CRLF, then prompts left out. */
function fromPaste(text: string, source: string) {
  const bytes = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf16le')]));
  return parseNetshSslcert(stripPasteNoise(decodeText(bytes).text).text, source);
}

describe('revocationPolicyFromEvidence', () => {
  it('reads the English binding: checks, not cached only, freshness and timeout 0', () => {
    const [binding] = parseNetshSslcert(fixture('netsh-sslcert-full.txt'), 'netsh.txt');
    expect(revocationPolicyFromEvidence({ binding })).toEqual({
      checks: true,
      cachedOnly: false,
      freshnessSeconds: 0,
      urlRetrievalTimeoutMs: 0,
      source: 'netsh http show sslcert (netsh.txt)',
    });
  });

  it('reads the German labels from a UTF-16 CRLF paste with a prompt the same way', () => {
    const [binding] = fromPaste(`C:\\> netsh http show sslcert\n${fixture('netsh-sslcert-de.txt')}`, 'de.txt');
    const policy = revocationPolicyFromEvidence({ binding });
    expect(policy).toMatchObject({ checks: true, cachedOnly: false, freshnessSeconds: 0, urlRetrievalTimeoutMs: 0 });
  });

  it('says disabled checking, cached-only and the numbers a changed binding prints', () => {
    const text = fixture('netsh-sslcert-full.txt')
      .replace(/(Verify Client Certificate Revocation\s*:) Enabled/, '$1 Disabled')
      .replace(/(Cached Client Certificate Only\s*:) Disabled/, '$1 Enabled')
      .replace(/(Revocation Freshness Time\s*:) 0/, '$1 3600')
      .replace(/(URL Retrieval Timeout\s*:) 0/, '$1 15000');
    const [binding] = parseNetshSslcert(text, 'changed.txt');
    expect(revocationPolicyFromEvidence({ binding })).toMatchObject({ checks: false, cachedOnly: true, freshnessSeconds: 3600, urlRetrievalTimeoutMs: 15000 });
  });

  it('reads a binding from its registry key: check mode bits, freshness and URL timeout, absent values as 0', () => {
    const bindings = bindingsFromRegistry(parseRegistryExport(fixture('registry-http-schannel.reg.txt'), 'http.reg'), 'http.reg');
    const at = (key: string) => revocationPolicyFromEvidence({ binding: bindings.find((b) => b.key === key) });
    expect(at('0.0.0.0:443')).toEqual({ checks: true, cachedOnly: false, freshnessSeconds: 0, urlRetrievalTimeoutMs: 15000, source: 'SslBindingInfo registry values (http.reg)' });
    // 0x00010001: no revocation check, no usage check.
    expect(at('10.0.2.10:443')).toMatchObject({ checks: false, cachedOnly: false, freshnessSeconds: 0, urlRetrievalTimeoutMs: 0 });
  });

  it('reads French labels the same way', () => {
    const text = [
      '    Adresse IP:port                 : 0.0.0.0:443',
      "    Vérifier la révocation des certificats clients : Disabled",
      "    Heure d'actualisation de la révocation : 86400",
      "    Délai d'attente de la récupération d'URL : 5000",
      '    Hachage du certificat          : 61d34f532da121bbab64723c4871e72c92f03735',
      "    ID de l'application            : {4dc3e181-e14b-4a21-b022-59fc669b0914}",
    ].join('\r\n');
    const [binding] = parseNetshSslcert(text, 'fr.txt');
    expect(revocationPolicyFromEvidence({ binding })).toMatchObject({ checks: false, freshnessSeconds: 86400, urlRetrievalTimeoutMs: 5000 });
  });

  it('falls back to the registry DefaultSslCertCheckMode bits (0x1 no check, 0x2 cached only)', () => {
    expect(revocationPolicyFromEvidence({ certCheckMode: { value: 0x2, source: 'reg.txt' } })).toMatchObject({ checks: true, cachedOnly: true, source: 'DefaultSslCertCheckMode 2 (reg.txt)' });
    expect(revocationPolicyFromEvidence({ certCheckMode: { value: 0x1, source: 'reg.txt' } }).checks).toBe(false);
  });

  it('says nothing when there is no evidence', () => {
    expect(revocationPolicyFromEvidence({})).toEqual({ checks: null, cachedOnly: null, freshnessSeconds: null, urlRetrievalTimeoutMs: null, source: null });
  });
});
