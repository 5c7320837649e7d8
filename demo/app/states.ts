// The demo's pages as ui-router states, declared the same way for ui-router 0.4 and 1.x.
import { callbackController, callbackTemplate, loginController, loginTemplate } from './login';
import { homeTemplate } from './home';
import { profileController, profileTemplate } from './profile';

/** The little of ui-router's providers the demo uses, alike in 0.4 and 1.x. */
interface StateProvider {
  state(name: string, state: { url: string; template: string; controller?: unknown }): StateProvider;
}
interface UrlRouterProvider {
  otherwise(path: string): UrlRouterProvider;
}

states.$inject = ['$stateProvider', '$urlRouterProvider'];
export function states($stateProvider: StateProvider, $urlRouterProvider: UrlRouterProvider): void {
  $stateProvider
    .state('home', { url: '/', template: homeTemplate })
    // returnTo is a parameter of the state, so that the package's guard can redirect to it by state.
    .state('login', { url: '/login?returnTo', template: loginTemplate, controller: loginController })
    .state('callback', { url: '/callback', template: callbackTemplate, controller: callbackController })
    .state('profile', { url: '/profile', template: profileTemplate, controller: profileController });
  $urlRouterProvider.otherwise('/');
}
