import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema, loadConfig, usesSimulator } from '../../../server/config.ts';

describe('configuration', () => {
  it('starts on the embedded defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      HTTP_PORT: 3000,
      MONGODB_DB: 'servicedesk',
      ROLES: ['server', 'bot', 'worker'],
      DEMO_DATA: true,
    });
    expect(c.MONGODB_URI).toBeUndefined();
    expect(usesSimulator(c)).toBe(true);
  });

  it('refuses wrong values with a readable list naming every problem', () => {
    let message = '';
    try {
      loadConfig({
        HTTP_PORT: 'eighty',
        ROLES: 'server,cron',
        MONGODB_URI: 'postgres://x',
        DEMO_DATA: 'maybe',
      });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    for (const name of ['HTTP_PORT', 'ROLES', 'MONGODB_URI', 'DEMO_DATA']) {
      expect(message).toContain(name);
    }
    expect(message).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('names the missing half of the DingTalk credentials', () => {
    expect(() => loadConfig({ DINGTALK_CLIENT_ID: 'dingabc' })).toThrow(
      /DINGTALK_CLIENT_SECRET[\s\S]*DINGTALK_CORP_ID/,
    );
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ MONGODB_URI: '', DINGTALK_CLIENT_ID: '' }).MONGODB_URI).toBeUndefined();
  });

  it('connects to real DingTalk when credentials are set', () => {
    const c = loadConfig({
      DINGTALK_CLIENT_ID: 'dingabc',
      DINGTALK_CLIENT_SECRET: 's',
      DINGTALK_CORP_ID: 'dingcorp',
    });
    expect(usesSimulator(c)).toBe(false);
    expect(c.DINGTALK_API_BASE).toBe('https://api.dingtalk.com');
  });

  it('.env.example lists every setting, and nothing else', () => {
    const example = readFileSync(path.resolve(import.meta.dirname, '../../../.env.example'), 'utf8');
    const names = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
    expect(new Set(names)).toEqual(new Set(Object.keys(configSchema.shape)));
  });
});
