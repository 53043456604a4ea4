import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launchMode } from '../../src/app/launch-mode.js';

describe('scripts/start.sh: sandbox or the real thing', () => {
  const none = () => false;

  it('starts the sandbox when nothing is configured (blank values count as unset)', () => {
    expect(launchMode({}, none)).toEqual({ mode: 'sandbox' });
    expect(launchMode({ SLACK_BOT_TOKEN: '  ', PORT: '3000', LOG_LEVEL: 'debug' }, none)).toEqual({ mode: 'sandbox' });
  });

  it.each(['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'GITHUB_TOKEN', 'COXSWAIN_CONFIG'])(
    'is the real thing as soon as %s is set (missing pieces are then errors, as always)',
    (name) => {
      expect(launchMode({ [name]: 'x' }, none)).toEqual({ mode: 'real', because: `${name} is set` });
    },
  );

  it('is the real thing when ./coxswain.yml exists', () => {
    expect(launchMode({}, (p) => p === './coxswain.yml')).toEqual({ mode: 'real', because: './coxswain.yml exists' });
  });
});

describe('the simulation stays out of the real runtime', () => {
  it('only the sandbox entry points import src/sandbox (app/cli.ts and app/start.ts, lazily)', () => {
    const src = fileURLToPath(new URL('../../src/', import.meta.url));
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(src);
    const importers = files
      .filter((f) => !relative(src, f).startsWith('sandbox'))
      .filter((f) => /sandbox\//.test(readFileSync(f, 'utf8')))
      .map((f) => relative(src, f))
      .sort();
    expect(importers).toEqual(['app/cli.ts', 'app/start.ts']);
    for (const f of importers) {
      // Dynamic import only: loading cli.ts or start.ts for the real thing does not load the simulation.
      expect(readFileSync(join(src, f), 'utf8')).not.toMatch(/^import .*sandbox/m);
    }
  });
});
