import { CertbenchError, groupDigits } from '../../errors';

/**
 * A CertbenchError found inside a container, worded without the file name: readContainer prefixes the
 * name. Keeps the inner modules free of naming concerns.
 */
export class Fault extends CertbenchError {}

/**
 * Bounds against hostile files (a PFX asking for 2^31 key-derivation rounds would hang the app).
 * Derivation computed in JavaScript blocks the thread it runs on, about 2 microseconds a round: the
 * PKCS#12 KDF (MACs and the legacy PBEs Windows and OpenSSL 1.x write), PBKDF1, and PBKDF2 where
 * WebCrypto is missing or lacks the hash. PBKDF2 run by WebCrypto is native and off the main thread.
 */
export const LIMITS = {
  /** Iterations of one key derivation in JavaScript. OpenSSL uses 2,048; Windows 2,000. */
  maxIterations: 1_000_000,
  /**
   * Rounds of all JavaScript derivations for one file (iterations times hash blocks), tries of empty
   * passwords included: at about 2 microseconds a round, at most about 2 seconds of blocking.
   */
  maxTotalIterations: 1_000_000,
  /** Iterations of one PBKDF2 derivation run natively by WebCrypto (about 0.25 microseconds each). */
  maxNativeIterations: 10_000_000,
  /** Rounds of all native PBKDF2 derivations for one file (iterations times hash blocks). */
  maxNativeTotalIterations: 20_000_000,
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
  return groupDigits(n);
}

/** One allowance of derivation work: per derivation and in all. */
class Allowance {
  spent = 0;
  constructor(
    readonly perDerivation: number,
    readonly total: number,
  ) {}

  fits(iterations: number, blocks: number): boolean {
    return this.spent + iterations * blocks <= this.total;
  }
}

/**
 * Counts key-derivation work for one file, refusing any single derivation or a total over the limits;
 * JavaScript and native (WebCrypto) work are counted apart, since only the first blocks.
 */
export class WorkBudget {
  private readonly js: Allowance;
  private readonly native: Allowance;
  constructor(
    private readonly container: string,
    perDerivation: number = LIMITS.maxIterations,
    total: number = LIMITS.maxTotalIterations,
    nativePerDerivation: number = LIMITS.maxNativeIterations,
    nativeTotal: number = LIMITS.maxNativeTotalIterations,
  ) {
    this.js = new Allowance(perDerivation, total);
    this.native = new Allowance(nativePerDerivation, nativeTotal);
  }

  /**
   * Charge one JavaScript derivation of `iterations` rounds producing `blocks` hash blocks (PBKDF2 and
   * the PKCS#12 KDF repeat every round per block). Throws a Fault when a limit would be passed.
   */
  spend(iterations: number, blocks = 1): void {
    this.charge(this.js, iterations, blocks);
  }

  /** Charge one derivation run natively by WebCrypto. */
  spendNative(iterations: number, blocks = 1): void {
    this.charge(this.native, iterations, blocks);
  }

  /** Whether a JavaScript derivation still fits in the total (used to skip optional tries, such as empty passwords). */
  canSpend(iterations: number, blocks = 1): boolean {
    return this.js.fits(iterations, blocks);
  }

  private charge(allowance: Allowance, iterations: number, blocks: number): void {
    if (iterations > allowance.perDerivation) {
      throw new Fault(
        'too-large',
        `refused: the ${this.container} asks for ${count(iterations)} key-derivation iterations; Certbench allows at most ${count(allowance.perDerivation)} (a hostile file could hang the app)`,
      );
    }
    if (iterations < 1) throw new Fault('bad-input', `the ${this.container} asks for ${iterations} key-derivation iterations (damaged file?)`);
    if (!allowance.fits(iterations, blocks)) {
      throw new Fault(
        'too-large',
        `refused: the ${this.container} needs more than ${count(allowance.total)} key-derivation rounds in all (a hostile file could hang the app)`,
      );
    }
    allowance.spent += iterations * blocks;
  }
}
