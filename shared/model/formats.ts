/**
 * The names of input formats, without zod: the container reader (and so `certbench inspect`) needs
 * the names, not the schemas (shared/model/key.ts builds its schemas over them).
 */

/** What an input file turned out to be, decided by its content (never its name). */
export const CONTAINER_FORMATS = ['der', 'pem', 'base64', 'pkcs7', 'pkcs12', 'key'] as const;
export type ContainerFormat = (typeof CONTAINER_FORMATS)[number];

export const KEY_FORMATS = ['pkcs8', 'pkcs1', 'sec1', 'pkcs8-encrypted', 'pkcs12'] as const;
