import { decodeJwt } from '../../src/core/jwt';
import { base64url, base64urlOfText } from '../../src/oidc/base64url';

describe('base64url', () => {
  it('encodes bytes with - and _ and without padding (RFC 7515, appendix C)', () => {
    expect(base64url(new Uint8Array([3, 236, 255, 224, 193]))).toBe('A-z_4ME');
    expect(base64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(base64url(new Uint8Array([]))).toBe('');
  });

  it('encodes text as its UTF-8, which the JWT decoder reads back', () => {
    expect(base64urlOfText('{"typ":"dpop+jwt"}')).toBe('eyJ0eXAiOiJkcG9wK2p3dCJ9');
    expect(base64urlOfText('é')).toBe('w6k');
    expect(decodeJwt(`${base64urlOfText('{}')}.${base64urlOfText('{"nonce":"é ü ✓ 𝄞"}')}.sig`)).toEqual({ nonce: 'é ü ✓ 𝄞' });
  });
});
