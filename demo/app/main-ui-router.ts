// The demo on ui-router 1.x: DEMO_ROUTER=ui-router.
import { startDemo } from './demo';
import '@uirouter/angularjs';
import { states } from './states';

startDemo('ui.router', states);
