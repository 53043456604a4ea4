/**
 * CloudFormation resource types that hold data: replacing one of them (a new physical resource) can lose that data,
 * so an approval request flags it loudly.
 */
const STATEFUL_TYPES = new Set([
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::RDS::GlobalCluster',
  'AWS::S3::Bucket',
  'AWS::S3Express::DirectoryBucket',
  'AWS::EFS::FileSystem',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::OpenSearchService::Domain',
  'AWS::Elasticsearch::Domain',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::ServerlessCache',
  'AWS::MemoryDB::Cluster',
  'AWS::Neptune::DBCluster',
  'AWS::Neptune::DBInstance',
  'AWS::DocDB::DBCluster',
  'AWS::DocDB::DBInstance',
  'AWS::DocDBElastic::Cluster',
  'AWS::FSx::FileSystem',
  'AWS::Kinesis::Stream',
  'AWS::KinesisFirehose::DeliveryStream',
  'AWS::SQS::Queue',
  'AWS::Redshift::Cluster',
  'AWS::RedshiftServerless::Namespace',
  'AWS::Timestream::Table',
  'AWS::QLDB::Ledger',
  'AWS::Cassandra::Table',
  'AWS::EC2::Volume',
  'AWS::Backup::BackupVault',
  'AWS::Logs::LogGroup',
  'AWS::KMS::Key',
  'AWS::Cognito::UserPool',
  'AWS::SecretsManager::Secret',
]);

export function isStateful(resourceType: string): boolean {
  return STATEFUL_TYPES.has(resourceType);
}

/**
 * A change set summary as the runner stores it (deployment_stacks.changes); `removals` is optional because only
 * a removed stateful resource needs naming.
 */
export interface ChangeSetSummary {
  add: number;
  modify: number;
  remove: number;
  replacements: readonly { logicalId: string; type: string; conditional: boolean }[];
  removals?: readonly { logicalId: string; type: string }[];
}

export interface StatefulRisk {
  logicalId: string;
  type: string;
  why: 'replaced' | 'maybe replaced' | 'removed';
}

/** Stateful resources that a change set replaces (for sure or conditionally) or removes. */
export function statefulRisks(s: ChangeSetSummary): StatefulRisk[] {
  const out: StatefulRisk[] = [];
  for (const r of s.replacements) {
    if (isStateful(r.type))
      out.push({ logicalId: r.logicalId, type: r.type, why: r.conditional ? 'maybe replaced' : 'replaced' });
  }
  for (const r of s.removals ?? []) {
    if (isStateful(r.type)) out.push({ logicalId: r.logicalId, type: r.type, why: 'removed' });
  }
  return out;
}
