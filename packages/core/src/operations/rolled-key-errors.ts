import { LatchkeyError } from '../errors.js';

/** A change to a rolled key's settings, which are the new key's. */
export function rolledSettings(fields: readonly string[]): LatchkeyError {
  return new LatchkeyError('INVALID_STATE', {
    message: `This key was rolled: its ${fields.join(', ')} cannot change. It has the metadata and limits of the key that replaced it, and no permission that key lacks (change them there), and expires when its grace period ends (disable or revoke it to end it sooner).`,
  });
}

/** A roll of a key that was revoked or rolled already. */
export function alreadyRolled(): LatchkeyError {
  return new LatchkeyError('INVALID_STATE', {
    message: 'This key was revoked or already rolled; roll the key that replaced it.',
  });
}
