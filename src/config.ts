// Reads the environment the README documents (its Configuration section) into one typed, validated configuration object.
import { LixiaoError } from './errors.ts';
import { z } from 'zod';

export class ConfigError extends LixiaoError {
  readonly code = 'config_invalid';
}

const env = z.object({
  DATABASE_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  LIXIAO_TIMEZONE: z.string().default('Asia/Shanghai'),
  LIXIAO_WORKFLOW: z.string().optional(),
  LIXIAO_PUBLIC_URL: z.string().url().optional(),
  LIXIAO_API_TOKENS: z.string().optional(),
  LIXIAO_CONSOLE: z.enum(['on', 'off']).optional(),
  LIXIAO_DATA_DIR: z.string().default('.data'),
  LIXIAO_SCHEDULE: z.string().optional(),
  LIXIAO_QUIET_HOURS: z
    .string()
    .regex(/^(\d{1,2}:\d{2}-\d{1,2}:\d{2}|off)$/, 'like 22:00-07:30, or off')
    .default('22:00-07:30'),
  LIXIAO_REMIND_DAYS: z
    .string()
    .regex(/^\d{1,3}(,\d{1,3})*$/, 'like 7,3,1')
    .default('7,3,1'),
  LIXIAO_NEAR_DAYS: z.coerce.number().int().min(0).max(60).default(3),
  LIXIAO_SCHEDULER: z.enum(['on', 'off']).default('on'),
  LIXIAO_NOTICE_WINDOW: z.coerce.number().int().min(0).max(3600).optional(),
  LIXIAO_COPY_WINDOW: z.coerce.number().int().min(0).max(600).default(5),
  LIXIAO_SIGNING_KEY_FILE: z.string().min(1).optional(),
  LIXIAO_SIGNING_SECRET: z.string().min(16, 'at least 16 characters (openssl rand -base64 32)').optional(),
  LIXIAO_METRICS: z.enum(['on', 'off']).optional(),
  LIXIAO_METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  FEISHU_APP_ID: z.string().optional(),
  FEISHU_APP_SECRET: z.string().optional(),
  FEISHU_ENCRYPT_KEY: z.string().optional(),
  FEISHU_VERIFICATION_TOKEN: z.string().optional(),
  FEISHU_BASE_URL: z.string().url().default('https://open.feishu.cn'),
  FEISHU_MODE: z.enum(['webhook', 'ws']).default('webhook'),
  FEISHU_APPROVAL: z.enum(['on', 'off']).default('off'),
  FEISHU_APPROVAL_TOKEN: z.string().optional(),
  FEISHU_APPROVAL_KEY: z.string().optional(),
  FEISHU_APPROVAL_CODE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, 'letters, digits, - and _, at most 128')
    .default('lixiao-graduate-clearance'),
  WECOM_CORP_ID: z.string().optional(),
  WECOM_AGENT_ID: z.string().optional(),
  WECOM_SECRET: z.string().optional(),
  WECOM_TOKEN: z.string().optional(),
  WECOM_ENCODING_AES_KEY: z.string().optional(),
  WECOM_BASE_URL: z.string().url().default('https://qyapi.weixin.qq.com'),
});

export interface Config {
  databaseUrl?: string;
  port: number;
  host: string;
  timezone: string;
  workflowPath?: string;
  publicUrl: string;
  dataDir: string;
  logLevel: z.infer<typeof env>['LOG_LEVEL'];
  /** step key -> tokens that may decide that step through the API */
  apiTokens: Map<string, string>;
  feishu?: {
    appId: string;
    appSecret: string;
    encryptKey?: string;
    verificationToken?: string;
    baseUrl: string;
    mode: 'webhook' | 'ws';
    /** the approval center (三方审批), when FEISHU_APPROVAL=on */
    approval?: { token: string; key?: string; customCode: string };
  };
  wecom?: { corpId: string; agentId: string; secret: string; token: string; encodingAesKey: string; baseUrl: string };
  console: boolean;
  /** which rule turned the console on or off, for the start-up log */
  consoleRule: string;
  /** job name -> "09:05" or "Mon 09:35" (LIXIAO_SCHEDULE=digest=09:05,escalate=Mon 09:35) */
  schedule: Map<string, string>;
  quietHours?: string;
  remindDays: number[];
  nearDays: number;
  scheduler: boolean;
  /** seconds a student's notices wait to go out as one message (0: each at once; default 60 with a chat platform) */
  noticeWindowSec: number;
  /** seconds a changed Feishu list card waits to be patched once with its latest state (0: at every change) */
  copyWindowSec: number;
  /** certificate signing: a key file, or the secret that seals the key kept in the database (src/certificates) */
  signing: { keyFile?: string; secret?: string };
  /** GET /metrics: served when on; with a token, only to `Authorization: Bearer <token>` */
  metrics: { on: boolean; token?: string };
}

function parseSchedule(spec: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (spec ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new ConfigError('LIXIAO_SCHEDULE must look like digest=09:05,escalate=Mon 09:35');
    out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

/** Every variable of a platform or none: a half-configured platform is an operator's mistake, said plainly. */
function allOrNone<K extends string>(
  vars: Record<K, string | undefined>,
  platform: string,
): Record<K, string> | undefined {
  const set = Object.entries(vars).filter(([, v]) => v);
  if (set.length === 0) return undefined;
  const missing = Object.entries(vars)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length)
    throw new ConfigError(`${platform} is half-configured: ${missing.join(', ')} missing (set all of them or none)`);
  return vars as Record<K, string>;
}

export function parseApiTokens(spec: string | undefined): Map<string, string> {
  const tokens = new Map<string, string>();
  for (const part of (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const i = part.indexOf(':');
    const step = part.slice(0, i).trim();
    const token = part.slice(i + 1).trim();
    if (i <= 0 || !token) throw new ConfigError('LIXIAO_API_TOKENS must look like step_key:token,step_key:token');
    if (token.length < 16)
      throw new ConfigError(`LIXIAO_API_TOKENS: the token for ${step} is shorter than 16 characters`);
    if (tokens.has(token)) throw new ConfigError('LIXIAO_API_TOKENS: a token is given to two steps');
    tokens.set(token, step);
  }
  return tokens;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;

export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

/**
 * The console lets whoever reaches it act as anyone, and its request checks cannot tell a local browser from a reverse
 * proxy's default forwarding (nginx sends Host: 127.0.0.1:3000 and no X-Forwarded-For). So it is on only when nothing
 * says this is a real deployment, unless LIXIAO_CONSOLE=on says otherwise; the first rule that applies decides.
 */
export function consoleDecision(o: {
  setting?: 'on' | 'off';
  databaseUrl?: string;
  platforms: string[];
  apiTokens: boolean;
  host: string;
}): { on: boolean; rule: string } {
  if (o.setting === 'off') return { on: false, rule: 'LIXIAO_CONSOLE=off' };
  if (o.setting === 'on') return { on: true, rule: 'LIXIAO_CONSOLE=on' };
  if (o.databaseUrl) return { on: false, rule: 'DATABASE_URL is set (a real database)' };
  if (o.platforms.length) return { on: false, rule: `a chat platform is configured (${o.platforms.join(', ')})` };
  if (o.apiTokens) return { on: false, rule: 'LIXIAO_API_TOKENS is set (an integration deployment)' };
  if (!isLoopback(o.host)) return { on: false, rule: `HOST ${o.host} is not a loopback address` };
  return {
    on: true,
    rule: 'nothing says this is a real deployment (embedded database, no platform, no API tokens, loopback HOST)',
  };
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = env.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`bad environment: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  const f = allOrNone({ FEISHU_APP_ID: e.FEISHU_APP_ID, FEISHU_APP_SECRET: e.FEISHU_APP_SECRET }, 'Feishu');
  if (!f && (e.FEISHU_ENCRYPT_KEY || e.FEISHU_VERIFICATION_TOKEN))
    throw new ConfigError('Feishu is half-configured: FEISHU_APP_ID and FEISHU_APP_SECRET missing');
  if (f && e.FEISHU_MODE === 'webhook' && !e.FEISHU_ENCRYPT_KEY && !e.FEISHU_VERIFICATION_TOKEN)
    throw new ConfigError(
      'Feishu webhook mode needs FEISHU_ENCRYPT_KEY or FEISHU_VERIFICATION_TOKEN to check callbacks',
    );
  if (e.FEISHU_APPROVAL === 'on' && !f)
    throw new ConfigError('FEISHU_APPROVAL=on needs FEISHU_APP_ID and FEISHU_APP_SECRET');
  if (e.FEISHU_APPROVAL === 'on' && (e.FEISHU_APPROVAL_TOKEN ?? '').length < 32)
    throw new ConfigError('FEISHU_APPROVAL=on needs FEISHU_APPROVAL_TOKEN of at least 32 random characters');
  const w = allOrNone(
    {
      WECOM_CORP_ID: e.WECOM_CORP_ID,
      WECOM_AGENT_ID: e.WECOM_AGENT_ID,
      WECOM_SECRET: e.WECOM_SECRET,
      WECOM_TOKEN: e.WECOM_TOKEN,
      WECOM_ENCODING_AES_KEY: e.WECOM_ENCODING_AES_KEY,
    },
    'WeCom',
  );
  if (w && !/^[A-Za-z0-9]{43}$/.test(w.WECOM_ENCODING_AES_KEY))
    throw new ConfigError('WECOM_ENCODING_AES_KEY must be the 43 letters and digits WeCom generated');
  const apiTokens = parseApiTokens(e.LIXIAO_API_TOKENS);
  const consoleChoice = consoleDecision({
    setting: e.LIXIAO_CONSOLE,
    databaseUrl: e.DATABASE_URL,
    platforms: [f && 'Feishu', w && 'WeCom'].filter((x): x is string => Boolean(x)),
    apiTokens: apiTokens.size > 0,
    host: e.HOST,
  });
  return {
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    host: e.HOST,
    timezone: e.LIXIAO_TIMEZONE,
    workflowPath: e.LIXIAO_WORKFLOW,
    publicUrl: (e.LIXIAO_PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, ''),
    dataDir: e.LIXIAO_DATA_DIR,
    logLevel: e.LOG_LEVEL,
    apiTokens,
    feishu: f && {
      appId: f.FEISHU_APP_ID,
      appSecret: f.FEISHU_APP_SECRET,
      encryptKey: e.FEISHU_ENCRYPT_KEY,
      verificationToken: e.FEISHU_VERIFICATION_TOKEN,
      baseUrl: e.FEISHU_BASE_URL,
      mode: e.FEISHU_MODE,
      approval:
        e.FEISHU_APPROVAL === 'on'
          ? {
              token: e.FEISHU_APPROVAL_TOKEN!,
              key: e.FEISHU_APPROVAL_KEY || undefined,
              customCode: e.FEISHU_APPROVAL_CODE,
            }
          : undefined,
    },
    wecom: w && {
      corpId: w.WECOM_CORP_ID,
      agentId: w.WECOM_AGENT_ID,
      secret: w.WECOM_SECRET,
      token: w.WECOM_TOKEN,
      encodingAesKey: w.WECOM_ENCODING_AES_KEY,
      baseUrl: e.WECOM_BASE_URL,
    },
    console: consoleChoice.on,
    consoleRule: consoleChoice.rule,
    schedule: parseSchedule(e.LIXIAO_SCHEDULE),
    quietHours: e.LIXIAO_QUIET_HOURS === 'off' ? undefined : e.LIXIAO_QUIET_HOURS,
    remindDays: [...new Set(e.LIXIAO_REMIND_DAYS.split(',').map(Number))].sort((a, b) => b - a),
    nearDays: e.LIXIAO_NEAR_DAYS,
    scheduler: e.LIXIAO_SCHEDULER === 'on',
    // the window spares a chat platform's quotas and the student's phone; the local console has neither
    noticeWindowSec: e.LIXIAO_NOTICE_WINDOW ?? (f || w ? 60 : 0),
    copyWindowSec: e.LIXIAO_COPY_WINDOW,
    signing: { keyFile: e.LIXIAO_SIGNING_KEY_FILE, secret: e.LIXIAO_SIGNING_SECRET },
    metrics: {
      on: e.LIXIAO_METRICS ? e.LIXIAO_METRICS === 'on' : Boolean(e.LIXIAO_METRICS_TOKEN),
      token: e.LIXIAO_METRICS_TOKEN,
    },
  };
}
