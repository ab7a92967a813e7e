import { encodeBase62, type RandomSource, randomBase62 } from './base62.js';

const ID_RANDOM_LENGTH = 22; // ≈131 bits: unguessable, so ids leak nothing and cannot be probed
const SEQUENCE_WIDTH = 6;
const SEQUENCE_LIMIT = 62 ** SEQUENCE_WIDTH;
let eventSequence = 0;

/** A key id such as `key_4Qm…`: typed, so that an id says what it names, and unguessable. */
export function newKeyId(random: RandomSource): string {
  return `key_${randomBase62(ID_RANDOM_LENGTH, random)}`;
}

/**
 * An audit event id `evt_<sequence><random>`. The fixed-width sequence keeps events written in one
 * millisecond by this process in the order they happened, since the log sorts by (`at`, `id`).
 */
export function newEventId(random: RandomSource): string {
  eventSequence = (eventSequence + 1) % SEQUENCE_LIMIT;
  return `evt_${encodeBase62(eventSequence, SEQUENCE_WIDTH)}${randomBase62(16, random)}`;
}
