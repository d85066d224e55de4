// A fake Feishu OpenAPI on 127.0.0.1 for tests: tokens, messages (uuid dedupe), patches, card updates, id lookups, faults;
// and what a deployment check asks: bot info, the app's scopes, the long connection's endpoint.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/**
 * '429' rate limit, '5xx' gateway error (HTML body), 'hang' never answers, 'token-invalid' revokes the token used,
 * '400' bad request, or any answer spelled out (e.g. a 200 carrying a non-zero code).
 */
export type FaultMode =
  | '429'
  | '5xx'
  | 'hang'
  | 'token-invalid'
  | '400'
  | { status: number; code: number; msg?: string; headers?: Record<string, string> };

export interface FakeFeishuOptions {
  appId?: string;
  appSecret?: string;
  /** email or mobile -> open_id, for batch_get_id */
  directory?: Record<string, string>;
  /** seconds a token lives (Feishu: 7200) */
  tokenTtl?: number;
  /** seconds sent in `x-ogw-ratelimit-reset` on a 429 */
  rateLimitReset?: number;
  /** enforce the app's quota as Feishu does: API calls past it are answered 429 / 99991400 (and counted) */
  quota?: { perSecond: number; perMinute: number };
}

/** The scopes lixiao asks for, all granted (1; 2 = requested, not granted), as application/v6/scopes lists them. */
export const GRANTED_SCOPES: Record<string, 1 | 2> = {
  'im:message:send_as_bot': 1,
  'im:message.p2p_msg:readonly': 1,
  'im:message': 1,
  'contact:user.id:readonly': 1,
};

export interface SentMessage {
  message_id: string;
  receive_id: string;
  receive_id_type: string;
  msg_type: string;
  content: unknown;
  uuid?: string;
  at: number;
}
export interface Call {
  method: string;
  path: string;
  status: number;
  code?: number;
  at: number;
}

/** The approval center (三方审批) as the fake holds it. */
export interface FakeApproval {
  /** real approval_code -> the definition as last sent (with the custom code it was created under) */
  definitions: Map<string, { customCode: string; body: Record<string, any> }>;
  /** instance_id -> the instance as last synced (REPLACE: exactly the last payload) */
  instances: Map<string, Record<string, any>>;
  syncs: Record<string, any>[];
  checks: Record<string, any>[];
  /** drops a task from an instance, as if Feishu had lost it */
  loseTask(instanceId: string, taskId: string): void;
}

export interface FakeFeishu {
  url: string;
  tokenRequests: { app_id: string; at: number }[];
  messages: SentMessage[];
  patches: { message_id: string; content: unknown; at: number }[];
  /** awaited before a patch is answered (what happens while Feishu holds the call) */
  beforePatch?: (messageId: string) => Promise<void>;
  cardUpdates: { token: string; card: unknown }[];
  idLookups: { user_id_type: string; emails: string[]; mobiles: string[] }[];
  /** every request, answered or not (status 0 = left hanging) */
  calls: Call[];
  approval: FakeApproval;
  directory: Map<string, string>;
  tokenTtl: number;
  rateLimitReset: number;
  /** API calls answered 429 because they were over `quota` */
  overQuota: number;
  /** when each API call within the quota was accepted (performance.now()), oldest first */
  accepted: number[];
  /** application/v6/scopes: scope -> grant status (1 granted, 2 not granted); absent = never requested */
  scopes: Map<string, 1 | 2>;
  /** bot/v3/info answers code 0 only while the app's bot capability is on */
  botEnabled: boolean;
  /** callback/ws/endpoint: the long connection's address (default: this fake's own port) or a refusal code */
  wsEndpoint: { code: number; url?: string };
  /** The next n requests to `on` (API calls by default, or the token endpoint) fail with `mode`. */
  failNext(n: number, mode: FaultMode, on?: 'api' | 'token'): void;
  revokeTokens(): void;
  reset(): void;
  close(): Promise<void>;
}

const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

export async function startFakeFeishu(opts: FakeFeishuOptions = {}): Promise<FakeFeishu> {
  const appId = opts.appId ?? 'cli_a1b2c3d4e5f60718';
  const appSecret = opts.appSecret ?? 'fake-secret';
  const tokens = new Map<string, number>(); // token -> expires at (ms)
  const byUuid = new Map<string, SentMessage>();
  const faults: { api: FaultMode[]; token: FaultMode[] } = { api: [], token: [] };
  let seq = 0;

  const fake: FakeFeishu = {
    url: '',
    tokenRequests: [],
    messages: [],
    patches: [],
    cardUpdates: [],
    idLookups: [],
    calls: [],
    approval: {
      definitions: new Map(),
      instances: new Map(),
      syncs: [],
      checks: [],
      loseTask(instanceId, taskId) {
        const inst = fake.approval.instances.get(instanceId);
        if (inst) inst.task_list = (inst.task_list ?? []).filter((t: any) => t.task_id !== taskId);
      },
    },
    directory: new Map(Object.entries(opts.directory ?? {})),
    tokenTtl: opts.tokenTtl ?? 7200,
    rateLimitReset: opts.rateLimitReset ?? 1,
    overQuota: 0,
    accepted: [],
    scopes: new Map(Object.entries(GRANTED_SCOPES)),
    botEnabled: true,
    wsEndpoint: { code: 0 },
    failNext(n, mode, on = 'api') {
      for (let i = 0; i < n; i++) faults[on].push(mode);
    },
    revokeTokens: () => tokens.clear(),
    reset() {
      for (const list of [
        fake.tokenRequests,
        fake.messages,
        fake.patches,
        fake.cardUpdates,
        fake.idLookups,
        fake.calls,
        fake.accepted,
        fake.approval.syncs,
        fake.approval.checks,
      ])
        list.length = 0;
      fake.overQuota = 0;
      fake.approval.definitions.clear();
      fake.approval.instances.clear();
      faults.api.length = faults.token.length = 0;
      byUuid.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // 'hang' requests never end on their own
      }),
  };

  /** Sliding windows of one second and one minute over accepted calls; a call within both is accepted and counted. */
  function overQuota(quota: { perSecond: number; perMinute: number }, at: number): boolean {
    const inLast = (ms: number) => {
      let n = 0;
      for (let i = fake.accepted.length - 1; i >= 0 && fake.accepted[i]! > at - ms; i--) n++;
      return n;
    };
    if (inLast(1000) >= quota.perSecond || inLast(60_000) >= quota.perMinute) return true;
    fake.accepted.push(at);
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://fake');
    const call: Call = { method: req.method ?? '', path: u.pathname, status: 0, at: performance.now() };
    fake.calls.push(call);
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      const code = (body as { code?: unknown })?.code;
      if (typeof code === 'number') call.code = code;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const type = typeof body === 'string' ? 'text/html' : 'application/json; charset=utf-8';
      res.writeHead(status, { 'content-type': type, 'x-tt-logid': `fake-log-${seq}`, ...headers }).end(text);
    };
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, any>;
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch {
      return answer(400, { code: 9499, msg: 'Bad Request: body is not JSON' });
    }

    const isToken = u.pathname === TOKEN_PATH;
    if (!isToken && opts.quota && overQuota(opts.quota, call.at)) {
      fake.overQuota++;
      return answer(
        429,
        { code: 99991400, msg: 'request trigger frequency limit' },
        { 'x-ogw-ratelimit-limit': String(opts.quota.perSecond), 'x-ogw-ratelimit-reset': '1' },
      );
    }
    const fault = faults[isToken ? 'token' : 'api'].shift();
    if (typeof fault === 'object')
      return answer(fault.status, { code: fault.code, msg: fault.msg ?? 'fault' }, fault.headers);
    if (fault === 'hang') return; // the socket stays open until the client gives up or close()
    if (fault === '429')
      return answer(
        429,
        { code: 99991400, msg: 'request trigger frequency limit' },
        { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': String(fake.rateLimitReset) },
      );
    if (fault === '5xx') return answer(502, '<html><body>502 Bad Gateway</body></html>');
    if (fault === '400') return answer(400, { code: 230001, msg: 'invalid request parameter' });

    if (isToken) {
      fake.tokenRequests.push({ app_id: String(body.app_id), at: performance.now() });
      if (body.app_id !== appId || body.app_secret !== appSecret)
        return answer(400, { code: 10014, msg: 'app secret invalid' });
      const token = `t-fake-${++seq}`;
      tokens.set(token, Date.now() + fake.tokenTtl * 1000);
      return answer(200, { code: 0, msg: 'ok', tenant_access_token: token, expire: fake.tokenTtl });
    }
    if (req.method === 'POST' && u.pathname === '/callback/ws/endpoint') {
      // As the SDK's WSClient asks: the app's credentials in the body, no token. The refusal codes are stand-ins.
      if (body.AppID !== appId || body.AppSecret !== appSecret)
        return answer(200, { code: 1000040343, msg: 'fake feishu: app id or secret invalid' });
      if (fake.wsEndpoint.code !== 0) return answer(200, { code: fake.wsEndpoint.code, msg: 'fake feishu: refused' });
      const url = fake.wsEndpoint.url ?? `${fake.url.replace('http', 'ws')}/ws?device_id=fake&service_id=1`;
      return answer(200, {
        code: 0,
        msg: 'ok',
        data: {
          URL: url,
          ClientConfig: { ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30, PingInterval: 120 },
        },
      });
    }

    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!auth) return answer(400, { code: 99991661, msg: 'Missing access token for authorization.' });
    if (fault === 'token-invalid') tokens.delete(auth); // as if the secret was reset: this token is dead for good
    if (!((tokens.get(auth) ?? 0) > Date.now()))
      return answer(400, { code: 99991663, msg: 'Invalid access token for authorization.' });

    if (req.method === 'GET' && u.pathname === '/open-apis/bot/v3/info') {
      // Feishu's answer for an app without the bot capability is not documented where we looked: code 1 stands in.
      if (!fake.botEnabled) return answer(400, { code: 1, msg: 'fake feishu: the app has no bot capability' });
      return answer(200, { code: 0, msg: 'ok', bot: { activate_status: 2, app_name: 'lixiao', open_id: 'ou_bot' } });
    }
    if (req.method === 'GET' && u.pathname === '/open-apis/application/v6/scopes') {
      const scopes = [...fake.scopes].map(([scope_name, grant_status]) => ({ scope_name, grant_status }));
      return answer(200, { code: 0, msg: 'success', data: { scopes } });
    }
    if (req.method === 'POST' && u.pathname === '/open-apis/im/v1/messages') {
      const uuid = typeof body.uuid === 'string' ? body.uuid : undefined;
      if (uuid && uuid.length > 50) return answer(400, { code: 99992402, msg: 'field validation failed: uuid' });
      const seen = uuid ? byUuid.get(uuid) : undefined;
      if (seen)
        return answer(200, { code: 0, msg: 'success', data: { message_id: seen.message_id, msg_type: seen.msg_type } });
      let content: unknown;
      try {
        content = JSON.parse(String(body.content));
      } catch {
        return answer(400, { code: 230001, msg: 'invalid message content' });
      }
      const msg: SentMessage = {
        message_id: `om_fake_${++seq}`,
        receive_id: String(body.receive_id),
        receive_id_type: u.searchParams.get('receive_id_type') ?? '',
        msg_type: String(body.msg_type),
        content,
        uuid,
        at: performance.now(),
      };
      fake.messages.push(msg);
      if (uuid) byUuid.set(uuid, msg);
      return answer(200, {
        code: 0,
        msg: 'success',
        data: {
          message_id: msg.message_id,
          msg_type: msg.msg_type,
          chat_id: 'oc_fake',
          deleted: false,
          updated: false,
        },
      });
    }
    const patch = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(u.pathname);
    if (req.method === 'PATCH' && patch) {
      const id = decodeURIComponent(patch[1]!);
      if (!fake.messages.some((m) => m.message_id === id))
        return answer(400, { code: 230011, msg: 'message not found' });
      fake.patches.push({ message_id: id, content: JSON.parse(String(body.content)), at: performance.now() });
      await fake.beforePatch?.(id);
      return answer(200, { code: 0, msg: 'success', data: {} });
    }
    if (req.method === 'POST' && u.pathname === '/open-apis/interactive/v1/card/update') {
      fake.cardUpdates.push({ token: String(body.token), card: body.card });
      return answer(200, { code: 0, msg: 'success', data: {} });
    }
    if (req.method === 'POST' && u.pathname === '/open-apis/contact/v3/users/batch_get_id') {
      const emails: string[] = body.emails ?? [];
      const mobiles: string[] = body.mobiles ?? [];
      if (emails.length > 50 || mobiles.length > 50)
        return answer(400, { code: 99992402, msg: 'field validation failed: at most 50 emails and 50 mobiles' });
      fake.idLookups.push({ user_id_type: u.searchParams.get('user_id_type') ?? '', emails, mobiles });
      // unknown contacts come back without user_id (JSON drops the undefined)
      const user_list = [
        ...emails.map((email) => ({ email, user_id: fake.directory.get(email) })),
        ...mobiles.map((mobile) => ({ mobile, user_id: fake.directory.get(mobile) })),
      ];
      return answer(200, { code: 0, msg: 'success', data: { user_list } });
    }
    if (u.pathname.startsWith('/open-apis/approval/v4/')) {
      const out = approvalRoute(fake.approval, req.method ?? '', u.pathname, body);
      if (out) return answer(out.status, out.body);
    }
    return answer(404, { code: 404, msg: `fake feishu: no route ${req.method} ${u.pathname}` });
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

// The approval center's endpoints, checked the way the docs and field reports describe them:
// https://open.feishu.cn/document/server-docs/approval-v4/external_approval/create and external_instance/create.
const invalid = (msg: string) => ({ status: 400, body: { code: 1390001, msg: `param is invalid: ${msg}` } });
const ok = (data: unknown) => ({ status: 200, body: { code: 0, msg: 'success', data } });

function textsAreArrays(body: Record<string, any>): boolean {
  return Array.isArray(body.i18n_resources) && body.i18n_resources.every((r: any) => Array.isArray(r.texts));
}

function approvalRoute(
  a: FakeApproval,
  method: string,
  path: string,
  body: Record<string, any>,
): { status: number; body: unknown } | null {
  if (method === 'POST' && path === '/open-apis/approval/v4/external_approvals') {
    const name = String(body.approval_name ?? '');
    if (!name.startsWith('@i18n@') || name.length < 9) return invalid('approval_name');
    if (!textsAreArrays(body)) return { status: 400, body: { code: 9499, msg: 'Invalid parameter type' } };
    if (!body.external?.action_callback_url || !body.external?.action_callback_token) return invalid('external');
    const code = String(body.approval_code ?? '');
    const existing = a.definitions.get(code);
    if (existing) {
      a.definitions.set(code, { ...existing, body });
      // an update may answer another code than the one sent (the doc: keep using the one you sent)
      return ok({ approval_code: existing.customCode });
    }
    const real = `FAKE-${randomUUID().toUpperCase()}`;
    a.definitions.set(real, { customCode: code, body });
    return ok({ approval_code: real });
  }
  if (method === 'POST' && path === '/open-apis/approval/v4/external_instances') {
    // pushing with the custom code fails (field report): only the code creation returned is known
    if (!a.definitions.has(String(body.approval_code)))
      return { status: 400, body: { code: 1390002, msg: 'approval code not found' } };
    if (body.update_mode !== 'REPLACE') return invalid('this fake takes REPLACE only');
    if (!body.instance_id || !body.status || !(body.links?.pc_link || body.links?.mobile_link))
      return invalid('instance');
    if (!body.open_id && !body.user_id) return invalid('open_id or user_id');
    if (!textsAreArrays(body)) return { status: 400, body: { code: 9499, msg: 'Invalid parameter type' } };
    for (const f of ['start_time', 'end_time', 'update_time'])
      if (typeof body[f] !== 'string') return invalid(`${f} must be a string of milliseconds`);
    const ids = new Set([String(body.instance_id)]);
    for (const t of body.task_list ?? []) {
      if (!t.open_id && !t.user_id) return invalid(`task ${t.task_id} has no open_id or user_id`);
      if (!Array.isArray(t.action_configs)) return invalid('action_configs');
      for (const f of ['create_time', 'end_time', 'update_time'])
        if (typeof t[f] !== 'string') return invalid(`task ${f} must be a string of milliseconds`);
      if (ids.has(String(t.task_id))) return invalid(`duplicate id ${t.task_id}`);
      ids.add(String(t.task_id));
    }
    a.syncs.push(body);
    a.instances.set(String(body.instance_id), structuredClone(body));
    return ok({ data: body });
  }
  if (method === 'POST' && path === '/open-apis/approval/v4/external_instances/check') {
    if (!Array.isArray(body.instances)) return invalid('instances');
    a.checks.push(body);
    const diff = [];
    for (const want of body.instances) {
      const have = a.instances.get(String(want.instance_id));
      const tasks = new Map((have?.task_list ?? []).map((t: any) => [String(t.task_id), String(t.update_time)]));
      const differs =
        !have ||
        String(have.update_time) !== String(want.update_time) ||
        (want.tasks ?? []).some((t: any) => tasks.get(String(t.task_id)) !== String(t.update_time));
      if (differs)
        diff.push({
          instance_id: want.instance_id,
          update_time: have?.update_time,
          tasks: [...tasks].map(([task_id, update_time]) => ({ task_id, update_time })),
        });
    }
    return ok({ diff_instances: diff });
  }
  return null;
}
