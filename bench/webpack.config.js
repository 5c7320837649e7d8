// Builds the bench pages into bench/.build/: one bundle and one HTML page per implementation, plus an empty
// page for seeding storage on the app's origin. The package comes from its built ES modules (dist/esm, so
// `npm run build` first), as the demo takes it; angular, angular-jwt, angular-storage and auth0-js from
// node_modules, as an app bundles them. Production mode: the code measured is the code an app ships.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const out = path.join(__dirname, '.build');
const pages = ['package', 'oidc', 'guide', 'naive', 'jwt-only', 'none'];

const html = (title, scripts) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>angular-auth-tokens bench: ${title}</title>
  <script src="/config.js"></script>
${scripts.map((file) => `  <script defer src="/${file}"></script>\n`).join('')}</head>
<body></body>
</html>
`;

module.exports = {
  mode: 'production',
  devtool: 'source-map',
  entry: Object.fromEntries(pages.map((page) => [page, path.join(__dirname, 'pages', `${page}.mjs`)])),
  output: { path: out, filename: '[name].js', clean: true },
  resolve: {
    alias: {
      'angular-auth-tokens/auth0$': path.join(root, 'dist/esm/auth0.js'),
      'angular-auth-tokens/oidc$': path.join(root, 'dist/esm/oidc.js'),
      'angular-auth-tokens$': path.join(root, 'dist/esm/index.js'),
    },
  },
  // angular and auth0-js go into chunks shared by the pages, minified once and cached between builds.
  optimization: { splitChunks: { chunks: 'all' } },
  cache: { type: 'filesystem', cacheDirectory: path.join(root, 'node_modules/.cache/bench-webpack') },
  performance: { hints: false },
  plugins: [{
    apply(compiler) {
      compiler.hooks.beforeRun.tap('RequireBuiltPackage', () => {
        if (!fs.existsSync(path.join(root, 'dist/esm/index.js'))) {
          throw new Error('bench: dist/esm is missing; run `npm run build` first.');
        }
      });
      compiler.hooks.afterEmit.tap('WritePages', (compilation) => {
        for (const page of pages) {
          const files = compilation.entrypoints.get(page).getFiles().filter((file) => file.endsWith('.js'));
          fs.writeFileSync(path.join(out, `${page}.html`), html(page, files));
        }
        fs.writeFileSync(path.join(out, 'blank.html'), html('blank', []));
      });
    },
  }],
};
