import { networkInterfaces } from 'node:os';
import type { NextConfig } from 'next';

/**
 * Where `next dev` may be opened besides `localhost`: the loopback addresses and this machine's
 * own (the "Network" address Next prints among them). Next 16 refuses its dev resources (scripts,
 * hot reload) to any other origin, which leaves a page opened there without JavaScript: the keys
 * never load and no button works. Only `next dev` reads this list.
 */
function devOrigins(): string[] {
  const own = Object.values(networkInterfaces())
    .flat()
    .flatMap((network) => (network === undefined ? [] : [network]))
    // as a URL's hostname has them: IPv6 in brackets
    .map(({ family, address }) => (family === 'IPv6' ? `[${address}]` : address));
  return [...new Set(['127.0.0.1', '[::1]', ...own])];
}

const config: NextConfig = {
  // libsql loads a native binary: keep it out of the server bundle.
  serverExternalPackages: ['@libsql/client', 'libsql'],
  allowedDevOrigins: devOrigins(),
};

export default config;
