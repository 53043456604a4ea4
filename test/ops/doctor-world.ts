/**
 * A nock'd world for `coxswain doctor`, every service answering in its real wire format:
 * - Slack Web API: JSON `{ok, ...}` (HTTP 200 even for errors), scopes in the `x-oauth-scopes` response header
 *   (docs.slack.dev/reference/methods/auth.test; docs.slack.dev/authentication/tokens "X-OAuth-Scopes").
 * - STS GetCallerIdentity and IAM SimulatePrincipalPolicy: AWS Query, form body in, XML out, errors as
 *   <ErrorResponse><Error><Code> (docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html;
 *   docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html, CommonErrors AccessDenied 403).
 * - CloudFormation DescribeStacks: AWS Query XML (the envelope written by src/sandbox/query-xml.ts).
 * - CodeBuild BatchGetProjects: AWS JSON 1.1, x-amz-target CodeBuild_20161006.BatchGetProjects, unknown names in
 *   `projectsNotFound` (docs.aws.amazon.com/codebuild/latest/APIReference/API_BatchGetProjects.html).
 * - GitHub REST: GET /repos/{o}/{r}, /branches/{b}, /rate_limit; 404 {"message":"Not Found"} for a repo the token
 *   cannot see (docs.github.com/rest/repos/repos#get-a-repository, /rest/rate-limit).
 * Every request is recorded so tests assert the doctor made no write call.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { stringify } from 'yaml';
import { queryError, queryResponse, stackArn, XML } from '../helpers/cfn-nock.js';
import { exampleConfigRaw } from '../helpers/config.js';
import { AUTH_TEST_OK } from '../helpers/slack-kit.js';

export const SLACK_URL = 'https://slack.doctor.test/api/';
export const GITHUB_URL = 'https://api.github.doctor.test';
export const ALL_SCOPES = 'commands,chat:write,chat:write.public,channels:history,groups:history,channels:join';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

type Reply = [number, string, Record<string, string>];
const xml = XML;
const json = { 'content-type': 'application/json' };

function deny(ns: string, status: number, code: string, message: string): Reply {
  return [status, queryError(code, message, { ns, requestId: 'r-1' }), xml];
}

export interface Project {
  name: string;
  source: { type: string; location?: string; buildspec?: string };
  artifacts: { type: string; location?: string; packaging?: string; namespaceType?: string };
  webhook?: { url: string; filterGroups?: unknown[] };
}

export class DoctorWorld {
  readonly dir = mkdtempSync(join(tmpdir(), 'coxswain-doctor-'));
  readonly configFile = join(this.dir, 'coxswain.yml');
  readonly dbFile = join(this.dir, 'missing.db');
  /** What each service was asked: "slack auth.test", "aws CloudFormation DescribeStacks", "github GET /rate_limit". */
  readonly calls: string[] = [];

  scopes: string | null = ALL_SCOPES;
  authError: string | null = null;
  /** conversations.history error per channel (absent: the bot is a member). */
  channelErrors = new Map<string, string>();
  identity: { arn: string; account: string } | { error: string } = {
    arn: 'arn:aws:sts::123456789012:assumed-role/coxswain-bot/i-0abc',
    account: '123456789012',
  };
  /** StackName@region → status; absent = does not exist. */
  stacks = new Map<string, string>([
    ['api-staging@us-east-1', 'UPDATE_COMPLETE'],
    ['web-staging@us-east-1', 'UPDATE_COMPLETE'],
    ['api-production@eu-west-1', 'UPDATE_COMPLETE'],
    ['site-staging@us-east-1', 'UPDATE_COMPLETE'],
  ]);
  /** name@region → project; absent = projectsNotFound. */
  projects = new Map<string, Project>();
  denied = new Set<string>();
  simulateError: string | null = null;
  /** owner/repo → status (200 readable). */
  repos = new Map<string, number>([
    ['acme/api', 200],
    ['acme/web', 200],
    ['acme/site', 200],
  ]);
  rate = { limit: 5000, remaining: 4990 };
  /** A classic token's `x-oauth-scopes` header on GitHub answers; null: a fine-grained token (no header). */
  githubScopes: string | null = 'repo';
  /** GET /repos' `permissions.push` for the token's user. */
  githubPush = true;

  constructor() {
    const good = (name: string, repo: string, template = false): Project => ({
      name,
      source: { type: 'GITHUB', location: `https://github.com/${repo}.git`, buildspec: 'buildspec.yml' },
      artifacts: template
        ? { type: 'S3', location: 'acme-artifacts', packaging: 'NONE', namespaceType: 'BUILD_ID' }
        : { type: 'NO_ARTIFACTS' },
    });
    this.projects.set('api-image@us-east-1', good('api-image', 'acme/api'));
    this.projects.set('api-image@eu-west-1', good('api-image', 'acme/api'));
    this.projects.set('site-build@us-east-1', good('site-build', 'acme/site', true));
    const raw = structuredClone(exampleConfigRaw) as Record<string, unknown> & { services: Record<string, unknown> };
    raw.services.site = {
      repo: 'acme/site',
      mode: 'template',
      build: { project: 'site-build' },
      template: { artifact: 'cdk.out/Site.template.json' },
      stack: { name: 'site-{env}' },
      environments: { staging: {} },
    };
    writeFileSync(this.configFile, stringify(raw));
  }

  env(): Record<string, string> {
    return {
      SLACK_BOT_TOKEN: 'xoxb-doctor-test',
      SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef0123456789',
      SLACK_API_URL: SLACK_URL,
      GITHUB_TOKEN: 'ghp_doctortest',
      GITHUB_API_URL: GITHUB_URL,
      AWS_REGION: 'us-east-1',
      COXSWAIN_CONFIG: this.configFile,
      COXSWAIN_DB: this.dbFile,
    };
  }

  install(): void {
    nock(SLACK_URL.replace(/\/api\/$/, ''))
      .persist()
      .post(/\/api\/.*/)
      .reply(async (req: Request) =>
        this.slack(new URL(req.url).pathname.replace('/api/', ''), new URLSearchParams(await req.text())),
      );
    for (const region of ['us-east-1', 'eu-west-1']) {
      nock(`https://cloudformation.${region}.amazonaws.com`)
        .persist()
        .post('/')
        .reply(async (req: Request) => this.cfn(region, new URLSearchParams(await req.text())));
      nock(`https://codebuild.${region}.amazonaws.com`)
        .persist()
        .post('/')
        .reply(async (req: Request) =>
          this.codebuild(
            region,
            (req.headers.get('x-amz-target') ?? '').replace('CodeBuild_20161006.', ''),
            JSON.parse(await req.text()) as { names: string[] },
          ),
        );
    }
    nock('https://sts.us-east-1.amazonaws.com')
      .persist()
      .post('/')
      .reply(async (req: Request) => this.sts(new URLSearchParams(await req.text())));
    nock('https://iam.amazonaws.com')
      .persist()
      .post('/')
      .reply(async (req: Request) => this.iam(new URLSearchParams(await req.text())));
    nock(GITHUB_URL)
      .persist()
      .get(/.*/)
      .reply(async (req: Request) => this.github(new URL(req.url).pathname));
    const write = async (req: Request): Promise<Reply> => {
      this.calls.push(`github ${req.method} ${new URL(req.url).pathname}`);
      return [500, '{}', json];
    };
    const gh = nock(GITHUB_URL).persist();
    gh.post(/.*/).reply(write);
    gh.put(/.*/).reply(write);
    gh.patch(/.*/).reply(write);
    gh.delete(/.*/).reply(write);
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private slack(method: string, body: URLSearchParams): Reply {
    this.calls.push(`slack ${method}`);
    if (method === 'auth.test') {
      if (this.authError) return [200, JSON.stringify({ ok: false, error: this.authError }), json];
      const headers: Record<string, string> = { ...json };
      if (this.scopes !== null) headers['x-oauth-scopes'] = this.scopes;
      return [200, JSON.stringify(AUTH_TEST_OK), headers];
    }
    if (method === 'conversations.history') {
      const err = this.channelErrors.get(body.get('channel') ?? '');
      if (err) return [200, JSON.stringify({ ok: false, error: err }), json];
      return [200, JSON.stringify({ ok: true, messages: [], has_more: false, pin_count: 0 }), json];
    }
    return [200, JSON.stringify({ ok: false, error: 'unknown_method' }), json];
  }

  private cfn(region: string, p: URLSearchParams): Reply {
    const action = p.get('Action') ?? '';
    this.calls.push(`aws CloudFormation ${action}`);
    const name = p.get('StackName') ?? '';
    const status = this.stacks.get(`${name}@${region}`);
    if (action !== 'DescribeStacks') return [400, queryError('InvalidAction', action), xml];
    if (!status) return [400, queryError('ValidationError', `Stack with id ${name} does not exist`), xml];
    return [
      200,
      queryResponse('DescribeStacks', {
        Stacks: [
          {
            StackId: stackArn(region, name),
            StackName: name,
            StackStatus: status,
            CreationTime: new Date(0),
          },
        ],
      }),
      xml,
    ];
  }

  private codebuild(region: string, op: string, body: { names: string[] }): Reply {
    this.calls.push(`aws CodeBuild ${op}`);
    const found = body.names.map((n) => this.projects.get(`${n}@${region}`)).filter((p): p is Project => !!p);
    const notFound = body.names.filter((n) => !this.projects.has(`${n}@${region}`));
    return [
      200,
      JSON.stringify({ projects: found, projectsNotFound: notFound }),
      { 'content-type': 'application/x-amz-json-1.1' },
    ];
  }

  private sts(p: URLSearchParams): Reply {
    this.calls.push(`aws STS ${p.get('Action')}`);
    if ('error' in this.identity)
      return deny(STS_NS, 403, this.identity.error, 'The security token included in the request is invalid.');
    const result = { Arn: this.identity.arn, UserId: 'AROAEXAMPLE:i-0abc', Account: this.identity.account };
    return [200, queryResponse('GetCallerIdentity', result, { ns: STS_NS, requestId: 'r-1' }), xml];
  }

  private iam(p: URLSearchParams): Reply {
    this.calls.push(`aws IAM ${p.get('Action')}`);
    if (this.simulateError) {
      return deny(
        IAM_NS,
        403,
        this.simulateError,
        `User: ${p.get('PolicySourceArn')} is not authorized to perform: iam:SimulatePrincipalPolicy`,
      );
    }
    const actions = [...p.entries()].filter(([k]) => k.startsWith('ActionNames.member.')).map(([, v]) => v);
    const results = actions.map((a) => ({
      EvalActionName: a,
      EvalResourceName: '*',
      EvalDecision: this.denied.has(a) ? 'implicitDeny' : 'allowed',
    }));
    const answer = { IsTruncated: false, EvaluationResults: results };
    return [200, queryResponse('SimulatePrincipalPolicy', answer, { ns: IAM_NS, requestId: 'r-2' }), xml];
  }

  private github(path: string): Reply {
    this.calls.push(`github GET ${path}`);
    if (path === '/rate_limit') {
      const core = { ...this.rate, used: this.rate.limit - this.rate.remaining, reset: 1_796_126_400 };
      return [200, JSON.stringify({ resources: { core }, rate: core }), json];
    }
    const m = /^\/repos\/([^/]+\/[^/]+)(\/branches\/(.+))?$/.exec(path);
    const status = m ? this.repos.get(m[1]!) : undefined;
    if (!m || status !== 200) {
      const code = status ?? 404;
      const message = code === 401 ? 'Bad credentials' : 'Not Found';
      return [
        code,
        JSON.stringify({
          message,
          documentation_url: 'https://docs.github.com/rest/repos/repos#get-a-repository',
          status: String(code),
        }),
        json,
      ];
    }
    if (m[3])
      return [200, JSON.stringify({ name: m[3], commit: { sha: 'c0ffee1234567890c0ffee1234567890c0ffee12' } }), json];
    const permissions = { admin: false, maintain: false, push: this.githubPush, triage: true, pull: true };
    const headers = this.githubScopes === null ? json : { ...json, 'x-oauth-scopes': this.githubScopes };
    return [200, JSON.stringify({ full_name: m[1], default_branch: 'main', private: true, permissions }), headers];
  }
}
