import { base64url, base64urlOfText, textOfBase64url } from '../../src/oidc/base64url';

describe('base64url', () => {
  it('encodes bytes with - and _ and without padding (RFC 7515, appendix C)', () => {
    expect(base64url(new Uint8Array([3, 236, 255, 224, 193]))).toBe('A-z_4ME');
    expect(base64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(base64url(new Uint8Array([]))).toBe('');
  });

  it('encodes text as its UTF-8', () => {
    expect(base64urlOfText('{"typ":"dpop+jwt"}')).toBe('eyJ0eXAiOiJkcG9wK2p3dCJ9');
    expect(base64urlOfText('é')).toBe('w6k');
  });

  it('decodes what it encodes, any text', () => {
    for (const text of ['', 'a', 'ab', 'abc', '{"nonce":"n-1"}', 'é ü ✓ 𝄞']) {
      expect(textOfBase64url(base64urlOfText(text))).toBe(text);
    }
  });

  it('decodes nothing that is not base64url of UTF-8', () => {
    for (const encoded of ['a+b/', 'YQ==', 'a b', 'A', '_w']) {
      expect(textOfBase64url(encoded)).withContext(encoded).toBeNull();
    }
  });
});
