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
