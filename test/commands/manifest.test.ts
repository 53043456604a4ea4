import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMANDS } from '../../src/slack/commands/index.js';
import { captureReplies } from '../helpers/slack-kit.js';
import { commandFixture } from './fixture.js';

interface Manifest {
  features: { slash_commands: { command: string; usage_hint?: string; description: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
}

const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Manifest;
const declared = manifest.features.slash_commands.map((c) => c.command);

describe('manifest.yml', () => {
  it('declares exactly the commands Coxswain registers, each with a usage hint within Slack limits', () => {
    expect([...declared].sort()).toEqual([...COMMANDS].sort());
    for (const c of manifest.features.slash_commands) {
      expect(c.command.length).toBeLessThanOrEqual(32);
      expect(c.usage_hint).toBeTruthy();
    }
  });

  it('asks for the scopes the bot needs and turns on interactivity and Socket Mode', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining([
        'commands',
        'chat:write',
        'chat:write.public',
        'channels:history',
        'groups:history',
        'channels:join',
      ]),
    );
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it.each(declared)('has a handler for %s that acks and replies', async (command) => {
    const f = commandFixture();
    const replies = captureReplies();
    const { acked } = await f.send(command, 'help');
    expect(acked).toBe(true);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text.length).toBeGreaterThan(10);
  });
});
