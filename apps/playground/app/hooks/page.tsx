import { redirect } from 'next/navigation';
import { currentUser } from '@/server/current-user';
import { HooksScreen } from './hooks-screen';

export default async function HooksPage() {
  const user = await currentUser();
  if (user === null) redirect('/');
  return (
    <>
      <h1>Your own screen, on the hooks</h1>
      <p>
        The same keys as on <em>Keys</em>, from <code>useApiKeyManager()</code> alone: typed by the
        app’s router, with no hand-written fetching. Changes here show up on every mounted view.
      </p>
      <HooksScreen />
    </>
  );
}
