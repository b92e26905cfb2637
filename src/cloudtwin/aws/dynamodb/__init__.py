"""The DynamoDB face, on the table engine.

LIMITATIONS (known differences from AWS):
- Tables and indexes are ACTIVE at once (CreateTable answers ACTIVE, not CREATING); global
  secondary indexes are updated with the table, so they are never stale.
- Capacity is recorded, never enforced: no throttling.
- ItemCount/TableSizeBytes are exact at every DescribeTable (AWS refreshes them about every
  six hours); so is an index's ItemCount, while its IndexSizeBytes counts its items whole (exact
  for ALL projections, an upper bound for KEYS_ONLY and INCLUDE).
- TTL deletes expired items within one sweep interval (default 1 s) of their expiry on the
  server clock, where AWS takes up to a few days.
- Resource policies are stored and versioned, not enforced; contributor insights record their
  status only (no statistics).
- Point-in-time restore can reach back as far as the table's change log: RecoveryPeriodInDays
  from when recovery was enabled (the log keeps 24 h before that).
- PartiQL: after "Statement wasn't well formed, can't be processed:" the detail of a syntax
  error is cloudtwin's own; BatchExecuteStatement and ExecuteTransaction report no
  ConsumedCapacity; ``x IS NULL`` holds for NULL values, not for missing attributes.
"""

from cloudtwin.aws._face import Face, Operations
from cloudtwin.aws.dynamodb import backups, batch, items, partiql, policies, reads, tables, transactions
from cloudtwin.aws.dynamodb.env import DynamoEnv
from cloudtwin.aws.dynamodb.errors import to_aws

operations = Operations({
    **tables.operations, **items.operations, **reads.operations, **batch.operations, **transactions.operations,
    **partiql.operations, **backups.operations, **policies.operations,
})

FACE = Face("dynamodb", operations, to_aws)

__all__ = ["FACE", "DynamoEnv"]
