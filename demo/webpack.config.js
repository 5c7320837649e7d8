// Builds the demo app into demo/dist/<router>, once per router, against the package's built ES modules, as an
// app would use them. The app server serves the one DEMO_ROUTER names (demo/server/servers.mjs).
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

const entries = {
  ngRoute: 'main.ts',
  'ui-router': 'main-ui-router.ts',
  'ui-router-0.4': 'main-ui-router-0.4.ts',
};

module.exports = Object.entries(entries).map(([router, entry]) => {
  const out = path.join(__dirname, 'dist', router);
  return {
    name: router,
    mode: 'production',
    devtool: 'source-map',
    entry: path.join(__dirname, 'app', entry),
    output: { path: out, filename: 'app.js' },
    resolve: {
      extensions: ['.ts', '.js'],
      alias: {
        'angular-auth-tokens/auth0$': path.join(root, 'dist/esm/auth0.js'),
        'angular-auth-tokens/oidc$': path.join(root, 'dist/esm/oidc.js'),
        'angular-auth-tokens$': path.join(root, 'dist/esm/index.js'),
      },
    },
    module: {
      rules: [{ test: /\.ts$/, loader: 'ts-loader', exclude: /node_modules/, options: { transpileOnly: true } }],
    },
    performance: { hints: false },
    plugins: [{
      apply(compiler) {
        compiler.hooks.afterEmit.tap('CopyStatic', () => {
          for (const file of ['index.html', 'style.css']) {
            fs.copyFileSync(path.join(__dirname, 'app', file), path.join(out, file));
          }
        });
      },
    }],
  };
});
