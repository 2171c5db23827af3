/**
 * The page's Content-Security-Policy, the same in the Electron app and the web host: scripts and
 * styles only from the app, images only from the app, its image scheme and data:, no frames, no
 * forms, nothing remote. Article HTML that slipped past the sanitiser still could not load or run
 * anything.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' bs-image: data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
