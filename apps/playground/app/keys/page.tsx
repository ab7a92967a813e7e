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
      <KeysScreen />
    </>
  );
}
