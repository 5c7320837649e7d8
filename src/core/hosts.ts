const parse = (url: string, base?: string): URL | null => {
  try {
    return new URL(url, base);
  } catch {
    return null;
  }
};

/** A RegExp that matches only the whole of what it is tested on: `/api\.example\.com/` must not pass `https://api.example.com.evil`. */
const whole = (entry: RegExp) => new RegExp(`^(?:${entry.source})$`, entry.flags.replace(/[gy]/g, ''));

/**
 * Decides by origin (scheme, host and port) whether a request may carry the token: the app's own origin,
 * or one in `allowed`. angular-jwt's own whitelist compares host names only, so `127.0.0.1` would also let
 * the token go to every other port on that host, the token endpoint included. A relative URL is resolved
 * against `baseUrl` (the document's base URL), as the browser will resolve it: a `<base href>` on another
 * origin sends it there.
 */
export function urlFilter(appOrigin: string, baseUrl: string, allowed: ReadonlyArray<string | RegExp>): (url: string) => boolean {
  const rules = allowed.map((entry) => (entry instanceof RegExp ? whole(entry)
    // 'https://api.example.com' names an origin; 'api.example.com:8443' a host (any scheme).
    : entry.includes('://') ? parse(entry)?.origin ?? null : entry.toLowerCase()));
  const decide = (url: string) => {
    const target = parse(url, baseUrl);
    return !!target && (target.origin === appOrigin || rules.some((rule) => (rule instanceof RegExp ? rule.test(target.origin)
      : rule === target.origin || rule === target.host)));
  };
  // Asked on every request. Parsing URLs was most of what this package added to a request, and apps call
  // the same few URLs again and again: the answer for each URL string is remembered, for up to 100 of
  // them, then the memory starts over.
  const answers = new Map<string, boolean>();
  return (url) => {
    let answer = answers.get(url);
    if (answer === undefined) {
      if (answers.size >= 100) answers.clear();
      answer = decide(url);
      answers.set(url, answer);
    }
    return answer;
  };
}
