// One cold import of better-auth and its API-key plugin, in a fresh process, for comparison with
// Latchkey's cold start. Prints the time in ms as JSON.
const started = performance.now();
await Promise.all([import('better-auth'), import('@better-auth/api-key')]);
process.stdout.write(JSON.stringify({ importMs: performance.now() - started }));
