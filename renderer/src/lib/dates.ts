/**
 * Dates as a helpdesk user reads them: local time with the zone named, so "valid from 09:00" over
 * the phone means the same to both sides. The ISO string stays available (tooltips, copies).
 */
export function formatLocalDateTime(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date);
}

/** First letter upper-cased, for sentences built by shared helpers in lower case. */
export function capitalize(text: string): string {
  return text.length ? text[0]!.toUpperCase() + text.slice(1) : text;
}

/** A date without the time, for labels where the day is what matters (timeline ends). */
export function formatLocalDate(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric' }).format(date);
}
