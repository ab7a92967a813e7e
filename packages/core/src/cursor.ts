import type { RowCursor } from './store/key-store.js';
import { invalidInput } from './validation.js';

const CURSOR_SHAPE = /^(\d{1,16}):([a-z]{3}_[0-9A-Za-z]{1,64})$/;

/** An opaque page cursor: the position of the last row returned. */
export function encodeCursor(at: number, id: string): string {
  return btoa(`${at}:${id}`).replace(/=+$/, '');
}

export function decodeCursor(cursor: string | null | undefined): RowCursor | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  let decoded = '';
  try {
    decoded = atob(cursor);
  } catch {
    // not base64: reported below like any other bad cursor
  }
  const match = CURSOR_SHAPE.exec(decoded);
  if (match === null) {
    throw invalidInput([
      { path: ['cursor'], message: 'Not a cursor returned by a previous page.' },
    ]);
  }
  return { at: Number(match[1]), id: match[2] as string };
}
