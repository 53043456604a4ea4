import { describe, expect, it } from 'vitest';
import { StacksRepo } from '../../src/store/stacks-repo.js';
import { actionsFailureReply } from '../../src/views/actions-replies.js';
import { FakeS3 } from '../helpers/s3-nock.js';
import { SHA } from '../pipeline/harness.js';
import { actionsSetup, job } from './actions-harness.js';

const setup = actionsSetup();

describe('GitHub Actions build: mode template', () => {
  it('the change set uses the template the workflow uploaded under build.artifacts for this SHA', async () => {
    const { h, m, addRun } = setup();
    // The workflow's bucket: HeadObject asks whether the template's version can be pinned (unversioned here).
    const s3 = new FakeS3('acme-builds', 'us-east-1');
    s3.install();
    const d = h.enqueue('apptpl', 'staging');
    await h.worker.tick();
    expect(h.get(d.id).state).toBe('building');
    await m.worker.tick();
    const run = addRun({ id: 551, workflow: 'synth.yml', repo: 'acme/apptpl' });
    Object.assign(run, { status: 'completed', conclusion: 'success' });
    m.gh.jobs.set(551, [job(61, 'synth', 'completed', 'success', [])]);
    await h.tickUntil(() => h.cfn.count('CreateChangeSet') === 1);
    const create = h.cfn.calls.find((c) => c.action === 'CreateChangeSet')!.params;
    expect(create.get('StackName')).toBe('apptpl-staging');
    expect(create.get('TemplateURL')).toBe(
      `https://acme-builds.s3.us-east-1.amazonaws.com/apptpl/${SHA}/cdk.out/App-staging.template.json`,
    );
    expect(create.get('UsePreviousTemplate')).toBeNull();
    expect(s3.heads).toEqual([`apptpl/${SHA}/cdk.out/App-staging.template.json`]);
  });
});

describe('GitHub Actions build: cancel in mode build', () => {
  it('while the workflow updates a stack, the run is cancelled once (so it cannot go on) and the stack is followed', async () => {
    const { h, m, addRun, startBuild } = setup();
    const d = await startBuild('appcdk');
    addRun({ id: 801, workflow: 'cdk.yml', repo: 'acme/appcdk' });
    m.gh.jobs.set(801, [job(91, 'cdk', 'in_progress', null, [['cdk deploy', 'in_progress', null]])]);
    await h.tickUntil(() => h.get(d.id).buildId === '801');
    h.clock.advance(5_000);
    const stack = 'appcdk-staging';
    h.cfn.event(
      stack,
      {
        LogicalResourceId: stack,
        ResourceType: 'AWS::CloudFormation::Stack',
        ResourceStatus: 'UPDATE_IN_PROGRESS',
        ClientRequestToken: 'exec-cdk-1',
      },
      h.clock.now(),
    );
    h.cfn.stackStatus.set(stack, 'UPDATE_IN_PROGRESS');
    await h.tickUntil(() => new StacksRepo(h.db).get(d.id, 1)?.status === 'updating');
    h.repo.transition(d.id, 'building', 'cancelling', h.clock.now());
    h.clock.advance(10_000);
    await h.worker.tick();
    h.clock.advance(10_000);
    await h.worker.tick();
    expect(m.gh.cancels).toEqual([801]);
    expect(h.reply(d.id, 'actions-cancel')!.blocks).toContain(
      'https://github.com/acme/appcdk/actions/runs/801|workflow run',
    );
    expect(h.get(d.id).state).toBe('cancelling');
  });
});

describe('GitHub Actions build: cancel before the run was found', () => {
  it('adopts the run the GitHub deployment started and cancels it', async () => {
    const { h, m, addRun, startBuild } = setup();
    const d = await startBuild('app');
    h.repo.transition(d.id, 'building', 'cancelling', h.clock.now());
    // GitHub starts the run a few seconds later; the cancel waits for it instead of leaving it running.
    h.clock.advance(10_000);
    await h.worker.tick();
    expect(h.get(d.id).state).toBe('cancelling');
    const run = addRun({ id: 901 });
    h.clock.advance(10_000);
    await h.tickUntil(() => m.gh.cancels.length > 0);
    expect(m.gh.cancels).toEqual([901]);
    Object.assign(run, { status: 'completed', conclusion: 'cancelled' });
    await h.tickUntil(() => h.get(d.id).state === 'cancelled');
  });

  it('a GitHub deployment not yet created when the deployment ended is never created (it would start the workflow)', async () => {
    const { h, m } = setup();
    m.gh.failNext('deployments', 503, 'Service Unavailable');
    const d = h.enqueue('app', 'staging');
    await h.worker.tick();
    await m.worker.tick();
    expect(m.gh.count('deployments')).toBe(1);
    h.repo.transition(d.id, 'building', 'cancelling', h.clock.now());
    await h.tickUntil(() => h.get(d.id).state === 'cancelled');
    h.clock.advance(60_000);
    await m.worker.tick();
    await m.worker.tick();
    expect(m.gh.count('deployments')).toBe(1);
    expect(m.gh.deployments).toEqual([]);
    expect(m.gh.count('runs')).toBe(0);
  });
});

describe('GitHub Actions build: GitHub errors', () => {
  it('a 500 while looking for the run is retried; a 403 (no Actions: read) fails with what the token needs', async () => {
    const { h, m, addRun, startBuild } = setup();
    const d = await startBuild('app');
    addRun({ id: 501 });
    m.gh.failNext('runs', 500, 'Server Error');
    h.clock.advance(5_000);
    expect(await h.worker.runner.advance(d.id)).toBe('transient_error');
    expect(h.get(d.id).state).toBe('building');
    m.gh.failNext('runs', 403, 'Resource not accessible by integration');
    h.clock.advance(30_000);
    await h.worker.runner.advance(d.id);
    expect(h.get(d.id).state).toBe('failed');
    expect(h.get(d.id).failure?.reason).toContain('the token needs Actions: read');
    expect(h.get(d.id).buildId).toBeNull();
  });
});

describe('GitHub Actions failure reply', () => {
  it('escapes the log for mrkdwn, keeps its end within Block Kit limits and cannot be closed early by ```', () => {
    const tail = `${'x'.repeat(5000)}\n\`\`\`\n<@here> & <https://evil|click>\nError: the last line`;
    const msg = actionsFailureReply({ job: 'deploy', step: 'cdk deploy', jobUrl: null, tail });
    const text = (msg.blocks![0] as { text: { text: string } }).text.text;
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).toContain('Error: the last line```');
    expect(text).toContain('&lt;@here&gt; &amp; &lt;https://evil|click&gt;');
    expect(text.match(/```/g)).toHaveLength(2);
    expect(msg.text).toBe('Build failed: job deploy, step cdk deploy');
  });
});
