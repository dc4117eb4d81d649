"""Property-based run of the whole OpenAPI document (schemathesis) against the app on real PostgreSQL and Redis.

For every operation, with valid and with invalid requests: no 5xx, every response matches its documented
status, content type, headers and schema, and a request the schema forbids is never accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    # Declared security is enforced: the same request without the key is refused.
    ignored_auth,
]
# A raw body is bytes on the wire: an "integer" generated as an invalid text/plain body arrives as the same digits
# a valid string would, so type violations of raw bodies cannot be rejected and are not checked.
RAW_BODY_TYPES = ("text/plain", "text/html", "application/x-ndjson")
EXAMPLES_PER_OPERATION = 25


def run_operation(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,  # the same examples on every run: a red build is reproducible, a green one stays green
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        checks = CHECKS
        if case.media_type in RAW_BODY_TYPES:
            checks = [check for check in CHECKS if check is not negative_data_rejection]
        case.call_and_validate(headers=headers, checks=checks)

    check()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_every_operation_conforms(
    app: Flask, make_key: Callable[..., str], queued_messages: Any, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {make_key()}"}
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        try:
            run_operation(operation, mode, headers)
        except Unsatisfiable:
            # No parameters and no body (the probes): there is no invalid request to make.
            assert mode is GenerationMode.NEGATIVE
        except Exception as error:  # collect every operation's failure, not only the first
            failures.append(f"{operation.label}: {error}"[:3000])
    assert not failures, "\n\n".join(failures)
