'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { DEMO_USERS, SESSION_COOKIE, sessionCookieValue } from '@/server/session';

export async function signIn(formData: FormData): Promise<void> {
  const user = DEMO_USERS.find((candidate) => candidate.id === formData.get('userId'));
  if (user === undefined) redirect('/');
  (await cookies()).set(SESSION_COOKIE, sessionCookieValue(user.id), {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: (await headers()).get('x-forwarded-proto') === 'https',
  });
  redirect('/keys');
}

export async function signOut(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
  redirect('/');
}
