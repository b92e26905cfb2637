"""botocore's service models, loaded once, with cloudtwin's extras layered on.

Extras are data files ``extras/<service>/<api-version>/service-2.cloudtwin-extras.json``
merged by botocore's own Loader mechanism (as moto does): model gaps and per-service wire
facts live there, not in ``if service == ...`` code.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from botocore.loaders import JSONFileLoader, Loader
from botocore.model import OperationModel, ServiceModel

EXTRAS_DIR = Path(__file__).with_name("extras")


class FastJSONFileLoader(JSONFileLoader):  # type: ignore[misc]  # botocore is untyped
    """botocore's file loader, reading JSON with orjson: models load several times faster,
    which is most of cloudtwin's start-up (dicts keep their order, so no OrderedDict needed)."""

    def _load_file(self, full_path: str, open_method: Any) -> Any:
        if not os.path.isfile(full_path):
            return None
        with open_method(full_path, "rb") as fp:
            return orjson.loads(fp.read())


@cache
def _loader() -> Loader:
    loader = Loader(extra_search_paths=[str(EXTRAS_DIR)], file_loader=FastJSONFileLoader())
    loader.extras_types.append("cloudtwin")
    return loader


@cache
def service_model(service: str) -> ServiceModel:
    """The model of ``service`` (botocore's name, e.g. "dynamodb", "sqs", "s3")."""
    data = _loader().load_service_model(service, "service-2")
    return ServiceModel(data, service_name=service)


@cache
def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


def available_services() -> list[str]:
    return list(_loader().list_available_services("service-2"))
