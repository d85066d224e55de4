// Scenario E: signed, encrypted WeCom template_card_event taps (通过) through POST /wecom/callback, answered by a passive reply.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, handlerDeps } from '../bot/server.ts';
import { createWecom } from '../bot/wecom/index.ts';
import { wecomDecrypt } from '../bot/wecom/crypto.ts';
import { field, parseWecomXml } from '../bot/wecom/xml.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { startFakeWecom } from '../test/support/fake-wecom.ts';
import { wecomPost, wecomTap, type WecomApp } from '../test/support/wecom-sign.ts';
import type { BenchDb } from './bench-db.ts';
import type { ScenarioResult } from './result.ts';
import { finishTapRun, runHttpTaps, type Load } from './taps.ts';
import type { Tap } from './workload.ts';

const APP: WecomApp = {
  corpId: 'ww1436e0e65a779aee',
  token: 'QDG6eK',
  aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
};

export async function wecomTaps(
  db: BenchDb,
  stepKey: string,
  tapper: string,
  taps: readonly Tap[],
  opts: Load & { label: string },
): Promise<ScenarioResult> {
  const load = opts.rate ? `open model, ${opts.rate} taps/s` : `closed loop, concurrency ${opts.concurrency}`;
  console.log(
    `\n== ${opts.label}: template_card_event via POST /wecom/callback (encrypted, signed), step ${stepKey} as ${tapper}, ${load}`,
  );
  const fake = await startFakeWecom();
  const config = loadConfig({
    DATABASE_URL: db.url,
    WECOM_CORP_ID: APP.corpId,
    WECOM_AGENT_ID: '1000002',
    WECOM_SECRET: 'fake-wecom-secret',
    WECOM_TOKEN: APP.token,
    WECOM_ENCODING_AES_KEY: APP.aesKey,
    WECOM_BASE_URL: fake.url,
    LOG_LEVEL: 'silent',
  });
  const log = createLogger('silent');
  const wecom = createWecom(config.wecom!, handlerDeps({ orm: db.orm, wf: db.wf, config, log }), log);
  const server: Server = createServer({ orm: db.orm, wf: db.wf, config, log, wecom }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wecom/callback`;
  const refs = new Map(
    (
      await db.sql<{ student_no: string; id: number; version: number }>(
        `select s.student_no, c.id, c.version from clearance c join student s on s.id = c.student_id where c.step_key = $1`,
        [stepKey],
      )
    ).map((r) => [r.student_no, r]),
  );
  // Requests are encrypted and signed before the clock starts; each has its own CreateTime, as separate taps do.
  let createTime = Math.floor(Date.now() / 1000) * 1000;
  const requests = taps.map((t) => {
    const ref = refs.get(t.studentNo)!;
    const p = wecomPost(
      APP,
      wecomTap(
        tapper,
        JSON.stringify({ a: 'pass', c: ref.id, v: ref.version }),
        `task_bench_${ref.id}`,
        [],
        'rc',
        createTime++,
      ),
    );
    return { url: `${base}?${p.query}`, headers: { 'content-type': 'text/xml' }, body: Buffer.from(p.body) };
  });
  let next = 0; // the workload's requests are taken in order, one per tap
  try {
    const run = await runHttpTaps(
      taps,
      opts,
      0,
      () => requests[next++]!,
      (res) => {
        if (res.status !== 200 || !res.text) throw new Error(`HTTP ${res.status}: ${res.text.slice(0, 200)}`);
        const reply = parseWecomXml(wecomDecrypt(APP.aesKey, field(parseWecomXml(res.text), 'Encrypt')!, APP.corpId));
        const name = String((reply.Button as { ReplaceName?: string } | undefined)?.ReplaceName ?? '');
        if (name === '已通过') return { outcome: 'applied' };
        if (name.startsWith('已由 ')) return { outcome: 'already_decided' };
        throw new Error(`unexpected reply: ${name}`);
      },
    );
    return finishTapRun(db, stepKey, opts.label, 'taps', run, taps);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await fake.close();
  }
}
