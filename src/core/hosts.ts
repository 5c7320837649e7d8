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

/**
 * `isAllowedUrl` for one configuration, asked on every request. Parsing URLs was most of what this package
 * added to a request, and apps call the same few URLs again and again: the answer for each URL string is
 * remembered, for up to 100 of them, then the memory starts over.
 */
export function urlFilter(appOrigin: string, allowed: ReadonlyArray<string | RegExp>): (url: string) => boolean {
  const answers = new Map<string, boolean>();
  return (url) => {
    let answer = answers.get(url);
    if (answer === undefined) {
      if (answers.size >= 100) answers.clear();
      answer = isAllowedUrl(url, appOrigin, allowed);
      answers.set(url, answer);
    }
    return answer;
  };
}
