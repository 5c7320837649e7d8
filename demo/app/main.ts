// The demo on ngRoute, the default.
import { startDemo } from './demo'; // first: it loads AngularJS, which angular-route expects on window
import 'angular-route';
import { callbackController, callbackTemplate, loginController, loginTemplate } from './login';
import { homeTemplate } from './home';
import { profileController, profileTemplate } from './profile';

/** The little of ngRoute's provider the demo uses. */
interface RouteProvider {
  when(path: string, route: { template: string; controller?: unknown }): RouteProvider;
  otherwise(path: string): RouteProvider;
}

routes.$inject = ['$routeProvider'];
function routes($routeProvider: RouteProvider): void {
  $routeProvider
    .when('/', { template: homeTemplate })
    .when('/login', { template: loginTemplate, controller: loginController })
    .when('/callback', { template: callbackTemplate, controller: callbackController })
    .when('/profile', { template: profileTemplate, controller: profileController })
    .otherwise('/');
}

startDemo('ngRoute', routes);
