/**
 * `coxswain doctor`: a list of small, independent, read-only checks. Each module exports a DoctorCheck; runner.ts
 * lists them, so a new area (GitHub deployments, gates…) is one more entry. A check never changes anything: it
 * only calls describe/get/list/simulate APIs.
 */
import type { Octokit } from '@octokit/rest';
import type { WebClient } from '@slack/web-api';
import type { AwsClients } from '../adapters/aws-clients.js';
import type { Config } from '../app/config.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  /** The area it belongs to: config, slack, aws, codebuild, iam, github… */
  area: string;
  /** What was checked, e.g. "stack api-production (eu-west-1)". */
  name: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** For warn/fail: the exact fix (the scope, the IAM action, the command to run). */
  fix?: string;
}

export interface CallerIdentity {
  account: string;
  arn: string;
}

export interface DoctorContext {
  config: Config;
  /** Region used when a target names none (config.region ?? AWS_REGION). */
  defaultRegion: string | undefined;
  slack: WebClient;
  octokit: Octokit;
  /** Whether GITHUB_TOKEN is set (unauthenticated GitHub is rate-limited to 60 requests an hour). */
  githubToken: boolean;
  aws: AwsClients;
  /** sts:GetCallerIdentity, asked once and shared by the AWS checks; rejects when there are no usable credentials. */
  callerIdentity(): Promise<CallerIdentity>;
}

export interface DoctorCheck {
  area: string;
  run(ctx: DoctorContext): Promise<CheckResult[]>;
}

export const ok = (area: string, name: string, detail: string): CheckResult => ({ area, name, status: 'ok', detail });
export const warn = (area: string, name: string, detail: string, fix: string): CheckResult => ({
  area,
  name,
  status: 'warn',
  detail,
  fix,
});
export const fail = (area: string, name: string, detail: string, fix: string): CheckResult => ({
  area,
  name,
  status: 'fail',
  detail,
  fix,
});

/** A short description of an error, for a check's detail (AWS name, Slack error code, HTTP status). */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: string; message?: string; status?: number; data?: { error?: string } };
    if (e.data?.error) return e.data.error;
    if (e.status) return `HTTP ${e.status}${e.message ? `: ${e.message.split('\n')[0]}` : ''}`;
    if (e.name && e.name !== 'Error') return `${e.name}: ${e.message ?? ''}`.trim();
    if (e.message) return e.message;
  }
  return String(err);
}

export function errorName(err: unknown): string | undefined {
  return err && typeof err === 'object' ? (err as { name?: string }).name : undefined;
}
