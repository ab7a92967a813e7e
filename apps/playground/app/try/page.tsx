import { redirect } from 'next/navigation';
import { currentUser } from '@/server/current-user';
import { TryScreen } from './try-screen';

export default async function TryPage() {
  const user = await currentUser();
  if (user === null) redirect('/');
  return (
    <>
      <h1>Call the API with your key</h1>
      <p>
        Machines call the app’s tRPC procedures (and a plain REST route) with a key; the procedures
        read the team from <code>ctx.consumerId</code>. Paste a key to fill in the commands; it
        stays in this page and is sent nowhere.
      </p>
      <TryScreen />
    </>
  );
}
