"""Fixtures for the AWS SDK tests: a DynamoDB client and tables made to order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture(scope="session")
def ddb(aws: Callable[..., Any]) -> Any:
    return aws("dynamodb")


def _definitions(keys: dict[str, str]) -> list[dict[str, str]]:
    return [{"AttributeName": name, "AttributeType": kind} for name, kind in keys.items()]


@pytest.fixture
def make_table(ddb: Any, unique_name: str) -> Callable[..., str]:
    """make_table(hash=("pk", "S"), range=("sk", "S"), **create_table_kwargs) -> table name."""
    counter = iter(range(100))

    def make(hash: tuple[str, str] = ("pk", "S"), range: tuple[str, str] | None = None,
             extra_attributes: dict[str, str] | None = None, **kwargs: Any) -> str:
        name = f"{unique_name}-{next(counter)}"[-255:]
        attributes = {hash[0]: hash[1], **({range[0]: range[1]} if range else {}), **(extra_attributes or {})}
        schema = [{"AttributeName": hash[0], "KeyType": "HASH"}]
        if range:
            schema.append({"AttributeName": range[0], "KeyType": "RANGE"})
        kwargs.setdefault("BillingMode", "PAY_PER_REQUEST")
        ddb.create_table(TableName=name, KeySchema=schema, AttributeDefinitions=_definitions(attributes), **kwargs)
        return name

    return make
