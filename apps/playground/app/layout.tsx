import '@latchkey/ui/styles.css';
import './globals.css';
import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Providers } from '@/client/providers';
import { currentUser } from '@/server/current-user';
import { signOut } from './actions';

export const metadata: Metadata = {
  title: 'Latchkey playground',
  description: 'API keys for a tRPC app: create, roll and revoke them, and call the API with them.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <body>
        {/* Everything sits in a landmark (banner, main), so screen-reader users can reach it. */}
        <header>
          <div className="site-header">
            <Link href="/" className="brand">
              Latchkey <span>playground</span>
            </Link>
            {user && (
              <nav aria-label="Main">
                <Link href="/keys">Keys</Link>
                <Link href="/hooks">Hooks</Link>
                <Link href="/try">Call the API</Link>
              </nav>
            )}
            {user && (
              <form action={signOut} className="who">
                <span>
                  {user.name} · {user.teamName} ({user.role})
                </span>
                <button type="submit">Sign out</button>
              </form>
            )}
          </div>
          <p className="demo-banner" role="note">
            Demo sign-in: a stand-in for your app’s real authentication. Keys and calls are real.
          </p>
        </header>
        <main>
          <Providers>{children}</Providers>
        </main>
      </body>
    </html>
  );
}
