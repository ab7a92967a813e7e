/** Hashes a whole key for storage and lookup; hex text, 64 characters. Synchronous by design. */
export type KeyHasher = (key: string) => string;

/**
 * `secret` switches SHA-256 to HMAC-SHA-256 keyed by the app's secret, so a stolen database
 * alone cannot be used to test guessed keys offline.
 */
export type CreateKeyHasher = (secret?: string) => KeyHasher;
