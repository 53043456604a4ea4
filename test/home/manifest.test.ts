import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Manifest {
  features: { app_home?: { home_tab_enabled?: boolean; messages_tab_enabled?: boolean } };
  settings: { event_subscriptions?: { request_url?: string; bot_events?: string[] } };
}

const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Manifest;

describe('manifest.yml: App Home', () => {
  it('enables the Home tab and subscribes to app_home_opened (HTTP mode posts it to /slack/events)', () => {
    expect(manifest.features.app_home?.home_tab_enabled).toBe(true);
    expect(manifest.features.app_home?.messages_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions?.bot_events).toContain('app_home_opened');
    expect(manifest.settings.event_subscriptions?.request_url).toMatch(/\/slack\/events$/);
  });
});
