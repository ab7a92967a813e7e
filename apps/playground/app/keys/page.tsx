import { redirect } from 'next/navigation';
import { currentUser } from '@/server/current-user';
import { KeysScreen } from './keys-screen';

export default async function KeysPage() {
  const user = await currentUser();
  if (user === null) redirect('/');
  return (
    <>
      <h1>{user.teamName}: API keys</h1>
      <p>
        Keys act for the team <code>{user.teamId}</code>. This page is one component,{' '}
        <code>&lt;ApiKeyManager /&gt;</code>, over the app’s tRPC router.
      </p>
      {user.plan === 'free' ? (
        <p>
          Your team is on the free plan: its new keys may make 10 calls a minute between them, and
          each 100 a day (the plugin’s <code>limits</code> option). A key’s Usage button shows its
          limits and what it has left.
        </p>
      ) : null}
      <KeysScreen />
    </>
  );
}
