"""The services and protocols the round trips cover, and botocore's view of each.

botocore speaks only JSON to SQS today, so SQS over query is checked against botocore's last
SQS model of the query protocol (``tests/data/botocore-legacy``): the legacy query API's names,
which cloudtwin's extras give the JSON-era model as ``queryName``s and item names. Any other
service spoken in a protocol its model does not name gets a model that says ``protocol: X``
and wraps each query result in ``<Op>Result`` (the ``resultWrapper`` JSON-first models lack).
"""

from __future__ import annotations

import copy
import os
from functools import cache
from pathlib import Path
from typing import Any

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel
from hypothesis import HealthCheck, settings

from cloudtwin.protocols.aws.models import EXTRAS_DIR, service_model

CASES = [
    ("dynamodb", "json"), ("sqs", "json"), ("sqs", "query"), ("sns", "query"), ("s3", "rest-xml"),
    ("kinesis", "json"), ("lambda", "rest-json"), ("cloudwatch", "smithy-rpc-v2-cbor"), ("cloudwatch", "json"),
    ("cloudwatch", "query"), ("iam", "query"), ("events", "json"), ("sts", "query"), ("route53", "rest-xml"),
]

#: Few examples per operation: there are ~900 operations, and the suite must stay quick. For a
#: deeper, random run: CLOUDTWIN_PROTOCOL_EXAMPLES=50 pytest tests/unit/protocols
SCALE = int(os.environ.get("CLOUDTWIN_PROTOCOL_EXAMPLES", "0"))
EXAMPLES = settings(
    max_examples=SCALE or 3, deadline=None, derandomize=not SCALE, database=None,
    suppress_health_check=list(HealthCheck),
)


#: Deprecated S3 shapes where two members share one element name (``Event`` and the flattened
#: ``Events``): the wire cannot say which was meant, so both read it.
SHARED_ELEMENTS = {("s3", "PutBucketNotification"), ("s3", "GetBucketNotification")}

#: Results written unwrapped (``<LocationConstraint>eu-west-1</LocationConstraint>``): botocore
#: reads them with a handler of the client, not its parser (test_clients covers them).
UNWRAPPED_RESULTS = {("s3", "GetBucketLocation")}


#: Models from before a service changed its protocol: what older clients speak (see its README).
LEGACY_MODELS = Path(__file__).parents[2] / "data" / "botocore-legacy"
LEGACY = {("sqs", "query")}


def model_data(service: str, protocol: str) -> dict[str, Any]:
    """botocore's model of ``service`` with cloudtwin's extras, saying it speaks only ``protocol``;
    the legacy model where clients of ``protocol`` were built from one (SQS over query)."""
    if (service, protocol) in LEGACY:
        return copy.deepcopy(Loader(extra_search_paths=[str(LEGACY_MODELS)]).load_service_model(service, "service-2"))
    loader = Loader(extra_search_paths=[str(EXTRAS_DIR)])
    loader.extras_types.append("cloudtwin")
    data = copy.deepcopy(loader.load_service_model(service, "service-2"))
    data["metadata"]["protocol"] = protocol
    data["metadata"]["protocols"] = [protocol]
    for operation in data["operations"].values():
        output = operation.get("output")
        if output and protocol == "query":
            data["shapes"][output["shape"]].setdefault("resultWrapper", f"{operation['name']}Result")
    return data


@cache
def oracle_model(service: str, protocol: str) -> ServiceModel:
    """The model botocore's serializer and parser use for ``service`` spoken in ``protocol``."""
    ours = service_model(service)
    if protocol in ours.metadata.get("protocols", [ours.protocol]):
        return ours
    return ServiceModel(model_data(service, protocol), service_name=service)


def oracle_operation(service: str, protocol: str, name: str) -> OperationModel:
    return oracle_model(service, protocol).operation_model(name)


#: Single operations of other services, for traits none of CASES has: querystring maps.
EXTRA_OPERATIONS = [("apigateway", "rest-json", op) for op in ("GetExport", "GetSdk", "ImportRestApi", "PutRestApi")]


def operation_cases() -> list[tuple[str, str, str]]:
    every = [(s, p, op) for s, p in CASES for op in sorted(service_model(s).operation_names)]
    return every + EXTRA_OPERATIONS


def case_id(case: tuple[str, ...]) -> str:
    return "-".join(case)
