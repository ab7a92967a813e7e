import { createClient } from '@libsql/client';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from './json.js';
import { base, setup } from './test-support/fixtures.js';
import { INPUT_LIMITS } from './validation.js';

/** Rows in every Latchkey table, read from the file by a separate client. */
async function snapshot(url: string): Promise<unknown> {
  const client = createClient({ url });
  const tables = ['latchkey_keys', 'latchkey_audit_events'];
  const rows = await Promise.all(
    tables.map((t) => client.execute(`select * from ${t} order by id`)),
  );
  client.close();
  return rows.map((r) => r.rows);
}

function deeplyNested(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('bad input is rejected with a clear error and writes nothing', () => {
  const create = { ...base, name: 'ok' };
  const createCases: [string, unknown, string][] = [
    ['empty name', { ...create, name: '' }, 'name'],
    ['blank name', { ...create, name: '   ' }, 'name'],
    ['over-long name', { ...create, name: 'x'.repeat(INPUT_LIMITS.nameMaxLength + 1) }, 'name'],
    ['control character in name', { ...create, name: 'a\u0000b' }, 'name'],
    ['zero-width space in name', { ...create, name: 'prod\u200b' }, 'name'],
    ['line separator in name', { ...create, name: 'a\u2028b' }, 'name'],
    ['name of invisible characters only', { ...create, name: '\u200d\u00ad' }, 'name'],
    ['soft hyphen in name', { ...create, name: 'pro\u00add' }, 'name'],
    ['Hangul filler in name', { ...create, name: 'a\u3164b' }, 'name'],
    ['name of the blank braille pattern', { ...create, name: '\u2800\u2800' }, 'name'],
    ['name of the wrong type', { ...create, name: 42 }, 'name'],
    ['unknown permission', { ...create, permissions: ['invoices:delete'] }, 'permissions.0'],
    ['permissions not a list', { ...create, permissions: 'invoices:read' }, 'permissions'],
    ['expiry in the past', { ...create, expiresAt: Date.UTC(2025, 0, 1) }, 'expiresAt'],
    ['expiry now', { ...create, expiresAt: Date.UTC(2026, 0, 1) }, 'expiresAt'],
    ['expiry not a date', { ...create, expiresAt: Number.NaN }, 'expiresAt'],
    ['invalid Date', { ...create, expiresAt: new Date('nope') }, 'expiresAt'],
    ['metadata an array', { ...create, metadata: [1, 2] }, 'metadata'],
    ['metadata a string', { ...create, metadata: 'x' }, 'metadata'],
    ['metadata with a function', { ...create, metadata: { f: () => 1 } }, 'metadata'],
    [
      'metadata with undefined in a list',
      { ...create, metadata: { u: [1, undefined] } },
      'metadata',
    ],
    [
      'metadata with the longest list there is, made small by toJSON',
      { ...create, metadata: { u: Object.assign(new Array(2 ** 32 - 1), { toJSON: () => [] }) } },
      'metadata',
    ],
    [
      'metadata with a hole in a list',
      { ...create, metadata: { u: Object.assign(new Array(3), { 0: 1, 2: 3 }) } },
      'metadata',
    ],
    ['metadata with a Date', { ...create, metadata: { d: new Date() } }, 'metadata'],
    ['metadata with a bigint', { ...create, metadata: { b: 1n } }, 'metadata'],
    [
      'metadata with Infinity',
      { ...create, metadata: { n: Number.POSITIVE_INFINITY } },
      'metadata',
    ],
    ['metadata over 4 kB', { ...create, metadata: { s: 'x'.repeat(5000) } }, 'metadata'],
    ['metadata nested 100 000 deep', { ...create, metadata: deeplyNested(100_000) }, 'metadata'],
    // Under 4 kB, but deeper than any check by recursion survives: refused, never a RangeError.
    [
      'metadata nested 2000 deep in arrays',
      { ...create, metadata: JSON.parse(`{"a":${'['.repeat(2000)}${']'.repeat(2000)}}`) },
      'metadata',
    ],
    ['metadata nested 33 deep', { ...create, metadata: deeplyNested(32) }, 'metadata'],
    [
      'metadata with a __proto__ key',
      { ...create, metadata: JSON.parse('{"__proto__":{"x":1}}') },
      'metadata',
    ],
    ['metadata with a lone surrogate', { ...create, metadata: { s: 'a\ud800' } }, 'metadata'],
    ['name with a lone surrogate', { ...create, name: 'n\ud800' }, 'name'],
    ['name with a bidirectional override', { ...create, name: 'invoice\u202egpj.exe' }, 'name'],
    [
      'metadata whose JSON differs from it (toJSON)',
      {
        ...create,
        metadata: {
          inner: Object.defineProperty({}, 'toJSON', {
            value: () => JSON.parse('{"__proto__":{"x":1}}'),
          }),
        },
      },
      'metadata',
    ],
    ['consumer with a lone surrogate', { ...create, consumerId: 'c\udc00' }, 'consumerId'],
    ['empty consumer', { ...create, consumerId: '' }, 'consumerId'],
    ['missing owner', { name: 'ok', consumerId: 'team_1' }, 'ownerId'],
    ['misspelt field', { ...create, permisions: ['invoices:read'] }, ''],
    ['not an object', 'name=ok', ''],
  ];

  it.each(createCases)('create: %s', async (_, input, path) => {
    const { apiKeys, database } = setup();
    await apiKeys.create({ ...base, name: 'existing' });
    const before = await snapshot(database.url);
    const error = await apiKeys.create(input as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'LatchkeyError', code: 'INVALID_INPUT' });
    const issues = (error as { issues: { path: (string | number)[] }[] }).issues;
    expect(issues.map((i) => i.path.join('.'))).toContain(path);
    expect((error as Error).message).toMatch(/^Invalid input: /);
    expect((error as Error).message).not.toMatch(/Invalid input: .*Invalid input/);
    expect(await snapshot(database.url)).toEqual(before);
  });

  it('accepts what is good next to what is not: 32 levels, emoji, a reason over two lines', async () => {
    const { apiKeys } = setup();
    const metadata = {
      deep: deeplyNested(30),
      text: 'ünïcödé 🔑',
      list: [1, 'a', null, true],
    } as JsonObject;
    const { apiKey } = await apiKeys.create({ ...create, name: 'Ops 🔑', metadata });
    expect(apiKey).toMatchObject({ name: 'Ops 🔑', metadata });
    // An optional field left undefined is left out, as JSON leaves it out.
    const plan: { tier: string; seats?: number } = { tier: 'pro', seats: undefined };
    const withOptional = await apiKeys.create({ ...create, metadata: { plan: { ...plan } } });
    expect(withOptional.apiKey.metadata).toStrictEqual({ plan: { tier: 'pro' } });
    expect(await apiKeys.get(withOptional.apiKey.id)).toMatchObject({
      metadata: { plan: { tier: 'pro' } },
    });
    // Right-to-left text with the marks it holds (RLM), as pasted from a Hebrew interface.
    const hebrew = await apiKeys.create({ ...create, name: 'מפתח\u200f 2' });
    expect(hebrew.apiKey.name).toBe('מפתח\u200f 2');
    // An emoji joined by ZWJ, and Persian text written with ZWNJ.
    // An emoji joined by ZWJ, Persian written with ZWNJ, a flag of tag characters, a keycap.
    const scotland = '🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}';
    const joinedName = `CI 👩\u200d💻 کتاب\u200cها ${scotland} 1\ufe0f\u20e3`;
    const joined = await apiKeys.create({ ...create, name: joinedName });
    expect(joined.apiKey.name).toBe(joinedName);
    await apiKeys.revoke(apiKey.id, { reason: 'leaked\n\tin a gist\u2028(pasted)' });
    expect((await apiKeys.get(apiKey.id))?.revokedReason).toBe('leaked\n\tin a gist\u2028(pasted)');
  });

  it('update, revoke, roll, revokeMany, list and auditLog', async () => {
    const { apiKeys, database } = setup();
    const { apiKey } = await apiKeys.create({ ...base, name: 'existing' });
    const id = apiKey.id;
    const before = await snapshot(database.url);
    const attempts: [string, () => Promise<unknown>][] = [
      ['update: empty name', () => apiKeys.update(id, { name: '' })],
      ['update: unknown permission', () => apiKeys.update(id, { permissions: ['x' as never] })],
      ['update: expiry in the past', () => apiKeys.update(id, { expiresAt: 1 })],
      ['update: bad metadata', () => apiKeys.update(id, { metadata: [] as never })],
      ['update: enabled not boolean', () => apiKeys.update(id, { enabled: 'no' as never })],
      ['update: nothing', () => apiKeys.update(id, {})],
      ['update: id not a string', () => apiKeys.update(42 as never, { name: 'b' })],
      ['revoke: reason too long', () => apiKeys.revoke(id, { reason: 'x'.repeat(501) })],
      ['revoke: unknown field', () => apiKeys.revoke(id, { why: 'x' } as never)],
      ['roll: negative grace', () => apiKeys.roll(id, { gracePeriodMs: -1 })],
      ['roll: grace over 30 days', () => apiKeys.roll(id, { gracePeriodMs: 31 * 86_400_000 })],
      ['roll: fractional grace', () => apiKeys.roll(id, { gracePeriodMs: 1.5 })],
      ['revokeMany: no filter', () => apiKeys.revokeMany({})],
      ['revokeMany: empty consumer', () => apiKeys.revokeMany({ consumerId: '' })],
      ['list: page too big', () => apiKeys.list({ consumerId: 'team_1', limit: 1000 })],
      ['list: page zero', () => apiKeys.list({ consumerId: 'team_1', limit: 0 })],
      ['auditLog: no consumer', () => apiKeys.auditLog({} as never)],
    ];
    for (const [label, attempt] of attempts) {
      await expect(attempt(), label).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
    expect(await snapshot(database.url)).toEqual(before);
  });

  it('collisions: a create retries with a fresh secret, then gives up without writing', async () => {
    let replay: Uint8Array[] = [];
    let recording: Uint8Array[] | undefined = [];
    const random = (bytes: Uint8Array) => {
      const next = replay.shift();
      if (next !== undefined && next.length === bytes.length) bytes.set(next);
      else crypto.getRandomValues(bytes);
      recording?.push(bytes.slice());
    };
    const { apiKeys, database } = setup({ random });
    const first = await apiKeys.create({ ...base, name: 'first' });
    const firstDraws = recording ?? [];
    recording = undefined;

    replay = [...firstDraws]; // the next create draws exactly the same secret and ids first
    const second = await apiKeys.create({ ...base, name: 'second' });
    expect(second.key).not.toBe(first.key);
    expect((await apiKeys.verify(first.key)).valid).toBe(true);
    expect((await apiKeys.verify(second.key)).valid).toBe(true);

    const before = await snapshot(database.url);
    replay = [...firstDraws, ...firstDraws, ...firstDraws];
    await expect(apiKeys.create({ ...base, name: 'third' })).rejects.toMatchObject({
      code: 'KEY_GENERATION_FAILED',
    });
    expect(await snapshot(database.url)).toEqual(before);
  });
});
