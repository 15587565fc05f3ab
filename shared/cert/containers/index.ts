/**
 * Certificate and key containers, recognised by content: DER, PEM, bare base64, PKCS#7 (.p7b),
 * PKCS#12 (.pfx/.p12) and private keys. Runs without Node or DOM (main process and renderer alike).
 * Private key material never leaves this folder: only KeySummary does.
 */
export { readContainer, sniffDer, CONTAINER_FORMATS, type ContainerFormat, type ContainerOptions, type ContainerResult } from './read';
export { certificateSpkiDer, CertificateIndex, matchKeys, thumbprint } from './spki';
export { describeKey, formatKeyLine } from './format';
export { LIMITS } from './fault';
