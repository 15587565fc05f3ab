import type { DiagnoseRequest, ProgressEvent } from '../../../../shared/contract';
import type { BundleManifest, RedactionKind } from '../../../../shared/model/bundle';
import type { DiagnoseReport } from '../../../../shared/model/diagnose';
import type { WorkProgress } from '../certificates/use-inspect-queue';
import { normaliseUrl } from '../probe/use-probe';

/**
 * The Bundles page's words: what each redaction does, what goes into an export, and an
 * opened bundle's manifest, in sentences a helpdesk user can read out on the phone.
 */

export interface RedactionOption {
  kind: RedactionKind;
  label: string;
  /** The label inside a sentence ("redacted: host names and IP addresses"). */
  words: string;
  /** One example of what it does, so the choice is made knowing the result. */
  example: string;
}

/** In the order a reader scans a bundle: who (host, account), where (IP), which certificate. */
export const REDACTION_OPTIONS: readonly RedactionOption[] = [
  { kind: 'hosts', label: 'Host names', words: 'host names', example: 'shop.contoso.com → host-1.example' },
  { kind: 'accounts', label: 'User and account names', words: 'user and account names', example: 'IIS AppPool\\Shop → account-1' },
  { kind: 'ips', label: 'IP addresses', words: 'IP addresses', example: '10.0.1.50 → 10.255.0.1' },
  { kind: 'subjects', label: 'Certificate subjects', words: 'certificate subjects', example: 'CN=Alice → CN=Subject 1 (certificate files are left out)' },
];

/** What no bundle ever carries, whatever is chosen (a test scans every export for it). */
export const NEVER_INCLUDED = 'Never included: private keys, PFX files, passwords.';

/** "host names and IP addresses", "nothing" for none: the redactions of a manifest in words. */
export function redactionWords(kinds: readonly string[]): string {
  if (kinds.length === 0) return 'nothing';
  const words = kinds.map((k) => REDACTION_OPTIONS.find((o) => o.kind === k)?.words ?? k);
  return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** The operating system as people name it ("win32" is Node's name for every Windows). */
export function osWords(os: { platform: string; release: string }): string {
  const names: Record<string, string> = { win32: 'Windows', linux: 'Linux', darwin: 'macOS', freebsd: 'FreeBSD' };
  const name = names[os.platform] ?? os.platform;
  return os.release ? `${name} ${os.release}` : name;
}

/**
 * A diagnosis summary short enough for one option line, cut at a word (a half word followed by the
 * time reads as a typo); the whole sentence stays in the title.
 */
export function clip(text: string, max = 140): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:]+$/, '')}…`;
}

/** "The last diagnosis (<summary>, <time>)": what an export of the last report carries. */
export function lastDiagnosisWords(report: Pick<DiagnoseReport, 'summary' | 'createdAt'>, format: (iso: string) => string): string {
  return `The last diagnosis (${clip(report.summary, 110)}, ${format(report.createdAt)})`;
}

export interface CollectNowInput {
  url: string;
  identity: string;
}

/**
 * The Diagnose request the "collect now" form sends: empty fields left out (both are optional: with
 * neither, only this machine's stores and server configuration are read), a bare host given its
 * https:// as on the Probe page, and the live server configuration always read.
 */
export function collectNowRequest(input: CollectNowInput): DiagnoseRequest {
  const url = normaliseUrl(input.url);
  const identity = input.identity.trim();
  return { ...(url ? { url } : {}), ...(identity ? { identity } : {}), live: true };
}

/**
 * The export's stages (electron/services/bundle/export.ts STAGES, sent as short labels) in words; a
 * label with detail ("diagnosing: probe 2 of 3") keeps its detail after the stage's words.
 */
const STAGE_WORDS: Record<string, string> = {
  diagnosing: 'Diagnosing',
  report: 'Reading the diagnosis',
  stores: "Listing this machine's certificate stores",
  keys: 'Reading key file permissions',
  commands: 'Gathering the commands that ran',
  redact: 'Redacting',
  files: "Writing the bundle's files",
  scan: 'Checking that no private key went in',
  zip: 'Compressing',
  write: 'Saving the zip',
};

export function stageWords(label: string): string {
  const t = label.trim();
  if (!t) return 'Collecting';
  const colon = t.indexOf(': ');
  const head = colon > 0 ? t.slice(0, colon) : t;
  const words = STAGE_WORDS[head.toLowerCase()];
  if (words) return colon > 0 ? `${words}: ${t.slice(colon + 2)}` : words;
  return t[0]!.toUpperCase() + t.slice(1);
}

/**
 * A bundle:export progress event as the progress bar shows it: the stage in words, with "Step n of
 * N" when the service says how many stages there are, and an indeterminate bar when it does not.
 */
export function exportProgress(event: Pick<ProgressEvent, 'done' | 'total' | 'label'>): { progress: WorkProgress; indeterminate: boolean } {
  const label = stageWords(event.label);
  if (event.total === null || event.total <= 0) {
    return { progress: { done: event.done, total: 0, fraction: 0, label }, indeterminate: true };
  }
  const total = event.total;
  const done = Math.max(0, Math.min(total, event.done));
  const step = Math.min(total, done + 1);
  return { progress: { done, total, fraction: done / total, label: done >= total ? label : `Step ${step} of ${total}: ${label}` }, indeterminate: false };
}

/**
 * bundle:open's refusal as one line that names the file, without naming it twice when the service
 * already did ("report.zip: truncated ..." stays as it is).
 */
export function openErrorLine(fileName: string, message: string): string {
  const m = message.trim().replace(/\s+/g, ' ');
  if (m.startsWith(fileName)) return m;
  return `Cannot open ${fileName}: ${m ? m[0]!.toLowerCase() + m.slice(1) : 'the service gave no reason'}`;
}

/** "12 files, 48.2 KB" for a manifest's file list. */
export function filesWords(files: BundleManifest['files'], bytes: (n: number) => string): string {
  const total = files.reduce((n, f) => n + f.bytes, 0);
  return `${files.length} file${files.length === 1 ? '' : 's'}, ${bytes(total)}`;
}

/** A count with its noun, singular for one: "1 command", "3 commands". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}
