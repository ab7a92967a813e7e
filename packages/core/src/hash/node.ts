import { createHmac, hash } from 'node:crypto';
import type { CreateKeyHasher } from './hasher.js';

// Node: the one-shot `crypto.hash` is several times faster than createHash().update().digest()
// (DESIGN.md "Hashing"), and this runs on every verification.
export const createKeyHasher: CreateKeyHasher = (secret) => {
  if (secret === undefined) return (key) => hash('sha256', key, 'hex');
  return (key) => createHmac('sha256', secret).update(key).digest('hex');
};
