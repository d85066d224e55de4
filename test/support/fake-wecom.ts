// A fake WeCom API on 127.0.0.1 for tests: gettoken, agent/get, message/send (duplicate check, response codes), card
// updates, userid lookups, faults (an untrusted IP among them).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * '45009' rate limited, '-1' system busy, 'token-expired' expires the token used (42001), 'hang' never answers,
 * '5xx' gateway error with an HTML body, '60020' this caller's IP is not among the app's trusted IPs.
 */
export type WecomFaultMode = '45009' | '-1' | 'token-expired' | 'hang' | '5xx' | '60020';

/** The egress IP the fake says it saw, in its 60020 answers. */
export const UNTRUSTED_FROM_IP = '203.0.113.7';

export interface FakeWecomOptions {
  corpId?: string;
  secret?: string;
  agentId?: number;
  /** mobile or email -> userid (message/send treats userids starting with "unknown" as non-members) */
  directory?: Record<string, string>;
  /** seconds a token lives (WeCom: 7200) */
  tokenTtl?: number;
  /** as WeCom does, a member's messages past this many a minute are answered ok and never delivered (`dropped`) */
  memberPerMinute?: number;
}

export interface SentWecomMessage {
  msgid: string;
  touser: string;
  msgtype: string;
  agentid: number;
  template_card?: Record<string, unknown>;
  text?: { content: string };
  task_id?: string;
  response_code?: string;
  enable_duplicate_check?: number;
  duplicate_check_interval?: number;
  at: number;
}
export interface WecomCall {
  method: string;
  path: string;
  status: number;
  errcode?: number;
  at: number;
}

export interface FakeWecom {
  url: string;
  tokenRequests: { corpid: string; at: number }[];
  messages: SentWecomMessage[];
  /** messages answered ok but not delivered: past `memberPerMinute` */
  dropped: SentWecomMessage[];
  cardUpdates: { userids: string[]; agentid: number; response_code: string; template_card: unknown }[];
  lookups: { by: 'mobile' | 'email'; value: string; email_type?: number }[];
  /** every request, answered or not (status 0 = left hanging); paths only: the query holds the token */
  calls: WecomCall[];
  directory: Map<string, string>;
  tokenTtl: number;
  /** The next n requests to `on` (API calls by default, or gettoken) fail with `mode`. */
  failNext(n: number, mode: WecomFaultMode, on?: 'api' | 'token'): void;
  /** A fresh response code, as WeCom puts in a template_card_event: valid for one update. */
  mintResponseCode(): string;
  reset(): void;
  close(): Promise<void>;
}

/** Interactive card types, the only ones message/send answers with a response_code. */
const INTERACTIVE = new Set(['button_interaction', 'vote_interaction', 'multiple_interaction']);
/**
 * A spent or unknown response_code. WeCom's real errcode for this is not documented where we looked: 40058
 * ("invalid parameter", which WeCom uses for bad field values) is our plausible stand-in.
 */
export const RESPONSE_CODE_USED = 40058;

export async function startFakeWecom(opts: FakeWecomOptions = {}): Promise<FakeWecom> {
  const corpId = opts.corpId ?? 'ww1436e0e65a779aee';
  const secret = opts.secret ?? 'fake-wecom-secret';
  const agentId = opts.agentId ?? 1000002;
  const tokens = new Map<string, number>(); // token -> expires at (ms)
  const dedupe = new Map<string, { msg: SentWecomMessage; until: number }>(); // duplicate-check key -> first send
  const taskIds = new Set<string>();
  const responseCodes = new Map<string, boolean>(); // code -> already used
  const faults: { api: WecomFaultMode[]; token: WecomFaultMode[] } = { api: [], token: [] };
  let seq = 0;
  const deliveredTo = new Map<string, number[]>(); // member -> when their delivered messages arrived, in the last minute

  const fake: FakeWecom = {
    url: '',
    tokenRequests: [],
    messages: [],
    dropped: [],
    cardUpdates: [],
    lookups: [],
    calls: [],
    directory: new Map(Object.entries(opts.directory ?? {})),
    tokenTtl: opts.tokenTtl ?? 7200,
    failNext(n, mode, on = 'api') {
      for (let i = 0; i < n; i++) faults[on].push(mode);
    },
    mintResponseCode() {
      const code = `fake-rc-event-${++seq}`;
      responseCodes.set(code, false);
      return code;
    },
    reset() {
      deliveredTo.clear();
      for (const list of [fake.tokenRequests, fake.messages, fake.dropped, fake.cardUpdates, fake.lookups, fake.calls])
        list.length = 0;
      faults.api.length = faults.token.length = 0;
      dedupe.clear();
      taskIds.clear();
      responseCodes.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // 'hang' requests never end on their own
      }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://fake');
    const call: WecomCall = { method: req.method ?? '', path: u.pathname, status: 0, at: performance.now() };
    fake.calls.push(call);
    // WeCom answers errors as HTTP 200 with a non-zero errcode
    const answer = (body: Record<string, unknown> | string, status = 200) => {
      call.status = status;
      if (typeof body === 'object' && typeof body.errcode === 'number') call.errcode = body.errcode;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res
        .writeHead(status, {
          'content-type': typeof body === 'string' ? 'text/html' : 'application/json; charset=UTF-8',
        })
        .end(text);
    };
    const err = (errcode: number, errmsg: string) => answer({ errcode, errmsg: `${errmsg}, hint: [fake-${++seq}]` });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, any>;
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch {
      return err(47001, 'data format error');
    }

    const isToken = u.pathname === '/cgi-bin/gettoken';
    const fault = faults[isToken ? 'token' : 'api'].shift();
    if (fault === 'hang') return; // the socket stays open until the client gives up or close()
    if (fault === '5xx') return answer('<html><body>502 Bad Gateway</body></html>', 502);
    if (fault === '45009') return err(45009, 'api freq out of limit');
    if (fault === '-1') return err(-1, 'system busy');
    if (fault === '60020')
      return err(
        60020,
        `not allow to access from your ip, from ip: ${UNTRUSTED_FROM_IP}, more info at https://open.work.weixin.qq.com/devtool/query?e=60020`,
      );

    if (isToken) {
      const corpid = u.searchParams.get('corpid') ?? '';
      fake.tokenRequests.push({ corpid, at: performance.now() });
      if (corpid !== corpId) return err(40013, 'invalid corpid');
      if (u.searchParams.get('corpsecret') !== secret) return err(40001, 'invalid secret');
      const token = `fake-wecom-token-${++seq}-${Math.random().toString(36).slice(2)}`;
      tokens.set(token, Date.now() + fake.tokenTtl * 1000);
      return answer({ errcode: 0, errmsg: 'ok', access_token: token, expires_in: fake.tokenTtl });
    }

    const token = u.searchParams.get('access_token');
    if (!token) return err(41001, 'access_token missing');
    if (fault === 'token-expired') tokens.set(token, 0);
    const expires = tokens.get(token);
    if (expires === undefined) return err(40014, 'invalid access_token');
    if (expires <= Date.now()) return err(42001, 'access_token expired');

    if (req.method === 'GET' && u.pathname === '/cgi-bin/agent/get') {
      if (u.searchParams.get('agentid') !== String(agentId)) return err(40056, 'invalid agentid');
      return answer({ errcode: 0, errmsg: 'ok', agentid: agentId, name: '离校', allow_userinfos: { user: [] } });
    }
    if (req.method === 'POST' && u.pathname === '/cgi-bin/message/send') {
      if (body.agentid !== agentId) return err(40056, 'invalid agentid');
      const touser = String(body.touser ?? '');
      if (!touser) return err(40031, 'invalid user list');
      const card =
        body.msgtype === 'template_card' ? (body.template_card as Record<string, unknown> | undefined) : undefined;
      if (body.msgtype === 'template_card' && !card) return err(41059, 'template_card missing');
      if (body.msgtype === 'text' && typeof body.text?.content !== 'string') return err(41009, 'text content missing');
      if (body.msgtype !== 'template_card' && body.msgtype !== 'text') return err(40008, 'invalid message type');
      const taskId = typeof card?.task_id === 'string' ? card.task_id : undefined;
      // the duplicate check: cards by task_id, other messages (text, cards without a task_id) by identical content to the same users
      const key = taskId !== undefined ? `task:${taskId}` : `content:${touser}:${JSON.stringify(body.text ?? card)}`;
      const seen = dedupe.get(key);
      if (body.enable_duplicate_check === 1 && seen && seen.until > Date.now()) {
        return answer({
          errcode: 0,
          errmsg: 'ok',
          invaliduser: '',
          msgid: seen.msg.msgid,
          ...(seen.msg.response_code ? { response_code: seen.msg.response_code } : {}),
        });
      }
      if (taskId !== undefined && taskIds.has(taskId)) return err(42014, 'task_id exist');
      const unknown = touser.split('|').filter((t) => t.startsWith('unknown'));
      if (unknown.length === touser.split('|').length) return err(81013, 'user & party & tag all invalid');
      const msg: SentWecomMessage = {
        msgid: `fake-msgid-${++seq}`,
        touser,
        msgtype: body.msgtype,
        agentid: body.agentid,
        at: performance.now(),
      };
      if (card) msg.template_card = card;
      if (body.enable_duplicate_check !== undefined) msg.enable_duplicate_check = body.enable_duplicate_check;
      if (body.duplicate_check_interval !== undefined) msg.duplicate_check_interval = body.duplicate_check_interval;
      if (body.text) msg.text = body.text;
      if (taskId !== undefined) {
        msg.task_id = taskId;
        taskIds.add(taskId);
      }
      if (INTERACTIVE.has(String(card?.card_type))) responseCodes.set((msg.response_code = `fake-rc-${++seq}`), false);
      const times = (deliveredTo.get(touser) ?? []).filter((t) => t > msg.at - 60_000);
      deliveredTo.set(touser, times);
      if (opts.memberPerMinute !== undefined && times.length >= opts.memberPerMinute) fake.dropped.push(msg);
      else {
        fake.messages.push(msg);
        times.push(msg.at);
      }
      if (body.enable_duplicate_check === 1)
        dedupe.set(key, { msg, until: Date.now() + Number(body.duplicate_check_interval ?? 1800) * 1000 });
      return answer({
        errcode: 0,
        errmsg: 'ok',
        invaliduser: unknown.join('|'),
        msgid: msg.msgid,
        ...(msg.response_code ? { response_code: msg.response_code } : {}),
      });
    }
    if (req.method === 'POST' && u.pathname === '/cgi-bin/message/update_template_card') {
      if (body.agentid !== agentId) return err(40056, 'invalid agentid');
      const code = String(body.response_code ?? '');
      if (responseCodes.get(code) !== false)
        return err(RESPONSE_CODE_USED, 'invalid response_code: unknown or already used');
      responseCodes.set(code, true);
      fake.cardUpdates.push({
        userids: body.userids,
        agentid: body.agentid,
        response_code: code,
        template_card: body.template_card,
      });
      return answer({ errcode: 0, errmsg: 'ok', invaliduser: [] });
    }
    if (req.method === 'POST' && u.pathname === '/cgi-bin/user/getuserid') {
      fake.lookups.push({ by: 'mobile', value: String(body.mobile) });
      const userid = fake.directory.get(String(body.mobile));
      return userid ? answer({ errcode: 0, errmsg: 'ok', userid }) : err(46004, 'user no exist');
    }
    if (req.method === 'POST' && u.pathname === '/cgi-bin/user/get_userid_by_email') {
      fake.lookups.push({ by: 'email', value: String(body.email), email_type: body.email_type });
      if (body.email_type !== 1 && body.email_type !== 2) return err(40058, 'invalid email_type');
      const userid = fake.directory.get(String(body.email));
      return userid ? answer({ errcode: 0, errmsg: 'ok', userid }) : err(46004, 'user no exist');
    }
    return answer({ errcode: 404, errmsg: `fake wecom: no route ${req.method} ${u.pathname}` }, 404);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
