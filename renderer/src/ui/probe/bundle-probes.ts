import type { OpenedBundle } from '../../../../shared/model/bundle';
import type { ProbeResult } from '../../../../shared/model/probe';

/**
 * Words for the Probe page with a bundle open. Pure, so what a helpdesk user reads when a
 * bundle has no probe is tested without a window.
 */

/** The address a probe was made to, as typed into the live form: https://host[:port]/path (443 left out). */
export function targetUrl(probe: Pick<ProbeResult, 'target'>): string {
  const { host, port, path } = probe.target;
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `https://${h}${port === 443 ? '' : `:${port}`}${path || '/'}`;
}

/** Why the bundle has no probe: the diagnosis' own note when it has one, else that no server address was given. */
export function noProbeSentence(bundle: Pick<OpenedBundle, 'report' | 'manifest'>): string {
  const step = bundle.report.steps.find((s) => s.name === 'probe');
  const why = step?.note ? `: ${step.note.replace(/\.$/, '')}` : bundle.report.request.url ? '' : ': no server address was given when it was made';
  return `This bundle holds no probe of a server${why}. What ${bundle.manifest.host} found is on the Diagnose page.`;
}
