// Baseline: angular-jwt alone, with a static token from a plain tokenGetter. No storage read, no expiry
// check, no renewal: the floor for what attaching a token costs per request.
import angular from 'angular';
import 'angular-jwt';
import { config, startBench } from './harness.mjs';

// The token the harness stored, read once.
const token = JSON.parse(localStorage.getItem('token') || 'null');

configure.$inject = ['jwtOptionsProvider', '$httpProvider'];
function configure(jwtOptionsProvider, $httpProvider) {
  jwtOptionsProvider.config({
    whiteListedDomains: [new URL(config.apiUrl).hostname],
    tokenGetter: () => token,
  });
  $httpProvider.interceptors.push('jwtInterceptor');
}

angular.module('app', ['angular-jwt']).config(configure);

startBench({ name: 'jwt-only', requires: ['app'] });
