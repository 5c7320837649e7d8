// `npm start`: the demo's servers on fixed ports, until Ctrl-C.
import { LOGINS, ROUTERS, startServers } from './servers.mjs';

function numberFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

function choiceFromEnv(name, choices) {
  const value = process.env[name] || choices[0];
  if (!choices.includes(value)) {
    console.error(`${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return value;
}

const router = choiceFromEnv('DEMO_ROUTER', ROUTERS);
const login = choiceFromEnv('DEMO_LOGIN', LOGINS);
let servers;
try {
  servers = await startServers({
    appPort: numberFromEnv('PORT', 3000),
    authPort: numberFromEnv('AUTH_PORT', 3001),
    apiPort: numberFromEnv('API_PORT', 3002),
    thirdPartyPort: numberFromEnv('THIRD_PARTY_PORT', 3003),
    accessTokenTtl: numberFromEnv('ACCESS_TOKEN_TTL', 30),
    refreshTokenTtl: numberFromEnv('REFRESH_TOKEN_TTL', 14 * 24 * 60 * 60),
    router,
    login,
  });
} catch (err) {
  // The usual cause is another demo still running on the same ports.
  console.error(`Could not start the demo servers: ${err.message}`);
  process.exit(1);
}

console.log(`
  app          ${servers.appUrl}   (${router}, ${login} login)
  auth server  ${servers.authUrl}   (any login and password)
  API          ${servers.apiUrl}
  third party  ${servers.thirdPartyUrl}   (never receives a token)

Open ${servers.appUrl} in a browser. Ctrl-C stops.
`);

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the demo servers`);
  await servers.close();
  process.exit(0);
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
