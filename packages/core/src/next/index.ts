export {
  createNextHelpers,
  type NextHelpers,
  type NextHelpersOptions,
} from './create-next-helpers.js';
export type { HandoffOptions } from './handoff.js';
export type {
  CreateKeyProxy,
  KeyProxy,
  KeyProxyOptions,
  NextContinue,
} from './key-proxy.js';
export {
  createRouteMatcher,
  type RouteMatcher,
  type RouteMatcherParam,
  type RoutePattern,
} from './route-matcher.js';
export type { KeyRouteHandler, RouteHandler, WithApiKey } from './with-api-key.js';
