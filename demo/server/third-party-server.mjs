// An origin the app calls but must never send a token to: it is not in the app's allowedDomains.
import { cors, sendJson } from './http-util.mjs';

/** @param {{ appUrl: string }} o */
export function createThirdPartyHandler({ appUrl }) {
  const counts = { requests: 0, withAuthorization: 0 };

  return function thirdPartyHandler(req, res) {
    // The preflight allows Authorization on purpose: if the app leaked a token, the browser would send
    // it and this server would count it, rather than the browser hiding the leak by refusing.
    if (cors(req, res, appUrl, { methods: 'GET' })) return;
    const path = new URL(req.url, 'http://x').pathname;
    if (req.method === 'GET' && path === '/data') {
      counts.requests += 1;
      if (req.headers.authorization) counts.withAuthorization += 1;
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === 'GET' && path === '/stats') return sendJson(res, 200, counts);
    return sendJson(res, 404, { error: 'not_found' });
  };
}
