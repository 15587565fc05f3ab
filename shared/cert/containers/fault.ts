import type { ErrorCode } from '../../errors';

/**
 * A problem found inside a container, worded without the file name; readContainer prefixes the name
 * and turns it into a one-line CertbenchError. Keeps the inner modules free of naming concerns.
 */
export class Fault extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'Fault';
    this.code = code;
  }
}

/** Bounds against hostile files (a PFX asking for 2^31 key-derivation rounds would hang the app). */
export const LIMITS = {
  /** Iterations of one key derivation (PKCS#12 KDF, PBKDF2, PBKDF1). OpenSSL uses 2,048; Windows 2,000. */
  maxIterations: 10_000_000,
  /**
   * Rounds of all derivations for one file (iterations times hash blocks), tries of empty passwords
   * included. In pure JS one round costs about 2 microseconds, so this caps the work near 40 seconds.
   */
  maxTotalIterations: 20_000_000,
  /** Certificates in one file (PEM blocks, P7B, PFX). */
  maxCertificates: 10_000,
  /** PKCS#12 safe bags (all kinds) and PEM blocks in one file. */
  maxItems: 10_000,
  /** Private keys in one file: each EC or Ed25519 key without its public point costs a scalar multiplication. */
  maxKeys: 1_000,
  /** Nesting of PKCS#12 safeContentsBag inside safeContentsBag. */
  maxNesting: 8,
} as const;

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Counts key-derivation work for one file, refusing any single derivation or a total over the limits. */
export class WorkBudget {
  private spent = 0;
  constructor(
    private readonly container: string,
    private readonly perDerivation: number = LIMITS.maxIterations,
    private readonly total: number = LIMITS.maxTotalIterations,
  ) {}

  /**
   * Charge one derivation of `iterations` rounds producing `blocks` hash blocks (PBKDF2 and the
   * PKCS#12 KDF repeat every round per block). Throws a Fault when a limit would be passed.
   */
  spend(iterations: number, blocks = 1): void {
    if (iterations > this.perDerivation) {
      throw new Fault(
        'too-large',
        `refused: the ${this.container} asks for ${count(iterations)} key-derivation iterations; Certbench allows at most ${count(this.perDerivation)} (a hostile file could hang the app)`,
      );
    }
    if (iterations < 1) throw new Fault('bad-input', `the ${this.container} asks for ${iterations} key-derivation iterations (damaged file?)`);
    if (!this.canSpend(iterations, blocks)) {
      throw new Fault(
        'too-large',
        `refused: the ${this.container} needs more than ${count(this.total)} key-derivation rounds in all (a hostile file could hang the app)`,
      );
    }
    this.spent += iterations * blocks;
  }

  /** Whether a derivation still fits in the total (used to skip optional tries, such as empty passwords). */
  canSpend(iterations: number, blocks = 1): boolean {
    return this.spent + iterations * blocks <= this.total;
  }
}
