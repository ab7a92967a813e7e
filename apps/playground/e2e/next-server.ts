import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const appDir = fileURLToPath(new URL('..', import.meta.url));

export interface RunningApp {
  url: string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/**
 * The arguments of each way to run the app: `next start` of the production build on 127.0.0.1,
 * or `next dev` exactly as `pnpm dev` starts it (no `--hostname`: on every interface, where Next
 * allows only `localhost` to load its dev resources unless `allowedDevOrigins` says otherwise).
 */
function nextArgs(mode: 'start' | 'dev', port: number): string[] {
  return mode === 'start'
    ? ['start', '--hostname', '127.0.0.1', '--port', String(port)]
    : ['dev', '--port', String(port)];
}

/**
 * The playground on a fresh database in a temp folder, so the test sees exactly what a new user
 * sees: `next start` of the production build by default, or `next dev`. Its URL is always
 * `http://127.0.0.1:<port>`.
 */
export async function startApp(mode: 'start' | 'dev' = 'start'): Promise<RunningApp> {
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), 'latchkey-playground-'));
  const child: ChildProcess = spawn(join(appDir, 'node_modules/.bin/next'), nextArgs(mode, port), {
    cwd: appDir,
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      LATCHKEY_DATABASE_URL: pathToFileURL(join(data, 'e2e.db')).href,
      PLAYGROUND_SECRET: `e2e-${port}-${Date.now()}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next ${mode} exited:\n${output}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`next ${mode} did not answer in 60 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200)); // polling a child process, not a timed test
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
}
