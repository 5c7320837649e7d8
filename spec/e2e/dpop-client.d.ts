// The types of demo/server/dpop-client.mjs, the Node DPoP client the specs replay stolen tokens with.
declare module '*/dpop-client.mjs' {
  export function accessTokenHash(token: string): string;
  export function htuOf(url: string): string;
  export class DpopClient {
    static create(): Promise<DpopClient>;
    readonly thumbprint: string;
    nonces: Map<string, string>;
    counts: { requests: number; nonceRetries: number };
    proof(o: { method: string; url: string; accessToken?: string; nonce?: string; claims?: object; header?: object }): Promise<string>;
    fetch(url: string, init?: RequestInit & { accessToken?: string; retryOnNonce?: boolean }): Promise<Response>;
    refresh(o: { authUrl: string; appUrl?: string; clientId: string; refreshToken: string; retryOnNonce?: boolean }):
      Promise<{ status: number; headers: Headers; body: { error?: string; error_description?: string; refresh_token?: string } }>;
  }
}
