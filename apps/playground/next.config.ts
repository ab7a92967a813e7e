import type { NextConfig } from 'next';

const config: NextConfig = {
  // libsql loads a native binary: keep it out of the server bundle.
  serverExternalPackages: ['@libsql/client', 'libsql'],
};

export default config;
