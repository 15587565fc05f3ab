/**
 * The renderer's Content-Security-Policy, one string for Electron's protocol handler and the web
 * mode (Electron security checklist: a strict CSP, `default-src 'self'`). Inline styles are allowed
 * because React's style attributes need them; scripts are never inline.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
