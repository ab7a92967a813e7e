import { cookies } from 'next/headers';
import { type DemoUser, readSession, SESSION_COOKIE } from './session';

/** The signed-in demo user of the page being rendered, or null. */
export async function currentUser(): Promise<DemoUser | null> {
  return readSession((await cookies()).get(SESSION_COOKIE)?.value);
}
