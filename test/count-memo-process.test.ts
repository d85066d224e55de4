// One pending-count memo per process: every path that builds handler dependencies shares it; a test may bring its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerDeps } from '../bot/server.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { CountMemo } from '../src/reports/count-memo.ts';
import type { AssignmentScope } from '../src/decisions/authorize.ts';
import { freshDb, type TestDb } from './support/db.ts';

const library: AssignmentScope[] = [{ role: 'handler', stepKey: 'library', collegeId: null, campus: null }];
const log = createLogger('silent');
let db: TestDb;
beforeAll(async () => {
  db = await freshDb(2);
});
afterAll(() => db.close());

describe('handlerDeps and the pending-count memo', () => {
  it('gives every caller in the process the same memo, so a count remembered by one is seen by the others', async () => {
    const config = loadConfig({});
    const server = handlerDeps({ orm: db.orm, wf: db.wf, config, log });
    const cli = handlerDeps({ orm: db.orm, wf: db.wf, config, log }, true);
    expect(server.counts).toBeInstanceOf(CountMemo);
    expect(cli.counts).toBe(server.counts);
    await server.counts.get(library, () => Promise.resolve(7));
    expect(await cli.counts.get(library, () => Promise.resolve(99))).toBe(7);
  });

  it('uses the memo a caller passes instead, kept apart from the process one', async () => {
    const own = new CountMemo();
    const deps = handlerDeps({ orm: db.orm, wf: db.wf, config: loadConfig({}), log, counts: own });
    expect(deps.counts).toBe(own);
    expect(await deps.counts.get(library, () => Promise.resolve(3))).toBe(3);
  });
});
