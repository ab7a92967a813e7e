import { z } from 'zod';
import { createInvoice, listInvoices } from './invoices';
import { apiKeyRouter, keyProcedure, publicProcedure, requirePermissions, router } from './trpc';

export const appRouter = router({
  /** Key management for the signed-in user's team: what `<ApiKeyManager/>` talks to. */
  apiKeys: apiKeyRouter,

  /** Who is signed in (for the pages). */
  session: publicProcedure.query(({ ctx }) => ctx.user),

  /** Machine-callable: a key of the team, and the permissions each procedure requires. */
  invoices: router({
    list: keyProcedure.use(requirePermissions('invoices:read')).query(({ ctx }) => ({
      consumerId: ctx.consumerId,
      invoices: listInvoices(ctx.consumerId),
    })),
    create: keyProcedure
      .use(requirePermissions('invoices:write'))
      .input(
        z.object({
          customer: z.string().trim().min(1).max(100),
          amountCents: z.number().int().positive().max(100_000_000),
        }),
      )
      .mutation(({ ctx, input }) => createInvoice(ctx.consumerId, input)),
  }),

  /** Machine-callable with any valid key: who the key acts for. */
  whoami: keyProcedure.query(({ ctx }) => ({
    consumerId: ctx.consumerId,
    keyId: ctx.apiKey.id,
    permissions: ctx.apiKey.permissions,
  })),
});

export type AppRouter = typeof appRouter;
