import { createHmac, timingSafeEqual } from 'node:crypto';
import { playgroundSecret } from './secret';

// A stand-in for the host app's real authentication (Auth.js, Clerk, better-auth…): pick one of a
// few demo users. What Latchkey needs from it is only "who is signed in, and for which team".

export interface DemoUser {
  id: string;
  name: string;
  teamId: string;
  teamName: string;
  /** Admins manage keys; members may only look (the plugin's `authorize` hook). */
  role: 'admin' | 'member';
  /** The team's plan: a free team's new keys get limits of their own (the plugin's `limits` hook). */
  plan: 'free' | 'pro';
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    id: 'user_alice',
    name: 'Alice',
    teamId: 'team_acme',
    teamName: 'Acme Inc.',
    role: 'admin',
    plan: 'pro',
  },
  {
    id: 'user_bob',
    name: 'Bob',
    teamId: 'team_acme',
    teamName: 'Acme Inc.',
    role: 'member',
    plan: 'pro',
  },
  {
    id: 'user_carol',
    name: 'Carol',
    teamId: 'team_globex',
    teamName: 'Globex',
    role: 'admin',
    plan: 'free',
  },
];

export const SESSION_COOKIE = 'playground_session';

function sign(userId: string): string {
  return createHmac('sha256', playgroundSecret()).update(`session:${userId}`).digest('base64url');
}

export function sessionCookieValue(userId: string): string {
  return `${userId}.${sign(userId)}`;
}

/** The signed-in demo user from the cookie value, or null when absent, unknown or forged. */
export function readSession(cookieValue: string | undefined): DemoUser | null {
  if (cookieValue === undefined) return null;
  const dot = cookieValue.lastIndexOf('.');
  if (dot < 0) return null;
  const userId = cookieValue.slice(0, dot);
  const given = Buffer.from(cookieValue.slice(dot + 1));
  const expected = Buffer.from(sign(userId));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return DEMO_USERS.find((user) => user.id === userId) ?? null;
}

/**
 * The signed-in user from a `Cookie` header. A cookie that is not valid percent-encoding is no
 * session, as a forged one is: signed out, never a 500 for every call, machines' calls included.
 */
export function sessionFromCookieHeader(header: string | null): DemoUser | null {
  if (header === null) return null;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name !== SESSION_COOKIE) continue;
    try {
      return readSession(decodeURIComponent(value.join('=')));
    } catch {
      return null;
    }
  }
  return null;
}
