const parse = (url: string, base?: string): URL | null => {
  try {
    return new URL(url, base);
  } catch {
    return null;
  }
};

/**
 * Decides by origin (scheme, host and port) whether a request may carry the token. angular-jwt's own
 * whitelist compares host names only, so `127.0.0.1` would also let the token go to every other port
 * on that host, the token endpoint included.
 */
export function isAllowedUrl(url: string, appOrigin: string, allowed: ReadonlyArray<string | RegExp>): boolean {
  const target = parse(url, appOrigin + '/');
  return !!target && (target.origin === appOrigin || allowed.some((entry) => (entry instanceof RegExp
    // `search` ignores (and keeps) `lastIndex`: a /g RegExp gives the same answer every time.
    ? target.origin.search(entry) !== -1
    // 'https://api.example.com' names an origin; 'api.example.com:8443' a host (any scheme).
    : entry.includes('://') ? parse(entry)?.origin === target.origin : entry.toLowerCase() === target.host)));
}
