// The few parts of node-forge this folder uses (its block ciphers: AES, DES/3DES, RC2). Declared
// here rather than with @types/node-forge, whose typings pull in Node's types and would break the
// proof that shared/ compiles without Node (tsconfig.shared.json).
declare module 'node-forge/lib/forge.js' {
  interface ForgeBuffer {
    getBytes(): string;
    length(): number;
  }
  interface ForgeCipher {
    update(input: ForgeBuffer): void;
    finish(pad?: () => boolean): boolean;
    output: ForgeBuffer;
  }
  interface ForgeBlockCipher extends ForgeCipher {
    start(options: { iv: string }): void;
  }
  interface ForgeRc2Cipher extends ForgeCipher {
    start(iv: string): void;
  }
  const forge: {
    cipher: { createDecipher(algorithm: 'AES-CBC' | '3DES-CBC' | 'DES-CBC', key: string): ForgeBlockCipher };
    rc2: { createDecryptionCipher(key: string, effectiveBits: number): ForgeRc2Cipher };
    util: { createBuffer(bytes?: string): ForgeBuffer };
  };
  export default forge;
}
declare module 'node-forge/lib/aes.js';
declare module 'node-forge/lib/des.js';
declare module 'node-forge/lib/rc2.js';
