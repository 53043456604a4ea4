import { describe, expect, it } from 'vitest';
import { parseDeploy, parseRollback, parseStatus, tokenize } from '../../src/domain/command-parser.js';

describe('tokenize', () => {
  it('collapses any whitespace and unwraps Slack link markup, keeping mentions recognisable', () => {
    expect(tokenize('  api \t\n staging\u00a0\u200b main ')).toEqual({ ok: true, tokens: ['api', 'staging', 'main'] });
    expect(tokenize('api staging <http://v1.2.io|v1.2.io>')).toEqual({
      ok: true,
      tokens: ['api', 'staging', 'v1.2.io'],
    });
    expect(tokenize('<@U123|bob> <#C1|x>')).toEqual({ ok: true, tokens: ['<@U123|bob>', '<#C1|x>'] });
  });

  it('refuses text over 500 characters', () => {
    expect(tokenize('a'.repeat(501))).toEqual({ ok: false, message: expect.stringContaining('too long') });
    expect(tokenize('a'.repeat(500)).ok).toBe(true);
  });
});

describe('parseDeploy', () => {
  it('parses service, environment and an optional ref, forgiving case in names only', () => {
    expect(parseDeploy('API Staging')).toEqual({
      kind: 'deploy',
      args: { service: 'api', environment: 'staging', ref: undefined, forced: false },
    });
    expect(parseDeploy('api production release/V1.4.2')).toEqual({
      kind: 'deploy',
      args: { service: 'api', environment: 'production', ref: 'release/V1.4.2', forced: false },
    });
  });

  it('takes --force anywhere, and lock/unlock subcommands with a free-text reason', () => {
    expect(parseDeploy('api staging abc1234 --force')).toEqual({
      kind: 'deploy',
      args: { service: 'api', environment: 'staging', ref: 'abc1234', forced: true },
    });
    expect(parseDeploy('--FORCE api staging')).toMatchObject({ kind: 'deploy', args: { forced: true } });
    expect(parseDeploy('lock api production  DB   migration <@U1>')).toEqual({
      kind: 'lock',
      service: 'api',
      environment: 'production',
      reason: 'DB migration <@U1>',
    });
    expect(parseDeploy('unlock API production')).toEqual({ kind: 'unlock', service: 'api', environment: 'production' });
    expect(parseDeploy('lock api')).toMatchObject({ kind: 'usage' });
    expect(parseDeploy('unlock api production now')).toEqual({ kind: 'usage', problem: 'Too many arguments.' });
    expect(parseDeploy('lock a$i production x')).toMatchObject({ kind: 'invalid' });
    // A service called "lock" is still deployable: with one word it is not a subcommand.
    expect(parseDeploy('lock')).toEqual({ kind: 'usage', problem: 'Which environment?' });
  });

  it('routes help words and missing arguments to help and usage', () => {
    expect(parseDeploy('help')).toEqual({ kind: 'help' });
    expect(parseDeploy('--help')).toEqual({ kind: 'help' });
    expect(parseDeploy('')).toEqual({ kind: 'usage' });
    expect(parseDeploy(undefined)).toEqual({ kind: 'usage' });
    expect(parseDeploy('api')).toEqual({ kind: 'usage', problem: 'Which environment?' });
    expect(parseDeploy('a b c d')).toEqual({ kind: 'usage', problem: 'Too many arguments.' });
  });

  it('refuses names outside the config charset and bad refs', () => {
    expect(parseDeploy('api_x staging')).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('service name'),
    });
    expect(parseDeploy('api st@ging')).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('environment name'),
    });
    expect(parseDeploy('api staging a;b')).toMatchObject({ kind: 'invalid', message: expect.stringContaining('`;`') });
  });
});

describe('parseStatus', () => {
  it('parses nothing, a service, a target, and digest subcommands', () => {
    expect(parseStatus('')).toEqual({ kind: 'all' });
    expect(parseStatus('api')).toEqual({ kind: 'target', service: 'api', environment: undefined });
    expect(parseStatus('api staging')).toEqual({ kind: 'target', service: 'api', environment: 'staging' });
    expect(parseStatus('drift')).toEqual({ kind: 'digest', digest: 'drift', post: false });
    expect(parseStatus('HEALTH post')).toEqual({ kind: 'digest', digest: 'health', post: true });
    expect(parseStatus('health staging')).toEqual({ kind: 'target', service: 'health', environment: 'staging' });
    expect(parseStatus('a b c')).toMatchObject({ kind: 'invalid' });
  });
});

describe('parseRollback', () => {
  it('parses a target or asks for one', () => {
    expect(parseRollback('api production')).toEqual({ kind: 'target', service: 'api', environment: 'production' });
    expect(parseRollback('')).toEqual({ kind: 'usage' });
    expect(parseRollback('api')).toEqual({ kind: 'usage', problem: 'Which environment?' });
    expect(parseRollback('$x y')).toMatchObject({ kind: 'invalid' });
  });

  it('takes an optional SHA or deployment id, refusing anything else', () => {
    expect(parseRollback('api production #17')).toEqual({
      kind: 'target',
      service: 'api',
      environment: 'production',
      arg: '#17',
    });
    expect(parseRollback('api production abc1234')).toMatchObject({ arg: 'abc1234' });
    expect(parseRollback('api production a;b')).toMatchObject({ kind: 'invalid' });
    expect(parseRollback('api production abc1234 more')).toEqual({ kind: 'usage', problem: 'Too many arguments.' });
  });
});
