import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv, slackMode } from '../../src/app/env.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef' };

describe('parseEnv', () => {
  it('applies defaults and treats blank values as unset', () => {
    const env = parseEnv({ ...base, PORT: '', LOG_LEVEL: ' ' });
    expect(env).toMatchObject({
      PORT: 3000,
      LOG_LEVEL: 'info',
      COXSWAIN_CONFIG: './coxswain.yml',
      COXSWAIN_DB: './data/coxswain.db',
    });
    expect(slackMode(env)).toBe('http');
  });

  it('normalises URLs and picks Socket Mode when an app token is set', () => {
    const env = parseEnv({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1-A',
      SLACK_API_URL: 'http://127.0.0.1:9000/api',
      GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
      PORT: '8080',
    });
    expect(env.SLACK_API_URL).toBe('http://127.0.0.1:9000/api/');
    expect(env.GITHUB_API_URL).toBe('https://ghe.example.com/api/v3');
    expect(env.PORT).toBe(8080);
    expect(slackMode(env)).toBe('socket');
  });

  it('names every bad variable and never echoes a value', () => {
    const secret = 'not-hex-secret-value';
    let err: unknown;
    try {
      parseEnv({ SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_SIGNING_SECRET: secret, PORT: '70000', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvError);
    const message = (err as EnvError).message;
    expect(message).toContain('SLACK_BOT_TOKEN: a bot token starting with xoxb-');
    expect(message).toContain('SLACK_SIGNING_SECRET');
    expect(message).toContain('PORT');
    expect(message).toContain('LOG_LEVEL: one of');
    expect(message).not.toContain(secret);
    expect(message).not.toContain('xoxp-user-token');
  });

  it('requires the signing secret in HTTP mode only', () => {
    expect(() => parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET: required in HTTP mode/);
    expect(() => parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })).not.toThrow();
  });
});
