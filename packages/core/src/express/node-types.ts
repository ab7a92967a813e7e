/**
 * The parts of Node's `IncomingMessage` / `ServerResponse` (and so of Express's `req` / `res`)
 * the middleware touches, typed structurally: this module imports neither `node:http` nor
 * `express`, so it works with both and with anything shaped like them.
 */
export interface NodeRequestLike {
  headers: Record<string, string | string[] | undefined>;
  /** Node ≥ 18.3: every header as sent, repeated ones too (Node keeps only the first `authorization` in `headers`). */
  headersDistinct?: Record<string, string[] | undefined>;
  url?: string;
  /** Express: the URL before any router stripped its mount path. */
  originalUrl?: string;
}

export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

export type NextFunction = (error?: unknown) => void;

/** Express middleware, also callable from a plain `node:http` handler. */
export type KeyMiddleware = (
  req: NodeRequestLike,
  res: NodeResponseLike,
  next: NextFunction,
) => void | Promise<void>;
