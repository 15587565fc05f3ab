import { z } from 'zod';

/**
 * The built-in lab (`certbench lab`, channels lab:start/stop/status): a test
 * PKI and local mTLS servers on 127.0.0.1 that ask for a client certificate the ways real servers do.
 * Scenario names are a public contract (CLI --scenario, tests): add new ones, never rename.
 */
export const LAB_SCENARIOS = ['handshake', 'renegotiation', 'post-handshake', 'large-ca-list', 'empty-ca-list', 'wrong-ca-list', 'revocation'] as const;
export type LabScenarioName = (typeof LAB_SCENARIOS)[number];

export const LabScenarioSchema = z.object({
  name: z.enum(LAB_SCENARIOS),
  title: z.string(),
  /** What it reproduces from the field, in a sentence or two. */
  demonstrates: z.string(),
  /** https://127.0.0.1:PORT/secure/ when running; null when unavailable. */
  url: z.string().nullable(),
  port: z.number().int().nullable(),
  available: z.boolean(),
  /** Why it is unavailable (a missing tool and how to install it), else null. */
  reason: z.string().nullable(),
  /** What serves it: "node:tls (OpenSSL 3.0.x)", "Apache/2.4.x". */
  server: z.string(),
  /** CA names the server sends and their bytes (the DNs with their 2-byte lengths). */
  caNames: z.number().int(),
  caNamesBytes: z.number().int(),
});

export const LabStateSchema = z.object({
  running: z.boolean(),
  /** The lab folder (CERTBENCH_DATA_DIR/lab, default ~/.config/certbench/lab). */
  folder: z.string(),
  clientPfx: z.object({ path: z.string(), password: z.string(), subject: z.string() }).nullable(),
  /** PEM files: the lab root and intermediate CAs, the client certificate and key, the unrelated CA. */
  caFiles: z.object({ root: z.string(), intermediate: z.string(), chain: z.string(), otherCa: z.string() }).nullable(),
  clientFiles: z.object({ certificate: z.string(), key: z.string() }).nullable(),
  scenarios: z.array(LabScenarioSchema),
  /**
   * The revocation scenario's own PKI and servers (CRLs and OCSP on http://127.0.0.1:PORT), with one
   * client certificate per case (good, revoked, unreachable CRL, stale CRL, OCSP unknown, ...).
   * Absent when that scenario is not running, and in older states.
   */
  revocation: z
    .object({
      crlOcspUrl: z.string(),
      root: z.string(),
      ca: z.string(),
      cases: z.array(z.object({ name: z.string(), says: z.string(), certificate: z.string(), key: z.string(), chain: z.string() })),
    })
    .nullable()
    .optional(),
});

export type LabScenario = z.infer<typeof LabScenarioSchema>;
export type LabState = z.infer<typeof LabStateSchema>;
