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

// The UMD bundles are built as ES modules, which webpack emits without a module runtime (no module table,
// no export getters: those were about 680 bytes of the main bundle), and then wrapped by hand, before
// minification, in the classic UMD pattern: CommonJS, AMD, or the global `name`. An external's named
// imports become property reads on the object the wrapper passes in, read where they are used, as
// webpack's own UMD output reads them.
class UmdWrapper {
  constructor(name) {
    this.name = name;
  }

  apply(compiler) {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap('UmdWrapper', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'UmdWrapper', stage: Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE }, (assets) => {
        for (const file of Object.keys(assets).filter((asset) => asset.endsWith('.js'))) {
          compilation.updateAsset(file, new sources.RawSource(this.wrap(assets[file].source().toString())), { javascriptModule: false });
        }
      });
    });
  }

  wrap(code) {
    const params = [];
    const deps = [];
    const renames = [];
    let body = code.replace(/^import \{([^}]*)\} from "([^"]+)";$/gm, (_, names, request) => {
      const param = `__umd_external_${params.length}__`;
      params.push(param);
      deps.push(umdExternals[request]);
      for (const binding of names.split(',')) {
        const [imported, local] = binding.trim().split(/\s+as\s+/);
        renames.push([local ?? imported, `${param}.${imported}`]);
      }
      return '';
    });
    for (const [local, access] of renames) body = body.split(local).join(access);
    if (/^\s*(?:import|export)\b/m.test(body.replace(/^export \{[^}]*\};$/m, ''))) {
      throw new Error(`UmdWrapper: ${this.name} has an import or export it does not handle.`);
    }
    // `__esModule`, as webpack sets it: a CommonJS consumer's default-import interop then takes `default`.
    body = body.replace(/^export \{([^}]*)\};$/m, (_, names) => `return Object.defineProperty({ ${names.split(',').map((binding) => {
      const [local, exported] = binding.trim().split(/\s+as\s+/);
      return `${JSON.stringify(exported ?? local)}: ${local}`;
    }).join(', ')} }, '__esModule', { value: true });`);
    const list = (kind) => deps.map((dep) => JSON.stringify(dep[kind])).join(', ');
    const root = deps.map((dep) => `root[${JSON.stringify(dep.root)}]`).join(', ');
    return `(function (root, factory) {
  if (typeof exports === 'object' && typeof module === 'object') module.exports = factory(${deps.map((dep) => `require(${JSON.stringify(dep.commonjs2)})`).join(', ')});
  else if (typeof define === 'function' && define.amd) define([${list('amd')}], factory);
  else root[${JSON.stringify(this.name)}] = factory(${root});
})(this, function (${params.join(', ')}) {
'use strict';
${body}
});
`;
  }
}

const umd = (entry, file, name) => ({
  ...common,
  name: file,
  optimization: { minimizeOptions: { javascript: { compress: { passes: 2 } } } },
  entry,
  externals: Object.fromEntries(Object.keys(umdExternals).map((request) => [request, request])),
  externalsType: 'module',
  experiments: { outputModule: true },
  plugins: [new UmdWrapper(name)],
  output: {
    path: path.resolve(__dirname, 'dist'),
    filename: file,
    library: { type: 'module' },
    module: true,
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
