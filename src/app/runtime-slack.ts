/**
 * The Slack side of the runtime: the Bolt app (HTTP routes for /metrics, /readyz and the GitHub webhook), the
 * commands, the buttons, App Home and the /deploy form, each handed the services it calls.
 */
import { WebSlackViews } from '../adapters/slack-views.js';
import { doctorContext } from '../doctor/runner.js';
import { SlackDoctor } from '../doctor/slack-doctor.js';
import { HomeRefresher } from '../home/refresh-job.js';
import { metricsRoute, type Readiness, readyRoute } from '../metrics/http-routes.js';
import type { runtimeGauges } from '../metrics/runtime-gauges.js';
import { type App, createApp } from '../slack/bolt-app.js';
import { register as registerCommands } from '../slack/commands/index.js';
import { registerAppHome } from '../slack/interactions/app-home.js';
import { registerDeployModal } from '../slack/interactions/deploy-modal.js';
import { register as registerInteractions } from '../slack/interactions/index.js';
import type { RuntimeBase } from './runtime-clients.js';
import type { Services } from './runtime-services.js';

export interface SlackInput extends RuntimeBase {
  services: Services;
  gauges: ReturnType<typeof runtimeGauges>;
  ready: () => Readiness;
}

export function buildSlackApp(i: SlackInput): { app: App; homeRefresher: HomeRefresher } {
  const { env, config, db, logger, clock, services: s, deps } = i;
  const app = createApp({
    env,
    logger,
    healthy: () => db.open,
    routes: [metricsRoute(i.gauges), readyRoute(i.ready), ...s.webhookRoutes],
    ...(deps.receiver ? { receiver: deps.receiver } : {}),
    ...(deps.botIds ? { botIds: deps.botIds } : {}),
    ...(deps.slackClientOptions ? { clientOptions: deps.slackClientOptions } : {}),
  });
  const doctor = new SlackDoctor(config, () =>
    doctorContext({
      config,
      slackToken: env.SLACK_BOT_TOKEN,
      slackApiUrl: env.SLACK_API_URL,
      githubToken: env.GITHUB_TOKEN,
      githubApiUrl: env.GITHUB_API_URL,
      defaultRegion: i.clients.defaultRegion,
      logger: logger.child({ source: 'doctor' }),
      aws: i.clients.aws,
    }),
  );

  // App Home and the /deploy form (issue 17): views through Bolt's client, the form through the typed path.
  const views = new WebSlackViews(app.client);
  const homeRefresher = new HomeRefresher({
    build: (user) => s.home.build(user),
    views,
    clock,
    logger: logger.child({ job: 'home' }),
    ...(deps.homeRefresh ? { options: deps.homeRefresh } : {}),
  });
  const formDeps = { form: s.deployForm, views, logger };
  registerCommands(app, {
    config,
    requests: s.requests,
    status: s.status,
    digests: s.digests,
    versions: s.versions,
    locks: s.locks,
    rollbacks: s.rollbacks,
    logger,
    doctor,
    deployForm: formDeps,
  });
  registerInteractions(app, { approvals: s.approvals, rollbacks: s.rollbacks, promotions: s.promotions, logger });
  registerAppHome(app, { home: homeRefresher, logger });
  registerDeployModal(app, formDeps);
  return { app, homeRefresher };
}
