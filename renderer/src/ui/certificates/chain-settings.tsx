import { useId, useState } from 'react';

/**
 * How the chains of the opened certificates are judged: the certificate policies the
 * path must hold (RFC 5280 6.1.1 c, user-initial-policy-set; empty means any policy), strict client
 * mode, and RFC 5280 trust-anchor rules instead of Windows' (where an expired or non-CA root breaks
 * the chain), and whether to check revocation (off by default: it fetches the CRL and OCSP
 * addresses in the certificates). The same choices as `certbench chain --policy OID --strict
 * --rfc5280-anchors --revocation`.
 */
export interface ChainSettings {
  policies: string[];
  strict: boolean;
  rfc5280Anchors: boolean;
  revocation: boolean;
}

export const DEFAULT_CHAIN_SETTINGS: ChainSettings = { policies: [], strict: false, rfc5280Anchors: false, revocation: false };

const OID = /^[0-2](\.\d{1,9}){1,40}$/;

/** "1.2.3, 1.2.4" or "1.2.3 1.2.4" to OIDs; the first word that is not one is the error. */
export function parsePolicies(text: string): { policies: string[]; error: string | null } {
  const words = text.split(/[\s,;]+/).filter(Boolean);
  const bad = words.find((w) => !OID.test(w));
  if (bad) return { policies: [], error: `"${bad}" is not a policy OID (dotted numbers, e.g. 1.3.6.1.4.1.311.21.8.1)` };
  return { policies: [...new Set(words)].slice(0, 32), error: null };
}

export function ChainSettingsBar({ value, onChange }: { value: ChainSettings; onChange: (next: ChainSettings) => void }) {
  const id = useId();
  const [text, setText] = useState(value.policies.join(' '));
  const parsed = parsePolicies(text);
  return (
    <div className="chain-settings" data-testid="chain-settings">
      <label htmlFor={`${id}-policies`} className="chain-settings-label">
        Required certificate policies
      </label>
      <input
        id={`${id}-policies`}
        className="text-input mono"
        data-testid="chain-policies"
        placeholder="any policy (or OIDs, e.g. 1.3.6.1.4.1.311.21.8.1)"
        spellCheck={false}
        autoComplete="off"
        value={text}
        aria-invalid={parsed.error ? true : undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => !parsed.error && onChange({ ...value, policies: parsed.policies })}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !parsed.error) onChange({ ...value, policies: parsed.policies });
        }}
      />
      <label className="checkbox">
        <input type="checkbox" data-testid="chain-strict" checked={value.strict} onChange={(e) => onChange({ ...value, strict: e.target.checked })} />
        <span title="The certificate must list Client Authentication itself, and not also sign code, OCSP responses or time stamps">Strict client mode</span>
      </label>
      <label className="checkbox">
        <input type="checkbox" data-testid="chain-rfc-anchors" checked={value.rfc5280Anchors} onChange={(e) => onChange({ ...value, rfc5280Anchors: e.target.checked })} />
        <span title="A trusted root counts as a name and a key only (RFC 5280 6.1.1). Windows instead rejects a chain whose root has expired or is not a CA.">RFC 5280 trust anchors</span>
      </label>
      <label className="checkbox">
        <input type="checkbox" data-testid="chain-revocation-check" checked={value.revocation} onChange={(e) => onChange({ ...value, revocation: e.target.checked })} />
        <span title="Asks each certificate's OCSP responder, then its CRL, as Windows does. Only the addresses written in the certificates are contacted.">Check revocation (fetches the CRL and OCSP addresses in the certificates)</span>
      </label>
      {parsed.error && (
        <p className="error-line" role="alert" data-testid="chain-policies-error">
          {parsed.error}
        </p>
      )}
    </div>
  );
}
