import { isWellFormed, KEY_BODY_LENGTH, MAX_KEY_LENGTH } from '../key-format.js';
import { AUTH_FAILURE_MESSAGES } from './auth-failure-status.js';

/** Where a request carries its key. */
export interface RequestKeyOptions {
  /**
   * A header read as `<name>: Bearer <key>` (the scheme in any case, any spaces or tabs around
   * the key), or `false` to ignore it. Default `'authorization'`.
   */
  authorizationHeader?: string | false;
  /** A header whose whole value is the key, or `false` to ignore it. Default `'x-api-key'`. */
  apiKeyHeader?: string | false;
}

/** The key a request carries, or why it carries none that can be used. */
export type KeyReading =
  | { ok: true; key: string }
  | { ok: false; code: 'MISSING' | 'MALFORMED'; message: string };

/** Reads one header of the request; `null` when absent. Repeated headers come joined by `, `. */
export type HeaderGetter = (name: string) => string | null;

/**
 * Far longer than any key (at most 69 characters) with its scheme. A longer value is refused
 * before anything is parsed or hashed, so a huge header costs nothing.
 */
export const MAX_KEY_HEADER_LENGTH = 1024;

// Query parameters that conventionally carry credentials (RFC 6750 names `access_token`).
const CREDENTIAL_PARAMETERS = new Set([
  'api_key',
  'apikey',
  'api-key',
  'x-api-key',
  'access_token',
]);
const TOKEN_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// The only whitespace HTTP allows around and within a header value's parts (RFC 9110 OWS): any
// other (a non-breaking space, say) is not trimmed, so it stays part of the key, which verify then
// refuses as MALFORMED.
const WHITESPACE = /[ \t]+/;
const BEARER_PREFIX = /^bearer[ \t]+[^ \t,]+$/i;
// Repeated headers arrive joined by ", "; a key never holds a space, a tab or a comma.
const NOT_ONE_TOKEN = /[ \t,]/;
const SPACE = 32;
const TAB = 9;

export interface ResolvedKeyOptions {
  authorizationHeader: string | false;
  apiKeyHeader: string | false;
  /** How to send a key, for messages: "`Authorization: Bearer <key>` or `x-api-key`". */
  hint: string;
  missingMessage: string;
}

/** Checks the header names once; throws a `TypeError` for a name no request can carry. */
export function resolveKeyOptions(options: RequestKeyOptions = {}): ResolvedKeyOptions {
  const authorizationHeader = headerName(options.authorizationHeader, 'authorization');
  const apiKeyHeader = headerName(options.apiKeyHeader, 'x-api-key');
  if (authorizationHeader === false && apiKeyHeader === false) {
    throw new TypeError('authorizationHeader and apiKeyHeader cannot both be false.');
  }
  const ways = [
    ...(authorizationHeader === false ? [] : [`\`${display(authorizationHeader)}: Bearer <key>\``]),
    ...(apiKeyHeader === false ? [] : [`\`${apiKeyHeader}\``]),
  ];
  const hint = ways.join(' or ');
  const isDefault = authorizationHeader === 'authorization' && apiKeyHeader === 'x-api-key';
  return {
    authorizationHeader,
    apiKeyHeader,
    hint,
    // The shared message names the default headers; other names get the same sentence with theirs.
    missingMessage: isDefault
      ? AUTH_FAILURE_MESSAGES.MISSING
      : `An API key is required: send it as ${hint}.`,
  };
}

function headerName(name: string | false | undefined, fallback: string): string | false {
  if (name === undefined) return fallback;
  if (name === false) return false;
  if (!TOKEN_NAME.test(name)) throw new TypeError(`Invalid header name ${JSON.stringify(name)}.`);
  return name.toLowerCase();
}

function display(name: string): string {
  return name === 'authorization' ? 'Authorization' : name;
}

/**
 * Finds the one key a request carries. Total: any headers and URL give a reading, never an
 * exception. Whether the key itself is well-formed is left to `verify`, which checks that before
 * touching storage.
 *
 * @param search the URL's query (with or without its `?`), or `null` when there is no URL.
 */
export function readKey(
  getHeader: HeaderGetter,
  search: string | null,
  options: ResolvedKeyOptions,
): KeyReading {
  if (search !== null && hasKeyInQuery(search)) {
    return malformed(
      `API keys are not accepted in the URL query string, where they end up in logs and browser history; send the key as ${options.hint}, and roll it if the URL was shared.`,
    );
  }

  let fromAuthorization: string | null = null;
  let otherScheme = false;
  if (options.authorizationHeader !== false) {
    const value = getHeader(options.authorizationHeader);
    const plain = value === null ? null : plainBearer(value);
    if (plain !== null) {
      fromAuthorization = plain;
    } else if (value !== null) {
      if (value.length > MAX_KEY_HEADER_LENGTH) return tooLong(options.authorizationHeader);
      const credentials = trimWhitespace(value);
      if (credentials === '') return empty(options.authorizationHeader);
      const space = credentials.search(WHITESPACE);
      const scheme = space === -1 ? credentials : credentials.slice(0, space);
      if (scheme.toLowerCase() === 'bearer') {
        const token = space === -1 ? '' : trimWhitespace(credentials.slice(space));
        if (token === '') return malformed('The Bearer scheme was sent without a key.');
        if (!isSingleToken(token)) return twoKeys(options.hint);
        fromAuthorization = token;
      } else {
        otherScheme = true;
      }
    }
  }

  let fromApiKeyHeader: string | null = null;
  if (options.apiKeyHeader !== false) {
    const value = getHeader(options.apiKeyHeader);
    if (value !== null && isPlainToken(value, 0)) {
      fromApiKeyHeader = value;
    } else if (value !== null) {
      if (value.length > MAX_KEY_HEADER_LENGTH) return tooLong(options.apiKeyHeader);
      const token = trimWhitespace(value);
      if (token === '') return empty(options.apiKeyHeader);
      if (BEARER_PREFIX.test(token)) {
        return malformed(
          `The \`${options.apiKeyHeader}\` header takes the key alone, without \`Bearer\`.`,
        );
      }
      if (!isSingleToken(token)) return twoKeys(options.hint);
      fromApiKeyHeader = token;
    }
  }

  if (fromAuthorization !== null && fromApiKeyHeader !== null) {
    return fromAuthorization === fromApiKeyHeader
      ? { ok: true, key: fromAuthorization }
      : malformed(`Two different API keys were sent; send exactly one, as ${options.hint}.`);
  }
  const key = fromAuthorization ?? fromApiKeyHeader;
  if (key !== null) return { ok: true, key };
  // Another scheme (Basic, a session token…) is no key; say so rather than "missing".
  if (otherScheme) {
    return malformed(`API keys use the Bearer scheme: send the key as ${options.hint}.`);
  }
  return { ok: false, code: 'MISSING', message: options.missingMessage };
}

/** The query of a URL (from `?`, before `#`), or `''`. Never throws, whatever the URL. */
export function queryOf(url: string): string {
  const hash = url.indexOf('#');
  const path = hash === -1 ? url : url.slice(0, hash);
  const start = path.indexOf('?');
  return start === -1 ? '' : path.slice(start + 1);
}

// A credential-named parameter, or any value that is or holds a real key (checksum included)
// whatever its name, such as tRPC's `?input={"key":"acme_…"}`: a key in a URL leaks into logs, so it
// is refused even when a header carries one too.
function hasKeyInQuery(search: string): boolean {
  if (search === '' || search === '?') return false;
  for (const [name, value] of new URLSearchParams(search)) {
    if (CREDENTIAL_PARAMETERS.has(name.toLowerCase()) || holdsKey(value) || holdsKey(name)) {
      return true;
    }
  }
  return false;
}

// Runs of the characters a key is made of: found in linear time, whatever the text.
const KEY_CHARACTERS = /[0-9A-Za-z_]+/g;

function holdsKey(text: string): boolean {
  for (const [run] of text.matchAll(KEY_CHARACTERS)) {
    // A key in the run ends where the run ends; it may start anywhere a prefix can (a lower-case
    // letter), since text glued before it (the `n` of an escaped `\n`) joins the run.
    const last = run.length - MIN_KEY_LENGTH;
    for (let start = Math.max(0, run.length - MAX_KEY_LENGTH); start <= last; start++) {
      const code = run.charCodeAt(start);
      if (code >= LOWER_A && code <= LOWER_Z && isWellFormed(run.slice(start))) return true;
    }
  }
  return false;
}

// A one-letter prefix, `_`, and the body.
const MIN_KEY_LENGTH = KEY_BODY_LENGTH + 2;
const LOWER_A = 97;
const LOWER_Z = 122;

// The fast path, for what clients send: `Bearer <key>` with one space, or a bare key, made of the
// characters a key can hold. It reads what the general path below would, without its regular
// expressions, which cost a microsecond per request in a busy server.
const BEARER = 'bearer';

function plainBearer(value: string): string | null {
  if (value.length <= BEARER.length + 1 || value.charCodeAt(BEARER.length) !== 32) return null;
  for (let i = 0; i < BEARER.length; i++) {
    // ASCII letters only: `| 0x20` lower-cases them, and makes no other character a letter.
    if ((value.charCodeAt(i) | 0x20) !== BEARER.charCodeAt(i)) return null;
  }
  return isPlainToken(value, BEARER.length + 1) ? value.slice(BEARER.length + 1) : null;
}

/** Whether `value` from `start` is a non-empty run of key characters (letters, digits, `_`). */
function isPlainToken(value: string, start: number): boolean {
  if (value.length <= start || value.length > MAX_KEY_HEADER_LENGTH) return false;
  for (let i = start; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const isKeyCharacter =
      (code >= 48 && code <= 57) || // 0-9
      (code >= 65 && code <= 90) || // A-Z
      (code >= 97 && code <= 122) || // a-z
      code === 95; // _
    if (!isKeyCharacter) return false;
  }
  return true;
}

/** `value` without the spaces and tabs around it, and nothing else: see `WHITESPACE`. */
function trimWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isWhitespace(value.charCodeAt(end - 1))) end--;
  return value.slice(start, end);
}

function isWhitespace(code: number): boolean {
  return code === SPACE || code === TAB;
}

function isSingleToken(token: string): boolean {
  return !NOT_ONE_TOKEN.test(token);
}

function malformed(message: string): KeyReading {
  return { ok: false, code: 'MALFORMED', message };
}

function tooLong(header: string): KeyReading {
  return malformed(`The \`${display(header)}\` header is too long to hold an API key.`);
}

function empty(header: string): KeyReading {
  return malformed(`The \`${display(header)}\` header is empty.`);
}

function twoKeys(hint: string): KeyReading {
  return malformed(`More than one API key was sent; send exactly one, as ${hint}.`);
}
