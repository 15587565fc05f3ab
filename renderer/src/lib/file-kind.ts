/** .pfx/.p12 carry their key (and need a password): no separate key file then. By name, as the pickers offer them. */
export function isPkcs12Name(name: string): boolean {
  return /\.(pfx|p12)$/i.test(name);
}
