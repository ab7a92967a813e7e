interface ErrorLike {
  name?: unknown;
  message?: unknown;
  data?: { code?: unknown } | null;
}

// Words for the codes whose server message is not meant for the person at the screen.
const FALLBACKS: Record<string, string> = {
  UNAUTHORIZED: 'You are signed out. Sign in again to manage API keys.',
  FORBIDDEN: 'You are not allowed to manage API keys here.',
  NOT_FOUND: 'This API key no longer exists.',
  CONFLICT: 'This API key cannot be changed in its current state.',
  TOO_MANY_REQUESTS: 'Too many requests. Wait a moment and try again.',
  SERVICE_UNAVAILABLE: 'API keys are unavailable right now. Try again in a moment.',
  INTERNAL_SERVER_ERROR: 'Something went wrong on the server. Try again in a moment.',
};
const NETWORK = 'Could not reach the server. Check your connection and try again.';
const UNKNOWN = 'Something went wrong. Try again in a moment.';

// Codes whose server message names what is wrong (the field, the state), so it is shown as is.
const SHOW_SERVER_MESSAGE = new Set(['BAD_REQUEST', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN']);

/**
 * tRPC's default error formatter sends a failed input validation as the validator's issues,
 * serialised as JSON; turn them into sentences that name each field.
 */
function issuesToWords(message: string): string | null {
  if (!message.startsWith('[')) return null;
  try {
    const issues = JSON.parse(message) as { path?: unknown[]; message?: unknown }[];
    const words = issues
      .filter((issue) => typeof issue.message === 'string')
      .map((issue) =>
        issue.path?.length ? `${issue.path.join('.')}: ${issue.message}` : String(issue.message),
      );
    return words.length > 0 ? words.join(' ') : null;
  } catch {
    return null;
  }
}

/** What went wrong, in words for the person at the screen, from any error the hooks reject with. */
export function errorMessage(error: unknown): string {
  if (typeof error !== 'object' || error === null) return UNKNOWN;
  const { name, message, data } = error as ErrorLike;
  const text = typeof message === 'string' ? message.trim() : '';
  const code = typeof data?.code === 'string' ? data.code : undefined;
  if (code === undefined) {
    // A tRPC error without a code never got an answer from the server (offline, down, CORS).
    if (name === 'TRPCClientError' || error instanceof TypeError) return NETWORK;
    return text === '' ? UNKNOWN : text;
  }
  if (SHOW_SERVER_MESSAGE.has(code) && text !== '' && text !== code) {
    return issuesToWords(text) ?? text;
  }
  return FALLBACKS[code] ?? (text === '' ? UNKNOWN : text);
}
