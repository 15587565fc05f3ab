import type { DiagnoseReport, RankedFinding } from '../../../../shared/model/diagnose';

/**
 * Does the attached server evidence describe the server that was probed? A helpdesk user attaches
 * the netsh output and applicationHost.config of "the" server and probes an address that may be
 * another machine, port or site; the findings of both then read as one story when they are not.
 * HTTP.SYS matches a connection to an ipport binding by port and address (0.0.0.0 and [::] are any
 * address) and to a hostnameport binding by SNI name and port; IIS site bindings read "ip:port:host".
 */
export interface EvidenceMismatch {
  /** "127.0.0.1:38153": what the probe connected to. */
  probed: string;
  /** What the evidence describes instead: "binding 0.0.0.0:443", "site Default Web Site (*:443:portal.contoso.test)". */
  described: string[];
  fromProbe: RankedFinding[];
  fromServer: RankedFinding[];
}

const ANY_ADDRESS = new Set(['0.0.0.0', '[::]', '::', '*', '']);

function splitHostPort(text: string): { host: string; port: number | null } {
  const m = /^(\[[^\]]*\]|[^:]*):(\d+)$/.exec(text.trim());
  return m ? { host: m[1]!.toLowerCase(), port: Number(m[2]) } : { host: text.trim().toLowerCase(), port: null };
}

function matches(host: string, port: number, bindingHost: string, bindingPort: number | null): boolean {
  if (bindingPort !== null && bindingPort !== port) return false;
  return ANY_ADDRESS.has(bindingHost) || bindingHost === host || bindingHost === `[${host}]`;
}

/** The mismatch between the probed server and the attached evidence, or null when they agree or one is missing. */
export function evidenceMismatch(report: DiagnoseReport): EvidenceMismatch | null {
  const target = report.probes[0]?.target;
  if (!target) return null;
  const host = target.host.toLowerCase();
  const port = target.port;
  const described: string[] = [];
  let anyMatch = false;
  let anyBinding = false;
  for (const b of report.server.bindings) {
    if (b.kind === 'ccs') continue;
    anyBinding = true;
    const { host: bh, port: bp } = splitHostPort(b.key);
    if (matches(host, port, bh, bp)) anyMatch = true;
    else described.push(`binding ${b.key}`);
  }
  for (const config of report.server.iis) {
    for (const site of config.sites) {
      for (const sb of site.bindings.filter((x) => x.protocol.toLowerCase() === 'https')) {
        anyBinding = true;
        // bindingInformation is "ip:port:host"; an empty host answers any name.
        const [ip = '', portText = '', name = ''] = sb.bindingInformation.split(':');
        const bp = Number(portText) || null;
        const ok = matches(host, port, ip.toLowerCase(), bp) && (name === '' || name.toLowerCase() === host || target.servername.toLowerCase() === name.toLowerCase());
        if (ok) anyMatch = true;
        else described.push(`site ${site.name} (${name ? `${name}:${portText}` : `any name on port ${portText}`})`);
      }
    }
  }
  if (!anyBinding || anyMatch) return null;
  return {
    probed: `${target.host}:${port}`,
    described: [...new Set(described)],
    fromProbe: report.findings.filter((f) => f.area === 'probe'),
    fromServer: report.findings.filter((f) => f.area === 'server'),
  };
}
