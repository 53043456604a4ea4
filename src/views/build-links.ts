import { clip, esc, LIMITS, link, type SlackMessage } from './slack-message.js';

/**
 * Links to a CodeBuild build. Until CodeBuild has provisioned the build there is no log stream (the adapter drops
 * StartBuild's `group=null;stream=null` deep link), so the thread links to the build's console page, and the
 * build-started reply is edited to the log link once it exists.
 */

/** The build's page in the CodeBuild console (the id is project:uuid). */
export function buildConsoleUrl(region: string, buildId: string): string {
  const colon = buildId.indexOf(':');
  const project = colon > 0 ? buildId.slice(0, colon) : buildId;
  const host = region.startsWith('cn-') ? 'console.amazonaws.cn' : `${region}.console.aws.amazon.com`;
  return `https://${host}/codesuite/codebuild/projects/${encodeURIComponent(project)}/build/${encodeURIComponent(buildId)}/?region=${region}`;
}

export type BuildLink = { kind: 'logs' | 'console'; url: string };

/** "Build started" with the log link when there is one, else the build's console page. */
export function buildStartedLinksReply(project: string, where: BuildLink): SlackMessage {
  const label = where.kind === 'logs' ? 'build logs' : 'build in the console (logs once it runs)';
  return section(
    `:hammer_and_wrench: Build started in CodeBuild project \`${esc(project)}\` · ${link(where.url, label)}`,
    `Build started (${project})`,
  );
}

/** AccountLimitExceededException: CodeBuild refused to queue the build (none was created); Coxswain tries again. */
export function buildQueueFullReply(project: string, message: string): SlackMessage {
  return section(
    `:hourglass: CodeBuild's build queue is full (${esc(message)}). No build was created for \`${esc(project)}\`: Coxswain keeps trying to start it and posts here when it starts.`,
    `CodeBuild build queue full: waiting to start ${project}`,
  );
}

function section(mrkdwn: string, fallback: string): SlackMessage {
  return {
    text: clip(fallback, LIMITS.fallbackText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(mrkdwn, LIMITS.sectionText) } }],
  };
}
