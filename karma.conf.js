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
const specs = process.env.SPECS || 'spec/{*.spec.ts,core/**/*.spec.ts,angular/**/*.spec.ts,refreshers/**/*.spec.ts}';
// BROWSERS narrows the browsers: BROWSERS=ChromeHeadlessCI
const browsers = (process.env.BROWSERS || 'ChromeHeadlessCI,FirefoxHeadless').split(',');

module.exports = (config) => {
  config.set({
    frameworks: ['jasmine', 'webpack'],
    files: [
      // The globals the AngularJS add-ons expect, loaded as an app loads them.
      'node_modules/angular/angular.js',
      'node_modules/angular-mocks/angular-mocks.js',
      'node_modules/angular-jwt/dist/angular-jwt.js',
      'node_modules/angular-storage/dist/angular-storage.js',
      { pattern: 'node_modules/@uirouter/angularjs/release/angular-ui-router.js', included: true },
      'node_modules/angular-route/angular-route.js',
      // AUTH0_JS runs the auth0 refresher specs against another auth0-js major (see test:unit).
      process.env.AUTH0_JS || 'node_modules/auth0-js/dist/auth0.min.js',
      { pattern: specs, watched: false },
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
    client: { jasmine: { random: true, timeoutInterval: 10000 } },
    browserNoActivityTimeout: 60000,
    singleRun: true,
    concurrency: 1,
  });
};
