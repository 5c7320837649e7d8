// Serves the built demo app, html5Mode style, plus the run-time configuration it cannot know at build time.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * @param {object} o
 * @param {string} o.appRoot  directory holding index.html and the bundle
 * @param {{ authUrl: string, apiUrl: string, thirdPartyUrl: string, clientId: string, login: string }} o.config
 */
export function createAppHandler({ appRoot, config }) {
  const root = path.resolve(appRoot);
  // The ports are only known once the servers listen, so the app reads them from this script.
  const configJs = `window.DEMO_CONFIG = ${JSON.stringify(config).replace(/</g, '\\u003c')};\n`;

  // no-store everywhere: a reload during a demo or a spec must run the code just built.
  const send = (req, res, status, type, body) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  return async function appHandler(req, res) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(req, res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n');
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return send(req, res, 400, 'text/plain; charset=utf-8', 'Bad Request\n');
    }
    if (pathname === '/config.js') return send(req, res, 200, TYPES['.js'], configJs);

    const ext = path.extname(pathname);
    // Without an extension it is one of the app's routes (/callback, /login, /profile): html5Mode needs
    // every one of them to load the app, which then routes on the client.
    const file = ext ? path.resolve(root, `.${pathname}`) : path.join(root, 'index.html');
    if (!file.startsWith(root + path.sep)) return send(req, res, 404, 'text/plain; charset=utf-8', 'Not Found\n');
    try {
      const body = await readFile(file);
      return send(req, res, 200, TYPES[ext || '.html'] ?? 'application/octet-stream', body);
    } catch (err) {
      if (err.code !== 'ENOENT' && err.code !== 'EISDIR') throw err;
      if (!ext) {
        return send(req, res, 503, 'text/plain; charset=utf-8', `The demo app is not built (no ${file}): run npm run build:demo.\n`);
      }
      return send(req, res, 404, 'text/plain; charset=utf-8', 'Not Found\n');
    }
  };
}
