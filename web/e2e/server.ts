// Starts the real binary: a fresh SQLite database in a temp dir, an ADMIN
// made with `marketlab admin create`, `serve --demo` on a free port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN = { username: 'admin', password: 'admin password 1' };

function binary(): string {
  const bin = process.env.MARKETLAB_BIN;
  if (!bin) throw new Error('MARKETLAB_BIN must name the marketlab binary to test');
  return bin;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export class Server {
  private child: ChildProcess | null = null;
  readonly url: string;
  readonly databaseUrl: string;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private command: string[],
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.databaseUrl = `sqlite://${join(dir, 'marketlab.db')}?mode=rwc`;
  }

  /** A fresh database with an ADMIN, then `serve --demo` with bots 10 times faster. */
  static async fresh(): Promise<Server> {
    return Server.create(['serve', '--demo', '--bot-speedup', '10']);
  }

  /** A fresh database with an ADMIN, then `scenario run FILE --live`. */
  static async scenario(file: string): Promise<Server> {
    return Server.create(['scenario', 'run', file, '--live']);
  }

  private static async create(command: string[]): Promise<Server> {
    const server = new Server(mkdtempSync(join(tmpdir(), 'marketlab-e2e-')), await freePort(), command);
    const made = spawnSync(binary(), ['admin', 'create', '--username', ADMIN.username, '--password', ADMIN.password, '--database-url', server.databaseUrl], {
      encoding: 'utf8',
    });
    if (made.status !== 0) throw new Error(`admin create failed: ${made.stderr}`);
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    const log = openSync(join(this.dir, 'serve.log'), 'a');
    this.child = spawn(
      binary(),
      [...this.command, '--bind', `127.0.0.1:${this.port}`, '--database-url', this.databaseUrl, '--rate-limit', '1000', '--rate-burst', '3000'],
      { stdio: ['ignore', log, log], env: { ...process.env, RUST_LOG: 'warn' } },
    );
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`marketlab exited with ${this.child.exitCode}; see ${this.dir}/serve.log`);
      try {
        const r = await fetch(`${this.url}/health`);
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`marketlab did not become healthy within 90 s; see ${this.dir}/serve.log`);
  }

  /** SIGKILL, as a crash. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }

  /** A GraphQL call, for setup the test is not about. */
  async gql<T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
    const r = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await r.json()) as { data: T; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(body.errors[0].message);
    return body.data;
  }
}
