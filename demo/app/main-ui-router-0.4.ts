// The demo on ui-router 0.4: DEMO_ROUTER=ui-router-0.4.
import { startDemo } from './demo'; // first: it loads AngularJS, which ui-router 0.4 expects on window
import 'ui-router-0.4';
import { states } from './states';

startDemo('ui.router', states);
