import type { Session } from '@latchkey/test-support/host-app';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { expect } from 'vitest';
import type { HostRouter } from './host-app.js';
import { recordingFetch, sessionHeaders } from './http-server.js';

export const admin = (teamId: string, userId = `admin_of_${teamId}`): Session => ({
  userId,
  teamId,
  role: 'admin',
});
export const member = (teamId: string): Session => ({
  userId: `member_of_${teamId}`,
  teamId,
  role: 'member',
});

/** A signed-in user's client for the host app at `url`, recording every response. */
export function userClient(url: string, session: Session) {
  const recorder = recordingFetch();
  const client = createTRPCClient<HostRouter>({
    links: [httpBatchLink({ url, headers: sessionHeaders(session), fetch: recorder.fetch })],
  });
  return { client, recorder };
}

/** The error a call fails with; fails the test if it succeeds. */
export async function rejection(call: Promise<unknown>): Promise<TRPCClientError<HostRouter>> {
  const error = await call.then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<HostRouter>;
}
