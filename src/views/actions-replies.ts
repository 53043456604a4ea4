import { formatMinutes } from './format.js';
import { shortSha } from './links.js';
import { clip, esc, LIMITS, link, type SlackMessage } from './slack-message.js';

/** Where a GitHub Actions run is: the job and step running now (or the last one), and how many jobs are done. */
export interface RunProgress {
  job: string | null;
  step: string | null;
  jobsDone: number;
  jobsTotal: number;
  /** What this job took in past successful builds of the target (median), and over how many runs. */
  usual?: { medianMs: number; samples: number } | undefined;
}

/** One line for the progress reply: "Job `deploy` · step `cdk deploy` · 1 of 2 jobs done". */
export function runProgressLine(p: RunProgress): string {
  if (!p.job) return 'Waiting for a runner';
  const step = p.step ? ` · step \`${esc(p.step)}\`` : '';
  const usual = p.usual
    ? ` · this job usually takes ${formatMinutes(p.usual.medianMs)} (median of ${p.usual.samples} run${p.usual.samples === 1 ? '' : 's'})`
    : '';
  return `Job \`${esc(p.job)}\`${step} · ${p.jobsDone} of ${p.jobsTotal} job${p.jobsTotal === 1 ? '' : 's'} done${usual}`;
}

export function actionsStartedReply(workflow: string, runUrl: string): SlackMessage {
  const mrkdwn = `:hammer_and_wrench: Build started in GitHub Actions workflow \`${esc(workflow)}\` · ${link(runUrl, 'run')}`;
  return {
    text: clip(`Build started (GitHub Actions ${workflow})`, LIMITS.fallbackText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(mrkdwn, LIMITS.sectionText) } }],
  };
}

export interface ActionsFailureInput {
  job: string;
  step: string | null;
  jobUrl: string | null;
  /** The end of the job's log, already bounded (adapters/github-actions.ts logTail); null when it could not be read. */
  tail: string | null;
}

/** The end of a text within `max` characters: in a log the last lines say what failed. */
function keepEnd(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}

/** The failed job and step, linked, with the tail of its log in a code block (escaped; ``` cannot end it early). */
export function actionsFailureReply(i: ActionsFailureInput): SlackMessage {
  const where = `job ${i.jobUrl ? link(i.jobUrl, i.job) : `\`${esc(i.job)}\``}${i.step ? `, step \`${esc(i.step)}\`` : ''}`;
  const tail = i.tail
    ? `\n\`\`\`${keepEnd(esc(i.tail.replace(/```/g, "'''")), LIMITS.sectionText - 400)}\`\`\``
    : '\n_(the job log could not be read)_';
  return {
    text: clip(`Build failed: job ${i.job}${i.step ? `, step ${i.step}` : ''}`, LIMITS.fallbackText),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(`:x: Failed in ${where}${tail}`, LIMITS.sectionText) } },
    ],
  };
}

export function actionsShaWarning(expected: string, built: string, runUrl: string): SlackMessage {
  const mrkdwn = `:warning: The ${link(runUrl, 'workflow run')} checked out \`${shortSha(built)}\`, not the requested \`${shortSha(expected)}\`.`;
  return {
    text: `Workflow run SHA mismatch: ${shortSha(built)} instead of ${shortSha(expected)}`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn } }],
  };
}

export function actionsCancelReply(runUrl: string): SlackMessage {
  return {
    text: 'Cancelling the workflow run',
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `:no_entry_sign: Cancelling the ${link(runUrl, 'workflow run')}` },
      },
    ],
  };
}
