import { TRPCClientError } from '@trpc/client';
import { expect, test } from 'vitest';
import { errorMessage } from './error-message.js';

const trpcError = (message: string, code?: string) =>
  Object.assign(new TRPCClientError(message), code === undefined ? {} : { data: { code } });

test('a message that names the field or the state is shown as the server wrote it', () => {
  expect(errorMessage(trpcError('name: Name must not be empty.', 'BAD_REQUEST'))).toBe(
    'name: Name must not be empty.',
  );
  expect(errorMessage(trpcError('A revoked key cannot be changed.', 'CONFLICT'))).toBe(
    'A revoked key cannot be changed.',
  );
});

test("tRPC's default validation message (the issues as JSON) becomes sentences", () => {
  const issues = JSON.stringify([
    { path: ['name'], message: 'Too small' },
    { path: [], message: 'Bad input' },
  ]);
  expect(errorMessage(trpcError(issues, 'BAD_REQUEST'))).toBe('name: Too small Bad input');
});

test('codes whose message is not for people get words of their own', () => {
  expect(errorMessage(trpcError('SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE'))).toMatch(
    /unavailable right now/,
  );
  expect(errorMessage(trpcError('boom at db.ts:12', 'INTERNAL_SERVER_ERROR'))).toMatch(
    /went wrong on the server/,
  );
  expect(errorMessage(trpcError('UNAUTHORIZED', 'UNAUTHORIZED'))).toMatch(/Sign in again/);
});

test('no answer from the server is a connection problem', () => {
  expect(errorMessage(trpcError('fetch failed'))).toMatch(/Could not reach the server/);
  expect(errorMessage(new TypeError('Failed to fetch'))).toMatch(/Could not reach the server/);
  expect(errorMessage(new Error('Custom words'))).toBe('Custom words');
  expect(errorMessage(undefined)).toMatch(/Something went wrong/);
});
