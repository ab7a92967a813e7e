import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { CreateKeyHasher } from './hasher.js';

// Edge runtimes: an audited synchronous SHA-256. Web Crypto's digest is async and hops to a
// thread pool per call, which caps verification at tens of thousands per second.
export const createKeyHasher: CreateKeyHasher = (secret) => {
  if (secret === undefined) return (key) => bytesToHex(sha256(utf8ToBytes(key)));
  const secretBytes = utf8ToBytes(secret);
  return (key) => bytesToHex(hmac(sha256, secretBytes, utf8ToBytes(key)));
};
