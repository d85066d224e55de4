// CPU spent during a measured run: this process (service and load thread) and, where /proc shows them, PostgreSQL's processes.
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuMark {
  processUs: number;
  /** clock ticks of every process named postgres on this machine, or null where /proc cannot tell */
  pgTicks: number | null;
}

export interface CpuUse {
  processMs: number;
  pgMs: number | null;
}

// USER_HZ: 100 on every Linux build Node supports (sysconf is not reachable from Node).
const TICK_MS = 10;

function postgresTicks(): number | null {
  let total = 0;
  let found = false;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const close = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
    const fields = stat.slice(close + 2).split(' ');
    // utime, stime, cutime, cstime: the 14th to 17th fields of the line, 12th to 15th after the command name. The
    // children's times are those of exited children, so backends and autovacuum workers that end during a run count
    // (in the postmaster's figures).
    total += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    found = true;
  }
  return found ? total : null;
}

export function cpuMark(): CpuMark {
  const u = process.cpuUsage();
  return { processUs: u.user + u.system, pgTicks: postgresTicks() };
}

/** PostgreSQL's share counts only when the server runs on this machine (its backends show in /proc). */
export function cpuSince(mark: CpuMark): CpuUse {
  const now = cpuMark();
  const pg = mark.pgTicks !== null && now.pgTicks !== null ? (now.pgTicks - mark.pgTicks) * TICK_MS : null;
  return { processMs: (now.processUs - mark.processUs) / 1000, pgMs: pg };
}
