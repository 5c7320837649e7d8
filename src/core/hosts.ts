/**
 * Decides by origin (scheme, host and port) whether a request may carry the token. angular-jwt's own
 * whitelist compares host names only, so `127.0.0.1` would also let the token go to every other port
 * on that host, the token endpoint included.
 */
export function isAllowedUrl(url: string, appOrigin: string, allowed: ReadonlyArray<string | RegExp>): boolean {
  let origin: string;
  let host: string;
  try {
    const parsed = new URL(url, appOrigin + '/');
    origin = parsed.origin;
    host = parsed.host;
  } catch {
    return false;
  }
  if (origin === appOrigin) return true;
  return allowed.some((entry) => {
    if (entry instanceof RegExp) {
      entry.lastIndex = 0;
      return entry.test(origin);
    }
    // 'https://api.example.com' names an origin; 'api.example.com:8443' a host (any scheme).
    if (!entry.includes('://')) return entry.toLowerCase() === host;
    try {
      return new URL(entry).origin === origin;
    } catch {
      return false;
    }
  });
}
