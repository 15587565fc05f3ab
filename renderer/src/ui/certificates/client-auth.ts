import type { CertificateSummary } from '../../../../shared/model/certificate';
import { EKU_ANY, EKU_CLIENT_AUTH } from '../../../../shared/cert/oids';

/** The client-auth verdict from EKU alone (DESIGN.md finding `cert.no-client-auth-eku`). */
export function clientAuthByEku(c: CertificateSummary): 'allowed' | 'unrestricted' | 'not-allowed' {
  if (c.extendedKeyUsage === null) return 'unrestricted';
  return c.extendedKeyUsage.some((e) => e.oid === EKU_CLIENT_AUTH || e.oid === EKU_ANY) ? 'allowed' : 'not-allowed';
}
