// Builds the demo app into demo/dist, against the package's built ES modules, as an app would use them.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

module.exports = {
  mode: 'production',
  devtool: 'source-map',
  entry: path.join(__dirname, 'app/main.ts'),
  output: { path: path.join(__dirname, 'dist'), filename: 'app.js' },
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
          fs.copyFileSync(path.join(__dirname, 'app', file), path.join(__dirname, 'dist', file));
        }
      });
    },
  }],
};
