import { LatchkeyError } from '@latchkey/core';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { authFailure, rejectedKeyFailure } from './auth-failure.js';
import { withLatchkeyData } from './latchkey-error-data.js';
import { toRouterError } from './router-error.js';

const shape = { code: -32001, message: 'm', data: { code: 'UNAUTHORIZED', httpStatus: 401 } };

describe('withLatchkeyData', () => {
  it('adds the code of a refused key, with its retry delay or missing permissions', () => {
    expect(withLatchkeyData(shape, authFailure('REVOKED')).data).toEqual({
      code: 'UNAUTHORIZED',
      httpStatus: 401,
      latchkeyCode: 'REVOKED',
    });
    expect(
      withLatchkeyData(
        shape,
        rejectedKeyFailure({ valid: false, code: 'RATE_LIMITED', retryAfterMs: 1500 }),
      ).data,
    ).toMatchObject({ latchkeyCode: 'RATE_LIMITED', retryAfterMs: 1500 });
    const lacking = authFailure('INSUFFICIENT_PERMISSIONS', { missingPermissions: ['a:write'] });
    expect(withLatchkeyData(shape, lacking).data).toMatchObject({
      latchkeyCode: 'INSUFFICIENT_PERMISSIONS',
      missingPermissions: ['a:write'],
    });
  });

  it('adds the code of a core error, and nothing of its internals', () => {
    const storage = toRouterError(
      new LatchkeyError('STORAGE_UNAVAILABLE', { message: 'SQLITE_NOTADB at /srv/app.db' }),
    );
    const formatted = withLatchkeyData(shape, storage);
    expect(formatted.data).toEqual({ ...shape.data, latchkeyCode: 'STORAGE_UNAVAILABLE' });
    expect(JSON.stringify(formatted)).not.toContain('SQLITE');
    expect(storage.message).not.toContain('SQLITE');
  });

  it('leaves errors Latchkey did not cause as they are', () => {
    const other = new TRPCError({ code: 'BAD_REQUEST', cause: new Error('host validation') });
    expect(withLatchkeyData(shape, other)).toBe(shape);
    const lookalike = new TRPCError({
      code: 'UNAUTHORIZED',
      cause: Object.assign(new Error('x'), { name: 'ApiKeyAuthError', code: 'SOMETHING_ELSE' }),
    });
    expect(withLatchkeyData(shape, lookalike)).toBe(shape);
    // A 500 whose cause is core's refusal of what a host option answered: not the caller's code.
    const hostBug = new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      cause: new LatchkeyError('INVALID_INPUT', {
        issues: [{ path: ['remaining'], message: 'x' }],
      }),
    });
    expect(withLatchkeyData(shape, hostBug)).toBe(shape);
  });
});
