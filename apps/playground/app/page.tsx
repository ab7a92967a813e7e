import Link from 'next/link';
import { currentUser } from '@/server/current-user';
import { DEMO_USERS } from '@/server/session';
import { signIn } from './actions';

export default async function HomePage() {
  const user = await currentUser();
  return (
    <>
      <h1>API keys for your tRPC app</h1>
      <p>
        Sign in as a demo user, create an API key for your team, then call this app’s API with it
        from a terminal. Alice and Bob share the team <em>Acme Inc.</em>; Carol is in{' '}
        <em>Globex</em> and never sees Acme’s keys. Bob is a member: he can see his team’s keys but
        only admins may create, roll or revoke them.
      </p>
      {user ? (
        <p>
          You are signed in as {user.name}. <Link href="/keys">Manage your team’s keys</Link>.
        </p>
      ) : (
        <ul className="users" aria-label="Demo users">
          {DEMO_USERS.map((demo) => (
            <li key={demo.id}>
              <strong>{demo.name}</strong>
              <br />
              {demo.teamName} ({demo.plan} plan), {demo.role}
              <form action={signIn}>
                <input type="hidden" name="userId" value={demo.id} />
                <button type="submit" className="primary">
                  Sign in as {demo.name}
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <h2>What to try</h2>
      <ol>
        <li>
          On <strong>Keys</strong>, create a key with the <code>invoices:read</code> permission and
          copy it: it is shown once.
        </li>
        <li>
          On <strong>Call the API</strong>, paste it to get ready-made <code>curl</code> commands.
          Listing invoices works; creating one answers 403 until the key has{' '}
          <code>invoices:write</code>.
        </li>
        <li>Revoke the key and call again: 401.</li>
      </ol>
    </>
  );
}
