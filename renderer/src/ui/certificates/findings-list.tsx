import type { Finding, Severity } from '../../../../shared/findings/catalogue';
import { detailWhere, evidenceKindWord, plainText } from '../common/words';
import { CrossIcon, QuestionIcon, WarningIcon } from '../common/icons';
import './certificates.css';

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const SEVERITY_WORD: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Note' };

/**
 * The findings behind a verdict, errors first: what is wrong in a title, why in a sentence, the
 * evidence exactly as seen, and the finding id (a public contract: tickets and scripts quote it).
 */
export function FindingsList({ findings }: { findings: Finding[] }) {
  const sorted = [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return (
    <ul className="findings" data-testid="findings">
      {sorted.map((f, i) => (
        <li key={`${f.id}:${i}`} className={`finding is-${f.severity}`} data-testid="finding" data-finding-id={f.id} data-severity={f.severity}>
          <span className="finding-icon" aria-hidden="true">
            {f.severity === 'error' ? <CrossIcon size={16} /> : f.severity === 'warning' ? <WarningIcon size={16} /> : <QuestionIcon size={16} />}
          </span>
          <div className="finding-body">
            <p className="finding-title">
              <span className="visually-hidden">{SEVERITY_WORD[f.severity]}: </span>
              <strong data-testid="finding-title">{f.title}</strong>
              <code className="finding-id" data-testid="finding-id">
                {f.id}
              </code>
            </p>
            <p className="finding-detail">{detailWhere(plainText(f.detail), i === 0)}</p>
            {f.evidence.length > 0 && (
              <ul className="evidence" aria-label="Evidence">
                {f.evidence.map((e, j) => (
                  <li key={j}>
                    <span className="evidence-kind">{evidenceKindWord(e.kind)}</span>
                    <span className="evidence-text">{plainText(e.text)}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
