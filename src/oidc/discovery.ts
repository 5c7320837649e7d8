import { AuthTokensError, explain } from '../core/errors';
import { isJsonObject, parseJson } from '../core/values';

/** The endpoints a client uses, by their option names. */
export interface Endpoints {
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  revocationEndpoint?: string;
  endSessionEndpoint?: string;
}

/** Each endpoint option, and its name in a discovery document (OpenID Connect Discovery 1.0, RFC 8414). */
const DISCOVERED: Record<keyof Endpoints, string> = {
  authorizationEndpoint: 'authorization_endpoint',
  tokenEndpoint: 'token_endpoint',
  revocationEndpoint: 'revocation_endpoint',
  endSessionEndpoint: 'end_session_endpoint',
};

/** Finds an endpoint: null when the server has none, rejects `refresh_failed` when discovery fails. */
export type EndpointLookup = (name: keyof Endpoints) => Promise<string | null>;

/**
 * Endpoints as configured, and where one is not, from `<issuer>/.well-known/openid-configuration`. The
 * document is fetched once per page, on the first need, and reused; a failed fetch is not kept, so the next
 * call tries again. A document for another issuer is refused (OpenID Connect Discovery 1.0, section 4.3):
 * endpoints from it could send the user's password and tokens anywhere.
 */
export function endpointLookup(issuer: string, explicit: Endpoints, fetchOption: typeof fetch | undefined): EndpointLookup {
  let document: Promise<Record<string, unknown>> | null = null;
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;

  const load = async () => {
    let status: number;
    let text: string;
    try {
      const response = await (fetchOption ?? fetch)(url, { credentials: 'omit', headers: { Accept: 'application/json' } });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw new AuthTokensError('refresh_failed', `The discovery document at ${url} could not be fetched.`, explain(error));
    }
    const body = parseJson(text);
    if (status < 200 || status > 299 || !isJsonObject(body)) {
      throw new AuthTokensError('refresh_failed', `The discovery document at ${url} answered ${status} without a JSON object.`, { status });
    }
    if (body.issuer !== issuer) {
      throw new AuthTokensError('refresh_failed', `The discovery document at ${url} is for another issuer than ${issuer}.`, { status });
    }
    return body;
  };

  return async (name) => {
    const configured = explicit[name];
    if (configured !== undefined) return configured;
    document ??= load().catch((error: unknown) => {
      document = null;
      throw error;
    });
    const value = (await document)[DISCOVERED[name]];
    return typeof value === 'string' ? value : null;
  };
}
