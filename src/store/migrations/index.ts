import { sql as core } from './001-core.js';
import { sql as digests } from './002-digests.js';
import { sql as outbox } from './004-outbox.js';
import { sql as approvalsLocks } from './005-approvals-locks.js';
import { sql as deployModes } from './006-deploy-modes.js';
import { sql as driftPerStack } from './007-drift-per-stack.js';
import { sql as actionStack } from './008-action-stack.js';
import { sql as closedLoop } from './009-i14-closed-loop.js';
import { sql as blindMonitor, learnedSql } from './013-issue13.js';
import { sql as githubDeployments } from './015-i15-github-deployments.js';
import { sql as continuousDelivery } from './016-i16-continuous-delivery.js';

/** Numbered, append-only. A migration is never edited once it has shipped. */
export const migrations: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  { version: 1, name: 'core', sql: core },
  { version: 2, name: 'digests', sql: digests },
  { version: 4, name: 'outbox', sql: outbox },
  { version: 5, name: 'approvals-locks', sql: approvalsLocks },
  { version: 6, name: 'deploy-modes', sql: deployModes },
  { version: 7, name: 'drift-per-stack', sql: driftPerStack },
  { version: 8, name: 'action-stack', sql: actionStack },
  { version: 9, name: 'i14-closed-loop', sql: closedLoop },
  { version: 13, name: 'blind-monitor-learned-history', sql: blindMonitor + learnedSql },
  { version: 15, name: 'github-deployments', sql: githubDeployments },
  { version: 16, name: 'i16-continuous-delivery', sql: continuousDelivery },
];
