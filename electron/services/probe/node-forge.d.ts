// The parts of node-forge the probe uses to take a private key out of a PKCS#12 (client-cert.ts).
// Declared here, as shared/cert/containers does for its ciphers, instead of adding @types/node-forge.
declare module 'node-forge' {
  interface ForgeBuffer {
    getBytes(): string;
  }
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Asn1 {}
  interface SafeBag {
    key?: unknown;
    asn1?: Asn1;
  }
  namespace pkcs12 {
    interface Pkcs12Pfx {
      getBags(filter: { bagType: string }): Record<string, SafeBag[] | undefined>;
    }
  }
  const forge: {
    asn1: { fromDer(bytes: ForgeBuffer | string): Asn1; toDer(obj: Asn1): ForgeBuffer };
    util: { createBuffer(bytes?: string, encoding?: string): ForgeBuffer };
    pkcs12: { pkcs12FromAsn1(obj: Asn1, strict: boolean, password: string): pkcs12.Pkcs12Pfx };
    pki: {
      oids: Record<string, string | undefined>;
      privateKeyToAsn1(key: unknown): Asn1;
      wrapRsaPrivateKey(asn1: Asn1): Asn1;
    };
  };
  export default forge;
}
