import { decodeJwt, tokenTimes } from '../../src/core/jwt';
import { base64Url, makeJwt } from '../helpers/jwt';

describe('jwt', () => {
  const header = base64Url(JSON.stringify({ alg: 'none' }));
  /** A three-part token whose payload is `text`, base64url-encoded. */
  const withPayload = (text: string) => `${header}.${base64Url(text)}.sig`;
  const unique = () => Math.random().toString(36).slice(2);

  // Everything storage can hand back that is not a JWT with a numeric exp. angular-jwt's jwtHelper throws on these.
  const notJwts: Array<[string, unknown]> = [
    ['the string "undefined"', 'undefined'],
    ['the string "null"', 'null'],
    ['an empty string', ''],
    ['two parts', `${header}.${base64Url('{"exp":1}')}`],
    ['four parts', `${header}.${base64Url('{"exp":1}')}.sig.extra`],
    ['bad base64', 'a.%%%.c'],
    ['base64 of impossible length', `${header}.abcde.sig`],
    ['a payload that is not JSON', withPayload('not json')],
    // Bytes ff fe 7b 7d: valid base64url, not valid UTF-8.
    ['a payload that is not UTF-8', `${header}.__57fQ.sig`],
    ['a JSON array payload', withPayload('[1,2,3]')],
    ['a JSON null payload', withPayload('null')],
    ['a JSON string payload', withPayload('"exp"')],
    ['a JSON number payload', withPayload('1700000000')],
    ['a number', 1700000000],
    ['null', null],
    ['undefined', undefined],
    ['an object', { exp: 1700000000 }],
  ];

  describe('decodeJwt', () => {
    for (const [what, value] of notJwts) {
      it(`returns null for ${what}, without throwing`, () => {
        expect(decodeJwt(value)).toBeNull();
      });
    }

    it('returns the payload of a JWT', () => {
      const token = makeJwt({ sub: 'user-1', exp: 1700000000, iat: 1699996400 });

      expect(decodeJwt(token)).toEqual({ sub: 'user-1', exp: 1700000000, iat: 1699996400 });
    });

    it('decodes UTF-8 payloads', () => {
      const token = makeJwt({ name: 'Zoë Ødegård 日本語 🔑' });

      expect(decodeJwt(token)?.name).toBe('Zoë Ødegård 日本語 🔑');
    });

    it('decodes base64url characters (- and _) that base64 spells + and /', () => {
      // '?>?' encodes to 'Pz4/' in base64, 'Pz4_' in base64url.
      const token = makeJwt({ s: '?>?>?>' });

      expect(token.split('.')[1]).toMatch(/[-_]/);
      expect(decodeJwt(token)?.s).toBe('?>?>?>');
    });
  });

  describe('tokenTimes', () => {
    for (const [what, value] of notJwts.filter(([, v]) => typeof v === 'string') as Array<[string, string]>) {
      it(`gives expiresAt null for ${what}`, () => {
        expect(tokenTimes(value).expiresAt).toBeNull();
      });
    }

    const badExp: Array<[string, string]> = [
      ['exp as a string', withPayload('{"exp":"1700000000"}')],
      ['exp as the string "NaN"', withPayload('{"exp":"NaN"}')],
      ['exp null', withPayload('{"exp":null}')],
      ['exp an object', withPayload('{"exp":{"value":1700000000}}')],
      ['exp true', withPayload('{"exp":true}')],
    ];
    for (const [what, token] of badExp) {
      it(`gives expiresAt null for ${what}`, () => {
        expect(tokenTimes(token).expiresAt).toBeNull();
      });
    }

    it('reads exp in epoch milliseconds, and the life from iat to exp in milliseconds', () => {
      const token = makeJwt({ iat: 1699996400, exp: 1700000000, jti: unique() });

      expect(tokenTimes(token)).toEqual({ expiresAt: 1700000000000, lifetime: 3600000 });
    });

    it('gives lifetime null when exp is not after iat', () => {
      expect(tokenTimes(withPayload('{"exp":1700000000,"iat":1700000000}')).lifetime).toBeNull();
      expect(tokenTimes(withPayload('{"exp":1700000000,"iat":1700000001}')).lifetime).toBeNull();
    });

    it('gives expiresAt Infinity for a JWT without exp, as angular-jwt counts it never expiring', () => {
      const token = makeJwt({ sub: 'user-1', jti: unique() });

      expect(tokenTimes(token)).toEqual({ expiresAt: Infinity, lifetime: null });
    });

    it('gives lifetime null when iat is not a number, or without exp', () => {
      expect(tokenTimes(withPayload('{"exp":1700000000,"iat":"yesterday"}')).lifetime).toBeNull();
      expect(tokenTimes(withPayload('{"iat":1700000000}')).lifetime).toBeNull();
    });

    it('decodes the same token string once, however often it is asked', () => {
      const token = makeJwt({ exp: 1700000000, jti: unique() });
      const atob = spyOn(window, 'atob').and.callThrough();

      const answers = Array.from({ length: 100 }, () => tokenTimes(token));

      expect(atob).toHaveBeenCalledTimes(1);
      expect(answers.every((times) => times.expiresAt === 1700000000000)).toBeTrue();
    });

    it('decodes a new token again', () => {
      const first = makeJwt({ exp: 1700000000, jti: unique() });
      const second = makeJwt({ exp: 1800000000, jti: unique() });
      const atob = spyOn(window, 'atob').and.callThrough();

      tokenTimes(first);
      const secondTimes = tokenTimes(second);
      tokenTimes(second);

      expect(atob).toHaveBeenCalledTimes(2);
      expect(secondTimes.expiresAt).toBe(1800000000000);
    });
  });
});
