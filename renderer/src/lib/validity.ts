import type { ValidityStatus } from '../../../shared/model/certificate';

const DAY_MS = 86_400_000;

/** "1 day", "35 days". */
export function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}

export interface ValidityWords {
  status: ValidityStatus;
  /** Where today falls in the span, 0..1, clamped at the edges. */
  position: number;
  /** Today's place in words, lower case: "364 days left", "expired 35 days ago", "starts in 10 days". */
  today: string;
  /** The same as a sentence for a badge line: "Valid, 364 days left", "Expired 35 days ago". */
  sentence: string;
}

/**
 * Validity in whole days, counted the way people count them on the phone: an expiry 35 days and
 * two hours ago is "35 days ago", a start 9 days and 20 hours ahead is "in 10 days". One function for
 * the card's badge line and its timeline so the two never disagree by a day.
 */
export function validityWords(notBeforeIso: string, notAfterIso: string, now: Date): ValidityWords {
  const start = new Date(notBeforeIso).getTime();
  const end = new Date(notAfterIso).getTime();
  const t = now.getTime();
  const span = Math.max(1, end - start);
  if (t < start) {
    const n = Math.max(1, Math.ceil((start - t) / DAY_MS));
    return { status: 'not-yet-valid', position: 0, today: `starts in ${days(n)}`, sentence: `Not valid yet: starts in ${days(n)}` };
  }
  if (t > end) {
    const n = Math.floor((t - end) / DAY_MS);
    const ago = n === 0 ? 'expired today' : `expired ${days(n)} ago`;
    return { status: 'expired', position: 1, today: ago, sentence: `${ago.charAt(0).toUpperCase()}${ago.slice(1)}` };
  }
  const n = Math.floor((end - t) / DAY_MS);
  const left = n === 0 ? 'expires today' : `${days(n)} left`;
  return { status: 'valid', position: (t - start) / span, today: left, sentence: `Valid, ${left}` };
}
