import { describe, expect, it } from 'vitest';
import { createKeyHasher as nodeHasher } from './node.js';
import { createKeyHasher as webHasher } from './web.js';

// FIPS 180-2 and RFC 4231 (test case 2) vectors pin both runtime implementations to one output.
describe.each([
  ['node:crypto', nodeHasher],
  ['@noble/hashes (edge)', webHasher],
])('%s', (_, createKeyHasher) => {
  it('SHA-256 as lower-case hex', () => {
    const sha256 = createKeyHasher();
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('HMAC-SHA-256 when a secret is configured', () => {
    const hmac = createKeyHasher('Jefe');
    expect(hmac('what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('hashes a key the same way in both runtimes', () => {
    const key = 'acme_0123456789ABCDEFGHIJKLMNOPQRST3jZRME';
    expect(createKeyHasher()(key)).toBe(nodeHasher()(key));
    expect(createKeyHasher('s3cret')(key)).toBe(webHasher('s3cret')(key));
    expect(createKeyHasher('s3cret')(key)).not.toBe(createKeyHasher()(key));
  });
});
