/** The path of a `$location.url()`: without its query and hash. */
function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/**
 * Whether the route guard leaves `path` alone: an exact string, or a RegExp that matches. The query and the
 * hash do not count, so `/login?returnTo=...` is as public as `/login`.
 */
export function isPublicPath(path: string, publicPaths: ReadonlyArray<string | RegExp>): boolean {
  const bare = pathOf(path);
  // `search` rather than `test`: it ignores and keeps `lastIndex`, so a /g RegExp does not answer every
  // other call differently.
  return publicPaths.some((entry) => (typeof entry === 'string' ? entry === bare : bare.search(entry) !== -1));
}

function isLocalPath(value: string): boolean {
  // `//host` and `/\host` name another host to a browser; a path that starts with one `/` cannot carry a scheme.
  if (value[0] !== '/' || value[1] === '/' || value[1] === '\\') return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // URL parsers drop tabs and newlines and read `\` as `/`: `/\t/evil.example` is `//evil.example` to them.
    if (code < 0x20 || code === 0x7f || code === 0x5c) return false;
  }
  return true;
}

/**
 * `value` when it is a path on this origin, else null. A `returnTo` ends up in the address bar or in
 * `window.location` after login, so anything that could leave the app (an open redirect) is dropped; the
 * percent-decoded form must pass too, for login pages that decode before navigating.
 */
export function safeReturnTo(value: unknown): string | null {
  if (typeof value !== 'string' || !isLocalPath(value)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return null;
  }
  return isLocalPath(decoded) ? value : null;
}

/**
 * `loginPath?<returnToParam>=<returnTo, encoded>`, or just `loginPath` when `returnTo` is null or not a local
 * path: only a local path is ever written.
 */
export function loginUrl(loginPath: string, returnToParam: string, returnTo: string | null): string {
  const safe = safeReturnTo(returnTo);
  if (safe === null) return loginPath;
  const separator = loginPath.includes('?') ? '&' : '?';
  return `${loginPath}${separator}${encodeURIComponent(returnToParam)}=${encodeURIComponent(safe)}`;
}
