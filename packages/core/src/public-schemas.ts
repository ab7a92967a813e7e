// `@latchkey/core/schemas`: the zod schemas of Latchkey's inputs, for a host's own forms and router
// inputs. An entry of its own, so that importing `@latchkey/core` does not load zod.
export {
  externalIdSchema,
  gracePeriodSchema,
  metadataSchema,
  nameSchema,
  reasonSchema,
  timestampSchema,
} from './schemas.js';
