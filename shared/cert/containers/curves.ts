import type { p256 } from '@noble/curves/nist.js';
import type { ed25519, x25519 } from '@noble/curves/ed25519.js';
import type { ed448, x448 } from '@noble/curves/ed448.js';

/**
 * noble's curves, loaded when a private key is first read: building them (precomputed tables, a
 * random-source check) costs a command line's start about 45 ms, and a certificate needs none of
 * them. Every reader of keys awaits loadCurves() before it derives a public key (read.ts, pkcs12.ts,
 * encryptedPkcs8Summary), so keys.ts can stay synchronous.
 */
export interface Curves {
  ec: Readonly<Record<string, typeof p256>>;
  ed25519: typeof ed25519;
  x25519: typeof x25519;
  ed448: typeof ed448;
  x448: typeof x448;
}

let loaded: Promise<Curves> | null = null;
let ready: Curves | null = null;

export function loadCurves(): Promise<Curves> {
  loaded ??= Promise.all([import('@noble/curves/nist.js'), import('@noble/curves/secp256k1.js'), import('@noble/curves/misc.js'), import('@noble/curves/ed25519.js'), import('@noble/curves/ed448.js')]).then(
    ([nist, k1, misc, ed, goldilocks]) =>
      (ready = {
        ec: {
          'P-256': nist.p256,
          'P-384': nist.p384,
          'P-521': nist.p521,
          secp256k1: k1.secp256k1,
          brainpoolP256r1: misc.brainpoolP256r1,
          brainpoolP384r1: misc.brainpoolP384r1,
          brainpoolP512r1: misc.brainpoolP512r1,
        },
        ed25519: ed.ed25519,
        x25519: ed.x25519,
        ed448: goldilocks.ed448,
        x448: goldilocks.x448,
      }),
  );
  return loaded;
}

/** The curves, once loadCurves() has answered; a reader that forgot to await it is a bug, said plainly. */
export function curves(): Curves {
  if (!ready) throw new Error('internal: a private key was read before loadCurves() finished');
  return ready;
}
