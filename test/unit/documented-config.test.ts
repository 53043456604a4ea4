import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, parseConfig } from '../../src/app/config.js';
import { allTargets } from '../../src/domain/targets.js';

// The configuration a newcomer copies must be the configuration Coxswain accepts.
describe('documented configuration', () => {
  it('coxswain.example.yml loads', () => {
    const config = loadConfig('coxswain.example.yml');
    expect(allTargets(config).map((t) => t.key)).toContain('api/production');
  });

  it("the README's configuration example loads, with every deploy mode it shows", () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /## Configuration reference[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const config = parseConfig(parse(block!), 'README.md');
    const targets = allTargets(config);
    expect(targets.find((t) => t.key === 'infra/staging')?.mode).toBe('template');
    expect(targets.find((t) => t.key === 'pipeline/staging')?.mode).toBe('build');
    expect(targets.find((t) => t.key === 'infra/staging')?.stacks.map((s) => s.name)).toEqual([
      'network-staging',
      'data-staging',
      'app-staging',
    ]);
    expect(config.aws).toEqual({ requestsPerSecond: 8, burst: 16 });
    const site = targets.find((t) => t.key === 'site/production');
    expect(site?.build?.workflow).toBe('deploy.yml');
    expect(site?.env.url).toBe('https://www.acme.example');
  });
});
