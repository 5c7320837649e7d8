// The version matrix (scripts/matrix.js) loads older AngularJS and ui-router builds by file name: this spec
// fails a run whose page holds other versions than the run claims, so a matrix line cannot pass by
// testing the newest versions again.
import { legacyUiRouter, loadedVersions as versions } from './helpers/versions';

describe('the versions this run loads', () => {
  it('has the AngularJS version the run asked for', () => {
    expect(`${angular.version.major}.${angular.version.minor}`).toBe(versions.angular);
  });

  it('has the ui-router major the run asked for', () => {
    angular.mock.module('ui.router');
    angular.mock.inject(['$injector', ($injector: angular.auto.IInjectorService) => {
      expect($injector.has('$state')).toBe(true);
      // ui-router 1.x announces transitions through $transitions; 0.x only broadcasts $stateChangeStart.
      expect($injector.has('$transitions')).toBe(!legacyUiRouter);
    }]);
  });
});
