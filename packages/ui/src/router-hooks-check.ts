// What the UI calls on the router, each a hook that `@trpc/react-query` adds to a procedure.
const HOOKS = [
  ['config', 'useQuery'],
  ['list', 'useInfiniteQuery'],
  ['create', 'useMutation'],
  ['update', 'useMutation'],
  ['revoke', 'useMutation'],
  ['roll', 'useMutation'],
  ['usage', 'useQuery'],
] as const;

const NEEDS =
  "createApiKeyUI needs your tRPC React client's API-key router, e.g. `createApiKeyUI(trpc.apiKeys)` " +
  "with `trpc = createTRPCReact<AppRouter>()`, called in a module that starts with `'use client'` " +
  '(a Server Component cannot use hooks: render <ApiKeyManager/> from a client component).';

type Decorated = Record<string, Record<string, unknown> | undefined> | null | undefined;

/** The first hook the argument lacks, as `procedure.hook`; `undefined` when it has them all. */
function missingHook(router: unknown): string | undefined {
  for (const [procedure, hook] of HOOKS) {
    if (typeof (router as Decorated)?.[procedure]?.[hook] !== 'function') {
      return `${procedure}.${hook}`;
    }
  }
  return undefined;
}

/**
 * Throws a clear error for an argument that is not the router's hooks: `undefined` (what a
 * Server Component sees of a client module's `trpc.apiKeys`), or an object without them. A tRPC
 * proxy has every property, so a router of another shape is left to the types.
 * @internal
 */
export function assertRouterHooks(router: unknown): void {
  let missing: string | undefined;
  try {
    missing = missingHook(router);
  } catch (error) {
    // e.g. a Server Component's reference to a client module, which refuses to be read
    throw new Error(`${NEEDS} Reading the argument failed.`, { cause: error });
  }
  if (missing !== undefined) {
    const given =
      router === undefined || router === null
        ? String(router)
        : `${typeof router === 'object' ? 'an object' : `a ${typeof router}`} without \`${missing}\``;
    throw new Error(`${NEEDS} It was given ${given}.`);
  }
}
