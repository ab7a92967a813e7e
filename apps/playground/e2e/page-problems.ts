import type { BrowserContext } from 'playwright-core';

/**
 * Everything in a browser context that a user's console would show as wrong: errors and warnings
 * logged, uncaught exceptions, requests that failed and responses of 400 or more (a missing
 * favicon included). Listening starts at once, so call it before the first page opens. A request
 * the browser itself called off (`net::ERR_ABORTED`: a navigation superseded the prefetch or the
 * submission in flight) is not a failure, and the console does not show it either.
 */
export function watchForProblems(context: BrowserContext): { problems: string[] } {
  const problems: string[] = [];
  context.on('console', (message) => {
    const type = message.type();
    if (type === 'error' || type === 'warning') {
      problems.push(`console ${type} on ${message.page()?.url()}: ${message.text()}`);
    }
  });
  context.on('weberror', (error) => problems.push(`uncaught: ${error.error().message}`));
  context.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText;
    if (reason !== 'net::ERR_ABORTED') {
      problems.push(`failed: ${request.method()} ${request.url()} (${reason})`);
    }
  });
  context.on('response', (response) => {
    if (response.status() >= 400) {
      problems.push(`${response.status()}: ${response.request().method()} ${response.url()}`);
    }
  });
  return { problems };
}
