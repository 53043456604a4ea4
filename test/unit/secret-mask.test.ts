import { describe, expect, it } from 'vitest';
import { looksSecret, MASKED_LINE, maskSecretLines } from '../../src/domain/secret-mask.js';

describe('secret-looking log lines', () => {
  it.each([
    'export DB_PASSWORD=hunter2',
    'Authorization: Bearer abc',
    'api_key = 123',
    'aws key AKIAIOSFODNN7EXAMPLE',
    'SLACK=xoxb-1234567890-abcdef',
    'token ghp_abcdefghijklmnopqrstuvwxyz0123',
    'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig',
    '-----BEGIN RSA PRIVATE KEY-----',
    'git clone https://user:s3cret@example.com/repo.git',
  ])('hides %s', (line) => {
    expect(looksSecret(line)).toBe(true);
    expect(maskSecretLines([line])).toEqual([MASKED_LINE]);
  });

  it.each(['npm ERR! code ELIFECYCLE', 'Running tests: 42 passed', 'https://example.com/docs'])('keeps %s', (line) => {
    expect(looksSecret(line)).toBe(false);
  });
});
