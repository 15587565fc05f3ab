import type { KeyStatus, Verdict } from '../../../../shared/model/chain';
import { capitalise } from '../common/words';
import { CheckIcon, CrossIcon, KeyIcon, QuestionIcon } from '../common/icons';
import { FindingsList } from './findings-list';
import './certificates.css';

type Tone = 'good' | 'bad' | 'unknown';

function tone(usable: boolean | null): Tone {
  return usable === true ? 'good' : usable === false ? 'bad' : 'unknown';
}

/** "Private key found in client.pfx"; "Private key not known — no private key opened for it: …". */
function keyLine(key: KeyStatus): string {
  if (key.status === 'present') return capitalise(key.detail);
  return `Private key ${key.status === 'missing' ? 'missing' : 'not known'} — ${key.detail}`;
}

/**
 * The answer first: can this certificate authenticate a client? One sentence with a
 * colour and an icon that say the same (green yes, red no, amber not known yet), what is known of
 * its private key, then the findings that make the answer.
 */
export function VerdictBanner({ verdict, keyStatus }: { verdict: Verdict; keyStatus: KeyStatus }) {
  const t = tone(verdict.usable);
  return (
    <section className={`verdict is-${t}`} data-testid="verdict" data-usable={String(verdict.usable)} aria-label="Client authentication verdict">
      <div className="verdict-head">
        <span className="verdict-icon" aria-hidden="true">
          {t === 'good' ? <CheckIcon size={22} /> : t === 'bad' ? <CrossIcon size={22} /> : <QuestionIcon size={22} />}
        </span>
        <div className="verdict-text">
          <p className="verdict-sentence" data-testid="verdict-sentence">
            {verdict.sentence}
          </p>
          <p className={`verdict-key is-${keyStatus.status}`} data-testid="verdict-key" data-status={keyStatus.status}>
            <KeyIcon size={15} />
            <span>{keyLine(keyStatus)}</span>
          </p>
        </div>
      </div>
      {verdict.findings.length > 0 && <FindingsList findings={verdict.findings} />}
    </section>
  );
}
