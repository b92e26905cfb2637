"""Fixtures for the AWS SDK tests: a DynamoDB client and tables made to order; SQS clients in
both of its wire protocols and queues made to order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
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


# -- SQS: clients in both of its wire protocols ---------------------------------------------------
#: botocore's last SQS model of the query protocol (see its README): what SDKs before 2023 send.
LEGACY_MODELS = Path(__file__).parents[2] / "data" / "botocore-legacy"


@pytest.fixture(scope="session")
def sqs_query(server: Any) -> Any:
    """An SQS client built from the legacy query model: the legacy names, on the query wire."""
    import boto3
    import botocore.session
    from botocore.config import Config

    session = botocore.session.Session()
    session.get_component("data_loader").search_paths.insert(0, str(LEGACY_MODELS))
    config = Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=60)
    return boto3.Session(botocore_session=session).client(
        "sqs", endpoint_url=server.endpoint, region_name="us-east-1", config=config)


@pytest.fixture(scope="session")
def sqs_json(aws: Callable[..., Any]) -> Any:
    return aws("sqs")


@pytest.fixture(params=["json", "query"])
def sqs(request: pytest.FixtureRequest) -> Any:
    """An SQS client, once per wire protocol."""
    return request.getfixturevalue(f"sqs_{request.param}")


@pytest.fixture
def make_queue(sqs: Any, unique_name: str) -> Callable[..., str]:
    """make_queue(fifo=False, **attributes) -> queue URL."""
    counter = iter(range(100))

    def make(fifo: bool = False, **attributes: str) -> str:
        name = f"{unique_name[:60]}-{next(counter)}" + (".fifo" if fifo else "")
        if fifo:
            attributes["FifoQueue"] = "true"
        return str(sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"])

    return make
