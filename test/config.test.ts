import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('defaults to the contract’s values, the console on when no platform is set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      timezone: 'Asia/Shanghai',
      publicUrl: 'http://127.0.0.1:3000',
      console: true,
    });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.apiTokens.size).toBe(0);
  });

  it('refuses a half-configured platform and names what is missing', () => {
    expect(() => loadConfig({ FEISHU_APP_ID: 'cli_x' })).toThrow(
      /Feishu is half-configured: FEISHU_APP_SECRET missing/,
    );
    expect(() => loadConfig({ WECOM_CORP_ID: 'ww1', WECOM_SECRET: 's' })).toThrow(ConfigError);
    expect(() => loadConfig({ FEISHU_APP_ID: 'a', FEISHU_APP_SECRET: 'b' })).toThrow(
      /needs FEISHU_ENCRYPT_KEY or FEISHU_VERIFICATION_TOKEN/,
    );
  });

  it('turns the console off when a platform is configured, unless asked', () => {
    const feishu = { FEISHU_APP_ID: 'a', FEISHU_APP_SECRET: 'b', FEISHU_VERIFICATION_TOKEN: 'v' };
    expect(loadConfig(feishu).console).toBe(false);
    expect(loadConfig({ ...feishu, LIXIAO_CONSOLE: 'on' }).console).toBe(true);
  });

  it('reads API tokens per step and rejects short or shared ones', () => {
    const c = loadConfig({ LIXIAO_API_TOKENS: 'campus_card:0123456789abcdef0123, library:fedcba9876543210fedc' });
    expect([...c.apiTokens.entries()]).toEqual([
      ['0123456789abcdef0123', 'campus_card'],
      ['fedcba9876543210fedc', 'library'],
    ]);
    expect(() => loadConfig({ LIXIAO_API_TOKENS: 'library:short' })).toThrow(/shorter than 16/);
    expect(() => loadConfig({ LIXIAO_API_TOKENS: 'a:0123456789abcdef0,b:0123456789abcdef0' })).toThrow(/two steps/);
    expect(() => loadConfig({ LIXIAO_API_TOKENS: 'notoken' })).toThrow(/step_key:token/);
  });

  it('rejects a malformed value with the variable’s name', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });
});
