"""Property-based tests against the app's own OpenAPI document (bounded, authenticated).

Every operation gets positive cases (on real ids of a populated book, so bodies reach the
services) and negative ones (data that breaks the schema): no response may be a 5xx, and every
response must match the document: status, content type, headers and body schema.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from tests.api.conftest import client_for, make_key
from tests.api.test_access import populated_book

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 12


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_api_keeps_its_openapi_promises(app: FastAPI, engine: Engine) -> None:
    key = make_key(engine)
    with client_for(app, key) as admin:
        ids = populated_book(admin)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {key}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        fixed = {name: ids[name] for name in ids if f"{{{name}}}" in operation.path}
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
