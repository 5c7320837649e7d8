// Unit specs in real browsers: headless Chromium and Firefox ESR, both from Debian's packages.
process.env.CHROME_BIN ||= '/usr/bin/chromium';
process.env.FIREFOX_BIN ||= '/usr/bin/firefox-esr';

const webpackConfig = {
  mode: 'development',
  devtool: 'inline-source-map',
  resolve: { extensions: ['.ts', '.js'] },
  module: { rules: [{ test: /\.ts$/, loader: 'ts-loader', exclude: /node_modules/, options: { transpileOnly: true } }] },
  // karma-webpack reports build errors but still runs and exits 0: fail the run instead (type errors are
  // caught by `tsc --noEmit` before karma; this catches unresolved imports).
  plugins: [{
    apply(compiler) {
      compiler.hooks.done.tap('FailOnErrors', (stats) => {
        if (stats.hasErrors()) {
          console.error(stats.toString('errors-only'));
          process.exit(1);
        }
      });
    },
  }],
};

// SPECS narrows a run while working on one file: SPECS=spec/core/jwt.spec.ts npm run test:unit
const specs = process.env.SPECS || 'spec/{*.spec.ts,core/**/*.spec.ts,angular/**/*.spec.ts,refreshers/**/*.spec.ts,oidc/**/*.spec.ts}';
// BROWSERS narrows the browsers: BROWSERS=ChromeHeadlessCI
// ANGULAR and UI_ROUTER pick older versions, installed beside the newest as npm aliases pinned in the
// lockfile (angular-1.5, ui-router-0.4, ...): `npm run test:matrix` sets them, nothing is installed at test time.
const angularDir = (name) => (process.env.ANGULAR ? `node_modules/${name}-${process.env.ANGULAR}` : `node_modules/${name}`);
const uiRouterDir = process.env.UI_ROUTER ? `node_modules/ui-router-${process.env.UI_ROUTER}` : 'node_modules/@uirouter/angularjs';
const browsers = (process.env.BROWSERS || 'ChromeHeadlessCI,FirefoxHeadless').split(',');

module.exports = (config) => {
  config.set({
    frameworks: ['jasmine', 'webpack'],
    files: [
      // The globals the AngularJS add-ons expect, loaded as an app loads them.
      `${angularDir('angular')}/angular.js`,
      `${angularDir('angular-mocks')}/angular-mocks.js`,
      'node_modules/angular-jwt/dist/angular-jwt.js',
      'node_modules/angular-storage/dist/angular-storage.js',
      `${uiRouterDir}/release/angular-ui-router.js`,
      `${angularDir('angular-route')}/angular-route.js`,
      // AUTH0_JS runs the auth0 refresher specs against another auth0-js major (scripts/matrix.js).
      process.env.AUTH0_JS || 'node_modules/auth0-js/dist/auth0.min.js',
      { pattern: specs, watched: false },
      // The page each cross-tab spec's iframe loads (/base/spec/helpers/blank.html).
      { pattern: 'spec/helpers/blank.html', included: false, served: true, watched: false },
    ],
    preprocessors: { [specs]: ['webpack'] },
    webpack: {
      ...webpackConfig,
      // Specs import angular the way the package does; the page already has the globals.
      externals: { angular: 'angular', 'angular-jwt': '"angular-jwt"', 'angular-storage': '"angular-storage"', 'auth0-js': 'auth0' },
    },
    reporters: ['dots'],
    browsers,
    customLaunchers: {
      ChromeHeadlessCI: {
        base: 'ChromeHeadless',
        flags: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
          '--disable-component-update', '--disable-sync', '--no-first-run'],
      },
    },
    // The versions this run means to load: spec/versions.spec.ts checks that they are the ones the page has.
    client: {
      jasmine: { random: true, timeoutInterval: 10000 },
      versions: { angular: process.env.ANGULAR || '1.8', uiRouter: process.env.UI_ROUTER || '1.1' },
    },
    browserNoActivityTimeout: 60000,
    singleRun: true,
    concurrency: 1,
  });
};
