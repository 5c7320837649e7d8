import { AuthTokensError } from '../../src/core/errors';

/** The one rejection of `promise`, failing the spec if it resolves. */
export async function rejectionOf(promise: PromiseLike<unknown>): Promise<AuthTokensError> {
  try {
    await promise;
  } catch (error) {
    return error as AuthTokensError;
  }
  throw new Error('expected a rejection');
}

/** An AuthTokensError with `code`, whose message and string form never carry `secret`. */
export function expectAuthTokensError(error: unknown, code: AuthTokensError['code'], secret: string): void {
  expect(error instanceof AuthTokensError).withContext('instanceof AuthTokensError').toBeTrue();
  expect((error as AuthTokensError).name).toBe('AuthTokensError');
  expect((error as AuthTokensError).code).toBe(code);
  expect((error as AuthTokensError).message).not.toContain(secret);
  expect(String(error)).not.toContain(secret);
}

/** An AuthTokensError with `code` that carries none of `secrets` in its message, its string form or its cause. */
export function expectErrorWithout(error: unknown, code: AuthTokensError['code'], secrets: string[]): void {
  expectAuthTokensError(error, code, secrets[0]);
  for (const secret of secrets) {
    expect(JSON.stringify((error as AuthTokensError).cause) ?? '').withContext('cause').not.toContain(secret);
    expect((error as AuthTokensError).message).withContext('message').not.toContain(secret);
    expect(String(error)).withContext('String(error)').not.toContain(secret);
  }
}

/** Every string reachable from `value` through own properties, cycles cut: where a secret could hide. */
export function stringsIn(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  return Object.getOwnPropertyNames(value).flatMap((name) => {
    try {
      return stringsIn((value as Record<string, unknown>)[name], seen);
    } catch {
      return []; // a getter that throws
    }
  });
}
