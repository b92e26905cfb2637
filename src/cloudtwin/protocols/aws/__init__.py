"""AWS wire protocols, driven by botocore's service models.

One ``WireProtocol`` per protocol, registered by botocore's name in ``wire.py``:

- ``json_wire``       awsJson 1.0/1.1: ``X-Amz-Target``, JSON bodies (``parse/json``, ``serialize/json``)
- ``query_wire``      query: form ``Action``, flattened params (``parse/query``), XML results (``serialize/query``)
- ``rest_json_wire``  rest-json  } both on ``rest_wire``: routing by method and URI template, labels,
- ``rest_xml_wire``   rest-xml   } query string, headers (``parse/rest``, ``serialize/rest``); bodies JSON or XML
- ``cbor_wire``       smithy-rpc-v2-cbor: ``/service/<S>/operation/<Op>``, CBOR bodies (``parse/cbor``, ``serialize/cbor``)

Shared pieces: ``compile.py`` (the per-shape compile walk), ``parse/document.py`` (JSON and CBOR
readers), ``parse/text.py``/``serialize/text.py`` (scalars as text), ``parse/xml.py``/``serialize/xml.py``
(XML both ways), ``error_shapes.py`` (legacy error codes and statuses), ``shapes.py`` (timestamps, blobs).
"""
