/**
 * Whether the route guard leaves `path` (a `$location.url()`) alone: an exact string, or a RegExp that
 * matches. The query and the hash do not count, so `/login?returnTo=...` is as public as `/login`.
 */
export function isPublicPath(path: string, publicPaths: ReadonlyArray<string | RegExp>): boolean {
  const bare = path.split(/[?#]/)[0];
  // `search` rather than `test`: it ignores and keeps `lastIndex`, so a /g RegExp does not answer every
  // other call differently.
  return publicPaths.some((entry) => (typeof entry === 'string' ? entry === bare : bare.search(entry) !== -1));
}

// `//host` names another host to a browser. URL parsers also drop tabs and newlines and read `\` as `/`:
// `/\t/evil.example` and `/\evil.example` are `//evil.example` to them.
// eslint-disable-next-line no-control-regex
const looksLocal = (value: string) => value[0] === '/' && value[1] !== '/' && !/[\0-\x1f\x7f\\]/.test(value);

const BASE = 'http://local.invalid';
/**
 * A local path, judged as the browser will read it: after its dot segments are resolved (`/.//host` and
 * `/%2e//host` become `//host`, which whoever writes the path back into a URL sends to another host).
 */
const isLocalPath = (value: string) => {
  if (!looksLocal(value)) return false;
  const url = new URL(value, BASE);
  return url.origin === BASE && looksLocal(url.pathname);
};

/**
 * `value` when it is a path on this origin, else null. A `returnTo` ends up in the address bar or in
 * `window.location` after login, so anything that could leave the app (an open redirect) is dropped; the
 * percent-decoded form must pass too, for login pages that decode before navigating.
 */
export function safeReturnTo(value: unknown): string | null {
  try {
    return typeof value === 'string' && isLocalPath(value) && isLocalPath(decodeURIComponent(value)) ? value : null;
  } catch {
    return null; // a malformed escape
  }
}

/**
 * `loginPath?<returnToParam>=<returnTo, encoded>`, or just `loginPath` when `returnTo` is null or not a local
 * path: only a local path is ever written.
 */
export function loginUrl(loginPath: string, returnToParam: string, returnTo: string | null): string {
  const safe = safeReturnTo(returnTo);
  return safe === null ? loginPath
    : `${loginPath}${loginPath.includes('?') ? '&' : '?'}${encodeURIComponent(returnToParam)}=${encodeURIComponent(safe)}`;
}
