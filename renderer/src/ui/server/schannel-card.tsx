import type { SchannelSettings } from '../../../../shared/model/server';
import { clientAuthTrustModeWords, eventLoggingWords, protocolStateWords, trustedIssuerListWords } from './server-words';

/**
 * The Schannel registry values that decide which CA names the server sends with its certificate
 * request (reference item 6), each as its raw value and what it means; the service's one-sentence
 * conclusion about the CA list first, since it is the answer a user came for.
 */
export function SchannelCard({ schannel }: { schannel: SchannelSettings }) {
  // An export of SCHANNEL\Protocols only: the key's own values are unknown, never "Not set".
  const absent = schannel.keyInExport === false ? { value: 'Not in this export', words: 'The SCHANNEL key itself is not in the evidence (only its Protocols subkeys).', tone: 'neutral' as const, hidesWarnings: false } : null;
  const list = absent ?? trustedIssuerListWords(schannel.sendTrustedIssuerList);
  const mode = absent ?? clientAuthTrustModeWords(schannel.clientAuthTrustMode);
  const logging = absent ?? eventLoggingWords(schannel.eventLogging);
  return (
    <div className="server-card" data-testid="schannel-card">
      <p className="server-conclusion" data-testid="schannel-implied">
        {schannel.impliedIssuerList}
      </p>
      <dl className="server-settings">
        <div className={`server-setting${list.tone === 'warn' ? ' is-warn' : ''}`} data-testid="schannel-setting" data-name="SendTrustedIssuerList">
          <dt>
            SendTrustedIssuerList <span className="server-raw">{list.value}</span>
          </dt>
          <dd>{list.words}</dd>
        </div>
        <div className="server-setting" data-testid="schannel-setting" data-name="ClientAuthTrustMode">
          <dt>
            ClientAuthTrustMode <span className="server-raw">{mode.value}</span>
          </dt>
          <dd>{mode.words}</dd>
        </div>
        <div className={`server-setting${logging.hidesWarnings ? ' is-warn' : ''}`} data-testid="schannel-setting" data-name="EventLogging">
          <dt>
            EventLogging <span className="server-raw">{logging.value}</span>
          </dt>
          <dd>{logging.words}</dd>
        </div>
      </dl>
      {schannel.protocols.length > 0 && (
        <div className="table-scroll">
          <table className="data-table server-table" data-testid="schannel-protocols">
            <caption className="server-caption">Protocols set in the registry (others follow the Windows defaults)</caption>
            <thead>
              <tr>
                <th scope="col">Protocol</th>
                <th scope="col">Side</th>
                <th scope="col">Enabled</th>
                <th scope="col">DisabledByDefault</th>
                <th scope="col">In words</th>
              </tr>
            </thead>
            <tbody>
              {schannel.protocols.map((p, i) => (
                <tr key={i}>
                  <td>{p.protocol}</td>
                  <td>{p.side}</td>
                  <td className="mono">{p.enabled ?? '–'}</td>
                  <td className="mono">{p.disabledByDefault ?? '–'}</td>
                  <td>{protocolStateWords(p)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="server-source">Read from {schannel.source}</p>
    </div>
  );
}
