// Builds dist/: ES modules and the three UMD bundles. angular, angular-jwt, angular-storage and auth0-js stay
// external: the app already loads them. No eval anywhere, so apps under a strict Content-Security-Policy work.
//
// No source maps are shipped: they were two thirds of the packed size. The ES modules, which bundlers
// consume, are left unminified instead, so an app's own source maps lead into readable code; the UMD
// bundles, loaded as they are by script tags, are minified.
const path = require('path');

// Types are checked by `npm run typecheck` and the .d.ts files come from tsc: ts-loader only transpiles.
// The bundles are emitted as ES2020: every supported browser (current Chromium, Firefox ESR, Safari 15.4+)
// runs it, and native `?.` and `??` keep the minified output well below the ES2017 down-levelled form.
const tsRule = {
  test: /\.ts$/, loader: 'ts-loader', exclude: /node_modules/, options: { transpileOnly: true, compilerOptions: { target: 'ES2020' } },
};
const common = {
  mode: 'production',
  devtool: false,
  resolve: { extensions: ['.ts', '.js'] },
  module: { rules: [tsRule] },
  performance: { hints: false },
};

// The UMD bundles read the globals an AngularJS page already has. angular-jwt and angular-storage are
// named as module dependencies by string, never imported, so they need no entry here.
const umdExternals = {
  angular: { root: 'angular', commonjs: 'angular', commonjs2: 'angular', amd: 'angular' },
  'auth0-js': { root: 'auth0', commonjs: 'auth0-js', commonjs2: 'auth0-js', amd: 'auth0-js' },
};

const umd = (entry, file, name) => ({
  ...common,
  name: file,
  entry,
  externals: umdExternals,
  output: {
    path: path.resolve(__dirname, 'dist'),
    filename: file,
    library: { name, type: 'umd' },
    globalObject: 'this',
  },
});

module.exports = [
  umd('./src/index.ts', 'angular-auth-tokens.umd.js', 'angularAuthTokens'),
  umd('./src/auth0.ts', 'angular-auth-tokens-auth0.umd.js', 'angularAuthTokensAuth0'),
  umd('./src/oidc.ts', 'angular-auth-tokens-oidc.umd.js', 'angularAuthTokensOidc'),
  {
    ...common,
    name: 'esm',
    entry: { index: './src/index.ts', auth0: './src/auth0.ts', oidc: './src/oidc.ts' },
    externalsType: 'module',
    externals: { angular: 'angular', 'auth0-js': 'auth0-js' },
    experiments: { outputModule: true },
    optimization: { minimize: false },
    output: {
      path: path.resolve(__dirname, 'dist/esm'),
      filename: '[name].js',
      library: { type: 'module' },
      module: true,
    },
  },
];
