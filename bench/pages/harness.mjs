// What every bench page shares: the `bench` AngularJS module around one implementation, and `window.bench`,
// which the Node side (bench/lib) drives through Playwright. Only instrumentation lives here; each
// implementation's own code is in its page file.
import angular from 'angular';

/** Written by the demo's app server (/config.js): the origins of this run's servers. */
export const config = window.DEMO_CONFIG;
/** Written by the harness with an init script before the page loads; see bench/lib/browser.mjs. */
export const options = window.BENCH_OPTIONS || {};
export const apiUrl = `${config.apiUrl}/api/data`;

const counters = {
  /** Calls of angular-jwt's tokenGetter for a request (not authManager's synchronous ones). */
  getterCalls: 0,
  /** Of those, the ones that answered with a promise: the request waited for a renewal. */
  waited: 0,
  /** Calls to the token endpoint made by this page, by who made them. */
  refreshes: {},
  refreshesInFlight: 0,
  /** The API calls of `startLoop`. */
  loop: { sent: 0, ok: 0, failed: 0 },
};

/**
 * Counts the calls of a function that calls the token endpoint. `source` names the caller, so that a
 * baseline's calls can be told apart (the guide's getter and its run block, for example).
 */
export function countRefresh(source, refresh) {
  return function counted(...args) {
    counters.refreshes[source] = (counters.refreshes[source] || 0) + 1;
    counters.refreshesInFlight += 1;
    const settled = () => { counters.refreshesInFlight -= 1; };
    const result = refresh.apply(this, args);
    result.then(settled, settled);
    return result;
  };
}

/**
 * Wraps angular-jwt's configured tokenGetter, whichever implementation set it, to count the requests that
 * had to wait: those whose getter answered with a promise rather than a token. The jwtInterceptor copies
 * the config when it is created, after this decorator ran.
 */
countWaits.$inject = ['$delegate'];
function countWaits($delegate) {
  const jwtConfig = $delegate.getConfig();
  const getter = jwtConfig.tokenGetter;
  jwtConfig.tokenGetter = ['options', '$injector', function countedGetter(requestOptions, $injector) {
    const token = $injector.invoke(getter, this, { options: requestOptions });
    if (requestOptions !== null) {
      counters.getterCalls += 1;
      if (token && typeof token.then === 'function') counters.waited += 1;
    }
    return token;
  }];
  return $delegate;
}

const MOCK_BODY = '{"sub":"bench"}';

const SIGNING = { name: 'ECDSA', hash: 'SHA-256' };
/** About the length of a DPoP proof's signing input (base64url header with its jwk, and the claims). */
const PROOF_INPUT_BYTES = 450;
let signingPair = null;
const signingKey = async () => {
  signingPair ??= await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  return signingPair;
};

/**
 * A backend that answers every call to the API at once, in the same digest, so that timing a request
 * measures the client's work only. Everything else (the token endpoint goes through auth0-js's own XHR
 * anyway) goes to the real backend.
 */
mockApi.$inject = ['$delegate'];
function mockApi($delegate) {
  return function mockHttpBackend(method, url, post, callback, headers) {
    if (url.indexOf(config.apiUrl) === 0) {
      // Kept so the harness can check that a token was attached at all, and how: with DPoP, each request
      // must carry a proof of its own (the last two are kept, to see that they differ).
      counters.lastAuthorization = headers.Authorization || null;
      counters.apiRequests = (counters.apiRequests || 0) + 1;
      if (headers.DPoP) {
        counters.withProof = (counters.withProof || 0) + 1;
        counters.previousProof = counters.lastProof;
        counters.lastProof = headers.DPoP;
      }
      callback(200, MOCK_BODY, 'Content-Type: application/json', 'OK', 'complete');
      return undefined;
    }
    return $delegate.apply(this, arguments);
  };
}

/**
 * Boots the page: module `bench` requires the implementation's modules; `renew($injector)` starts one
 * renewal the way the implementation does it (for the memory figure), or is absent.
 */
export function startBench({ name, requires, renew }) {
  const bench = { name, counters, ready: false };
  window.bench = bench;

  // $injector here is the provider injector: a page without angular-jwt has nothing to count.
  configure.$inject = ['$provide', '$injector'];
  function configure($provide, $injector) {
    if (options.mockApi) $provide.decorator('$httpBackend', mockApi);
    if (options.countWaits && $injector.has('jwtOptionsProvider')) $provide.decorator('jwtOptions', countWaits);
  }

  run.$inject = ['$http', '$q', '$rootScope', '$injector'];
  function run($http, $q, $rootScope, $injector) {
    /** Settles with 'ok' or 'failed', never rejects. */
    const call = () => $http.get(apiUrl).then(() => 'ok', () => 'failed');
    const tally = (outcomes) => ({
      ok: outcomes.filter((o) => o === 'ok').length,
      failed: outcomes.filter((o) => o === 'failed').length,
    });
    /** n calls in one turn; inside a digest already when the run block calls it, else in a new one. */
    const fire = (n) => {
      const calls = [];
      const start = () => { for (let i = 0; i < n; i += 1) calls.push(call()); };
      if ($rootScope.$$phase || !bench.ready) start(); else $rootScope.$apply(start);
      return new Promise((resolve) => { $q.all(calls).then((outcomes) => resolve(tally(outcomes))); });
    };
    let loop = null;

    Object.assign(bench, {
      fire,
      /** An API call every `ms`, as an active page makes them. */
      startLoop(ms) {
        clearInterval(loop);
        loop = setInterval(() => {
          counters.loop.sent += 1;
          $rootScope.$apply(() => call().then((o) => { counters.loop[o] += 1; }));
        }, ms);
      },
      stopLoop() {
        clearInterval(loop);
        loop = null;
      },
      /** Can this tab still make an authenticated call? */
      probe: () => fire(1).then((r) => r.ok === 1),
      /**
       * n calls through the mocked backend, `batch` per digest; each digest completes its calls before it
       * returns. Answers the elapsed milliseconds.
       */
      time(n, batch) {
        let done = 0;
        const count = () => { done += 1; };
        const start = performance.now();
        for (let sent = 0; sent < n; sent += batch) {
          $rootScope.$apply(() => {
            for (let i = sent; i < Math.min(n, sent + batch); i += 1) $http.get(apiUrl).then(count);
          });
        }
        const elapsed = performance.now() - start;
        if (done !== n) throw new Error(`bench.time: ${done} of ${n} calls completed within their digest`);
        return elapsed;
      },
      /**
       * n calls through the mocked backend, `batch` at once in one digest, each batch waiting for all its
       * answers before the next starts: a request whose headers take promises (a DPoP proof is signed
       * asynchronously) completes after its digest, as it would in an app. Answers the milliseconds of
       * every `perSample` calls (a multiple of `batch`), from the first call to the last answer.
       *
       * Each batch starts in a task of its own, as an app's calls start from a click or a network answer.
       * Started from the previous batch's answer instead, every batch after a DPoP one would start inside
       * the timer task of AngularJS's deferred digest, and after five of those Chromium holds each
       * setTimeout(0) for 4 ms: the figure would time the timer clamp, not the request.
       */
      async timeAnswered(n, batch, perSample, { signatures = false } = {}) {
        const samples = [];
        // With `signatures`, each call is an ECDSA P-256 signature alone (no $http), over as many bytes
        // as a DPoP proof's header and claims: the floor of what a proof costs.
        const signing = signatures ? await signingKey() : null;
        const signed = new TextEncoder().encode('x'.repeat(PROOF_INPUT_BYTES));
        const channel = new MessageChannel();
        const freshTask = () => new Promise((resolve) => {
          channel.port1.onmessage = resolve;
          channel.port2.postMessage(null);
        });
        let sampleStart = performance.now();
        for (let sent = 0; sent < n; sent += batch) {
          const size = Math.min(batch, n - sent);
          await freshTask();
          let done = 0;
          let failed = 0;
          await new Promise((resolve) => {
            const answered = () => {
              done += 1;
              if (done === size) resolve();
            };
            const refused = () => {
              failed += 1;
              answered();
            };
            if (signing) {
              for (let i = 0; i < size; i += 1) crypto.subtle.sign(SIGNING, signing.privateKey, signed).then(answered, refused);
            } else {
              $rootScope.$apply(() => {
                for (let i = 0; i < size; i += 1) $http.get(apiUrl).then(answered, refused);
              });
            }
          });
          if (failed) throw new Error(`bench.timeAnswered: ${failed} of ${size} calls failed`);
          if ((sent + size) % perSample === 0 || sent + size === n) {
            const now = performance.now();
            samples.push(now - sampleStart);
            sampleStart = now;
          }
        }
        return samples;
      },
      renew: renew ? () => new Promise((resolve, reject) => {
        $rootScope.$apply(() => { $q.when(renew($injector)).then(resolve, reject); });
      }) : null,
      /** The refreshes this page made have all settled. */
      idle: () => counters.refreshesInFlight === 0,
    });

    if (options.fireAtBoot) bench.bootResults = fire(options.fireAtBoot);
    // Something to run now and then, so that a debugger pause (a "sleeping" tab) takes effect at once.
    if (options.heartbeat) setInterval(() => { bench.heartbeats = (bench.heartbeats || 0) + 1; }, 50);
    bench.ready = true;
  }

  angular.module('bench', requires).config(configure).run(run);
  angular.bootstrap(document, ['bench'], { strictDi: true });
}
