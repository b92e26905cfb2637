"""DynamoDB's PartiQL: the statement language of ExecuteStatement, BatchExecuteStatement and
ExecuteTransaction, parsed here (it is DynamoDB's wire language) and run on the table engine.

lexer -> parser (syntax trees) -> binding (values and ? parameters) -> expressions (WHERE and
SET as DynamoDB expression text, compiled by the engine) -> plans (keys, Query or Scan, write
actions) -> reads / operations.
"""

from cloudtwin.aws.dynamodb.partiql.operations import operations

__all__ = ["operations"]
