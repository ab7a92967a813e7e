export {
  createExpressHelpers,
  type ExpressHelpers,
  type ExpressHelpersOptions,
  type ExpressKeyVerifier,
  type RequireKeyOptions,
} from './create-express-helpers.js';
export type {
  KeyMiddleware,
  NextFunction,
  NodeRequestLike,
  NodeResponseLike,
} from './node-types.js';
