// Baseline: $http with no interceptor at all, so that the other figures' per-request cost can be read as
// what each adds to AngularJS's own.
import 'angular';
import { startBench } from './harness.mjs';

startBench({ name: 'none', requires: [] });
