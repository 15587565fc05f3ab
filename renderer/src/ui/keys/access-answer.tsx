import type { Res } from '../../../../shared/contract';
import { capitalise } from '../common/words';
import type { AccessAnswer, PathAccess } from '../../../../shared/model/acl';
import { FindingsList } from '../certificates/findings-list';
import { CheckIcon, CrossIcon } from '../common/icons';
import './keys.css';

export type AccessCheck = Res<'keys:check-access'>;

/** "www-data can read the key." / "www-data cannot read the key." */
export function answerSentence(answer: AccessAnswer): string {
  return `${answer.identity} ${answer.canRead ? 'can' : 'cannot'} read the key.`;
}

/** The deciding entry, starting with a capital: 'Denied by "other::---": …'. */
function decided(text: string): string {
  return capitalise(text);
}

/**
 * The answer to "can this identity read the key?" in one sentence with the entry that decides it,
 * then each step the OS takes (pass through every folder, then read the file), then the findings.
 */
export function AccessAnswerView({ check }: { check: AccessCheck }) {
  const { answer } = check;
  return (
    <div className="access-answer" data-testid="access-answer" data-can-read={String(answer.canRead)}>
      <AccessVerdict answer={answer} />
      <StepsTable steps={check.steps} />
      {check.note && (
        <p className="muted" data-testid="access-note">
          {check.note}
        </p>
      )}
      {check.findings.length > 0 && <FindingsList findings={check.findings} />}
    </div>
  );
}

/** The answer in one sentence and the entry that decides it (also what an opened bundle holds of a check). */
export function AccessVerdict({ answer }: { answer: AccessAnswer }) {
  return (
    <div className={`verdict is-${answer.canRead ? 'good' : 'bad'}`}>
      <div className="verdict-head">
        <span className="verdict-icon" aria-hidden="true">
          {answer.canRead ? <CheckIcon size={22} /> : <CrossIcon size={22} />}
        </span>
        <div className="verdict-text">
          <p className="verdict-sentence" data-testid="access-sentence">
            {answerSentence(answer)}
          </p>
          <p className="access-decided" data-testid="access-decided">
            {decided(answer.decidedBy)}
          </p>
        </div>
      </div>
    </div>
  );
}

/** The path step by step: a folder needs "pass through" (POSIX x, NTFS traverse), the file needs read. */
export function StepsTable({ steps, testId = 'access-steps' }: { steps: PathAccess[]; testId?: string }) {
  return (
    <div className="table-scroll">
      <table className="data-table steps-table" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Path</th>
            <th scope="col">Needs</th>
            <th scope="col">Allowed</th>
            <th scope="col">Decided by</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((s, i) => (
            <tr key={`${s.path}:${i}`} className={s.answer.canRead ? '' : 'is-blocking'} data-testid="access-step" data-need={s.need} data-allowed={String(s.answer.canRead)}>
              <td>{i + 1}</td>
              <td className="mono">{s.path}</td>
              <td>{s.need === 'read' ? 'Read the file' : 'Pass through the folder'}</td>
              <td>
                <span className={`mini-badge is-${s.answer.canRead ? 'allow' : 'deny'}`}>{s.answer.canRead ? 'Yes' : 'No'}</span>
              </td>
              <td className="step-decided" title={s.answer.considered.join('\n')}>
                {decided(s.answer.decidedBy)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
