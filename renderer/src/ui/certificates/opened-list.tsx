import { validityWords } from '../../lib/validity';
import { displayName } from '../stores/store-rows';
import type { TargetAnalysis } from './use-chain-analysis';
import type { FileOutcome } from './use-inspect-queue';

/**
 * The opened files as a compact list above one file's details: one row per file with the certificate
 * it holds and its state, in the order opened. A file opened later joins the end of the list and the
 * details being read stay; choosing a row shows that file's details instead.
 */
export function OpenedList({
  files,
  analyses,
  selected,
  now,
  onSelect,
}: {
  files: FileOutcome[];
  analyses: ReadonlyMap<string, TargetAnalysis>;
  selected: string | null;
  now: Date;
  onSelect: (key: string) => void;
}) {
  return (
    <nav className="opened-list" aria-label="Opened files: choose one to see its details" data-testid="opened-list">
      <ul>
        {files.map((f) => {
          const first = f.certificates[0];
          const locked = f.error?.code === 'password-required' || f.error?.code === 'wrong-password';
          const state = f.error
            ? { word: locked ? 'Needs its password' : 'Not readable', tone: locked ? 'warn' : 'bad' }
            : first
              ? (() => {
                  // The row says what the card's verdict says (can it log on as a client?), not only the dates.
                  const v = validityWords(first.notBefore, first.notAfter, now);
                  if (v.status !== 'valid') return { word: v.status === 'expired' ? 'Expired' : 'Not valid yet', tone: 'bad' };
                  // A CA's card carries its chain but no client verdict, so its row does not either.
                  if (first.basicConstraints?.ca) return { word: 'CA certificate, valid', tone: 'neutral' };
                  const a = analyses.get(first.thumbprintSha1);
                  if (a?.state === 'done') {
                    const usable = a.verdict.usable;
                    return usable === true ? { word: 'Can log on as a client', tone: 'good' } : usable === false ? { word: 'Cannot log on as a client', tone: 'bad' } : { word: 'Not sure: see its details', tone: 'warn' };
                  }
                  return { word: a?.state === 'pending' ? 'Valid; checking its chain' : 'Valid', tone: 'neutral' };
                })()
              : f.keys.some((k) => k.encrypted && k.publicKeySha256 === null)
                ? { word: 'Key needs its password', tone: 'warn' }
                : { word: f.keys.length ? 'Private key only' : 'No certificate', tone: 'neutral' };
          const more = f.certificates.length > 1 ? ` and ${f.certificates.length - 1} more` : '';
          return (
            <li key={f.key}>
              <button
                type="button"
                className={`opened-item${selected === f.key ? ' is-selected' : ''}`}
                data-testid="opened-item"
                data-file={f.name}
                aria-current={selected === f.key ? 'true' : undefined}
                onClick={() => onSelect(f.key)}
              >
                <span className="opened-name">{f.name}</span>
                <span className="opened-subject">{first ? `${displayName(first.subject)}${more}` : (f.error?.message ?? '')}</span>
                <span className={`opened-state is-${state.tone}`}>{state.word}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
