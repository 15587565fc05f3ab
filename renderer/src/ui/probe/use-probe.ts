import { useCallback, useState } from 'react';
import { loadSession, saveSession } from '../../lib/session';
import type { Req } from '../../../../shared/contract';
import type { KeyStatus } from '../../../../shared/model/chain';
import type { CertificateSummary } from '../../../../shared/model/certificate';
import type { ProbeResult } from '../../../../shared/model/probe';
import type { OfferDecision } from '../../../../shared/probe/offer';
import { keyStatusFromFiles } from '../../../../shared/verdict/key-status';
import { call } from '../../api/client';
import { inspectFile } from '../certificates/inspect-file';
import { matchKeysAcrossFiles } from '../certificates/key-match';
import type { WorkProgress } from '../certificates/use-inspect-queue';
import { useLatestRequest } from '../common/use-latest-request';
import { useAnnounce } from '../shell/announcer';
import { probeHeadline } from './probe-words';
import { readUpload } from '../../lib/read-upload';

export type TlsChoice = 'both' | '1.2' | '1.3';

/** What the form hands over; the files are read only when the probe starts. */
export interface ProbeInput {
  url: string;
  tls: TlsChoice;
  timeoutSeconds: number;
  certificate: File | null;
  keyFile: File | null;
  /** PFX or encrypted-key password: sent with this probe's requests only, never kept here. */
  password: string;
  /** Who presents the certificate: Certbench's client (files) or PowerShell's SslStream (a store certificate by thumbprint). */
  via: 'certbench' | 'powershell';
  /** With `via: 'powershell'`: the personal-store certificate's SHA-1 thumbprint, or null to present none. */
  thumbprint: string | null;
}

export type ProbeState =
  | { state: 'idle' }
  | { state: 'running'; url: string; progress: WorkProgress }
  | { state: 'failed'; url: string; message: string }
  | { state: 'done'; url: string; result: ProbeResult };

export type OffersState =
  | { state: 'idle' }
  | { state: 'running'; progress: WorkProgress }
  | { state: 'failed'; message: string }
  | { state: 'done'; summary: string; decisions: OfferDecision[] };

/**
 * "https://" is what a helpdesk user forgets: a bare host (with port and path) gets it, anything
 * with a scheme is sent as typed and the service says what is wrong with it.
 */
export function normaliseUrl(typed: string): string {
  const t = typed.trim();
  if (t === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return t;
  return `https://${t}`;
}

async function readProbeFile(file: File, password: string | undefined): Promise<NonNullable<Req<'probe:run'>['clientCertificate']>> {
  const { dataBase64 } = await readUpload(file, 'certificate files');
  return { fileName: file.name, dataBase64, ...(password ? { password } : {}) };
}

/**
 * The client certificate chosen for the probe, as `probe:offers` extra candidates: read with the
 * Certificates page's own reader (certs:inspect), keys matched across the certificate and key files,
 * CA certificates of a PFX left out (a browser offers end-entity certificates only).
 */
async function chosenAsExtra(input: ProbeInput): Promise<{ summary: CertificateSummary; source: string; key: KeyStatus }[]> {
  const files = [input.certificate, input.keyFile].filter((f): f is File => f !== null);
  if (files.length === 0) return [];
  const inspected = matchKeysAcrossFiles(await Promise.all(files.map((f) => inspectFile(f, { password: input.password || undefined }))));
  const certFile = inspected[0]!;
  return certFile.certificates
    .filter((c) => c.basicConstraints?.ca !== true)
    .map((c) => ({ summary: c, source: `${certFile.name} (chosen for this probe)`, key: keyStatusFromFiles(c.thumbprintSha1, inspected) }));
}

/** Runs one probe at a time (a new one cancels the last), then matches local certificates to what it saw. */
export function useProbe() {
  // The last probe comes back after a reload (its result and the offers table; never the certificate or password used).
  const [probe, setProbe] = useState<ProbeState>(() => {
    const kept = loadSession<{ url: string; result: Extract<ProbeState, { state: 'done' }>['result'] }>('last-probe');
    return kept ? { state: 'done', url: kept.url, result: kept.result } : { state: 'idle' };
  });
  const [offers, setOffers] = useState<OffersState>(() => loadSession<OffersState>('last-probe-offers') ?? { state: 'idle' });
  const [extraNote, setExtraNote] = useState<string | null>(null);
  const latest = useLatestRequest();
  const announce = useAnnounce();


  const cancel = latest.cancel;

  const run = useCallback(async (input: ProbeInput) => {
    const controller = latest.start();
    const url = normaliseUrl(input.url);
    const live = controller.isLatest;
    setOffers({ state: 'idle' });
    setExtraNote(null);
    setProbe({ state: 'running', url, progress: { done: 0, total: 1, fraction: 0, label: `Connecting to ${url}` } });

    let request: Req<'probe:run'>;
    try {
      const password = input.password || undefined;
      request = {
        url,
        tls: input.tls,
        timeoutMs: Math.round(input.timeoutSeconds * 1000),
        ...(input.via === 'certbench' && input.certificate ? { clientCertificate: await readProbeFile(input.certificate, password) } : {}),
        ...(input.via === 'certbench' && input.certificate && input.keyFile ? { keyFile: await readProbeFile(input.keyFile, password) } : {}),
        ...(input.via === 'powershell' ? { via: 'powershell' as const, ...(input.thumbprint ? { thumbprint: input.thumbprint } : {}) } : {}),
      };
    } catch (err) {
      if (live()) setProbe({ state: 'failed', url, message: err instanceof Error ? err.message : String(err) });
      return;
    }

    const result = await call('probe:run', request, {
      signal: controller.signal,
      onProgress: (e) => {
        if (!live() || e.label === 'done') return;
        const total = Math.max(1, e.total ?? 1);
        const n = Math.min(total, e.done + 1);
        setProbe({ state: 'running', url, progress: { done: e.done, total, fraction: e.done / total, label: `Connection ${n} of ${total}: ${e.label}` } });
      },
    });
    if (!live()) return;
    if (!result.ok) {
      const message = controller.signal.aborted ? 'Probe cancelled.' : result.error.message;
      setProbe({ state: 'failed', url, message });
      return;
    }
    setProbe({ state: 'done', url, result: result.value });
    announce(result.value.error ? `Probe finished: ${result.value.error}` : `Probe finished. ${probeHeadline(result.value).text}`);
    saveSession('last-probe', { url, result: result.value });
    saveSession('last-probe-offers', null);

    // Which local certificates would be offered to what the server asked for.
    setOffers({ state: 'running', progress: { done: 0, total: 1, fraction: 0, label: 'Matching local certificates to the CA names' } });
    let extra: Awaited<ReturnType<typeof chosenAsExtra>> = [];
    try {
      extra = input.via === 'certbench' ? await chosenAsExtra(input) : [];
    } catch {
      extra = [];
    }
    if (!live()) return;
    if (input.via === 'certbench' && input.certificate && extra.length === 0) setExtraNote(`${input.certificate.name} could not be read for this table (wrong password, or no certificate in it).`);
    const offered = await call(
      'probe:offers',
      { certificateRequest: result.value.clientAuth.certificateRequest, extra },
      {
        onProgress: (e) => {
          if (!live()) return;
          const total = Math.max(1, e.total ?? 1);
          setOffers({ state: 'running', progress: { done: e.done, total, fraction: Math.min(1, e.done / total), label: e.label || 'Matching local certificates' } });
        },
      },
    );
    if (!live()) return;
    const answer: OffersState = offered.ok ? { state: 'done', summary: offered.value.summary, decisions: offered.value.decisions } : { state: 'failed', message: offered.error.message };
    setOffers(answer);
    if (answer.state === 'done') saveSession('last-probe-offers', answer);
  }, [announce]);

  return { probe, offers, extraNote, run, cancel };
}
