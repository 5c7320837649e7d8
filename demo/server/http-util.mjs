// The few node:http helpers the demo servers share, so that no server needs a framework.

/** Resolves to the bound port; 0 asks the system for a free one. */
export function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}

export function closeServer(server) {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    // A browser or fetch keeps idle keep-alive sockets (and sometimes a slow request) open; a demo that
    // is being stopped has no request worth waiting for, and close() would otherwise wait for them.
    server.closeAllConnections();
  });
}

export function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/** A request's body as bytes; small bodies only (the test endpoints take a token, the token endpoint a form). */
export function readBody(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function readJson(req, limit = 64 * 1024) {
  const text = (await readBody(req, limit)).toString('utf8');
  return text ? JSON.parse(text) : {};
}

/**
 * CORS for exactly one origin. Other origins get no CORS headers at all, which is how a browser learns it
 * may not read the answer (and, for a preflight, may not send the request).
 * Returns true when the request was a preflight and has been answered.
 */
export function cors(req, res, allowedOrigin, { methods = 'GET, POST', headers = 'Authorization, Content-Type', expose } = {}) {
  res.setHeader('Vary', 'Origin');
  const allowed = req.headers.origin === allowedOrigin;
  if (allowed) {
    res.setHeader('Access-Control-Allow-Origin', allowedOrigin);
    if (expose) res.setHeader('Access-Control-Expose-Headers', expose);
  }
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
  if (allowed) {
    res.setHeader('Access-Control-Allow-Methods', methods);
    res.setHeader('Access-Control-Allow-Headers', headers);
    res.setHeader('Access-Control-Max-Age', '600');
  }
  res.writeHead(204);
  res.end();
  return true;
}
