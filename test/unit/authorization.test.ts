import { describe, expect, it } from 'vitest';
import { canDeploy } from '../../src/domain/authorization.js';
import { findTarget, type Target } from '../../src/domain/targets.js';
import { exampleConfig } from '../helpers/config.js';

function target(service: string, env: string, cfg = exampleConfig()): Target {
  const t = findTarget(cfg, service, env);
  if (!t.ok) throw new Error(t.message);
  return t.target;
}

describe('canDeploy', () => {
  it('lets anyone deploy where deployers is omitted', () => {
    expect(canDeploy(target('api', 'staging'), 'U99')).toEqual({ ok: true });
  });

  it('lets listed deployers deploy and tells others who may', () => {
    const prod = target('api', 'production');
    expect(canDeploy(prod, 'U02')).toEqual({ ok: true });
    const refused = canDeploy(prod, 'U99');
    expect(refused).toEqual({
      ok: false,
      message: expect.stringContaining(
        'You are not allowed to deploy to `api` → `production`. Only <@U01>, <@U02> may deploy there',
      ),
    });
  });

  it('says so when the deployers list is empty', () => {
    const cfg = exampleConfig((raw) => {
      raw.services.api.environments.production.deployers = [];
      raw.services.api.environments.production.requiredApprovals = 0;
      return raw;
    });
    expect(canDeploy(target('api', 'production', cfg), 'U01')).toMatchObject({
      ok: false,
      message: expect.stringContaining('Nobody may deploy'),
    });
  });
});
