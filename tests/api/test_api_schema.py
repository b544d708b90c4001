"""The OpenAPI schema: valid, every path in it answers, the docs load from local files, and a
bounded, offline schemathesis run finds no 5xx and no response that breaks the schema."""

import re
import sys

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from portal.wsgi import application

if sys.version_info < (3, 11):
    from exceptiongroup import BaseExceptionGroup  # hypothesis's own backport

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_is_valid_openapi_3(openapi):
    validate_schema(openapi)  # raises on an invalid document
    assert openapi["openapi"].startswith("3.")


def test_the_schema_is_served_and_documents_every_contract_path(openapi):
    response = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200 and response.json()["openapi"].startswith("3.")
    for path in [
        "/api/v1/measures/",
        "/api/v1/measures/{id}/",
        "/api/v1/bureaus/",
        "/api/v1/tiers/",
        "/api/v1/targets/",
        "/api/v1/replies/",
        "/api/v1/search/",
        "/api/v1/stats/bureaus/",
        "/api/v1/stats/co-responsibility/",
        "/api/v1/stats/targets/",
        "/api/v1/stats/themes/",
        "/api/v1/export/",
    ]:
        assert path in openapi["paths"], path
    patch = openapi["paths"]["/api/v1/measures/{id}/"]["patch"]
    assert {"412", "428", "401", "403"} <= set(patch["responses"])


def test_every_path_in_the_schema_answers_a_get(openapi, measure):
    from policies.models import Bureau, Target
    from replies.models import Reply

    ids = {
        "measures": measure(17).pk,
        "bureaus": Bureau.objects.named("市经信局").get().pk,
        "targets": Target.objects.values_list("pk", flat=True)[0],
        "replies": Reply.objects.values_list("pk", flat=True)[0],
        "documents": measure(17).document_id,
        "tiers": "little-giant",
        "themes": "financing",
    }
    api = APIClient()
    for path, operations in openapi["paths"].items():
        if "get" not in operations:
            continue
        resource = path.split("/")[3]
        url = re.sub(r"\{\w+\}", str(ids.get(resource, "")), path)
        query = {"q": "融资"} if resource == "search" else {}
        assert api.get(url, query).status_code == 200, url


def test_the_interactive_docs_load_swagger_from_local_static_files():
    html = APIClient().get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


# ----- schemathesis: property-based requests generated from the schema, sent in-process (WSGI)
# to the real app on the test database. Bounded: a fixed number of examples per operation and a
# fixed seed, so the run is repeatable and takes seconds.

EXAMPLES_PER_OPERATION = 25
NEGATIVE_EXAMPLES_PER_OPERATION = 10
# A NUL character is rejected with a 400 on purpose (PostgreSQL cannot store one); the schema
# cannot say so, so schemathesis is told not to send them as "valid" data.
CONFIG = SchemathesisConfig.from_dict({"generation": {"allow-x00": False}})
load_all_checks()
ALL_CHECKS = CHECKS.get_all()


@pytest.fixture
def wsgi_app():
    """The real WSGI app, kept inside the test's transaction: like Django's test client, stop the
    request signals from closing the connection (on PostgreSQL that would end the transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _examples(mode) -> int:
    if mode == GenerationMode.NEGATIVE:
        return NEGATIVE_EXAMPLES_PER_OPERATION
    return EXAMPLES_PER_OPERATION


def _checks_for(operation) -> list:
    if operation.method.upper() in ("POST", "PUT", "PATCH"):
        # A schema cannot say "an existing tier slug" or "a bureau id that exists": a body the
        # schema allows may rightly be a 400 when it names what is not there.
        return [c for c in ALL_CHECKS if c.__name__ != "positive_data_acceptance"]
    return ALL_CHECKS


def _run_every_operation(schema, mode, headers=None, examples=EXAMPLES_PER_OPERATION) -> list:
    """Every operation, `examples` generated cases each, with every schemathesis check (the
    equivalent of `schemathesis run --checks all`); the failures, one line per operation."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call_and_validate(checks=_checks_for(case.operation))
            assert response.status_code < 500, response.text

        try:
            run()
        except (Exception, BaseExceptionGroup) as failure:  # one report names every failure
            failures.append(f"{operation.label}: {failure}")
    return failures


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_with_every_check_finds_no_failure_without_a_token(openapi, wsgi_app, mode):
    schema = schemathesis.openapi.from_dict(openapi, config=CONFIG)
    schema.app = wsgi_app
    failures = _run_every_operation(schema, mode, examples=_examples(mode))
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_with_every_check_finds_no_failure_with_a_superusers_token(
    openapi, wsgi_app, charlie, mode
):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=charlie).key
    schema = schemathesis.openapi.from_dict(openapi, config=CONFIG)
    schema.app = wsgi_app
    headers = {"Authorization": f"Token {token}", "If-Match": "*"}
    failures = _run_every_operation(schema, mode, headers, examples=_examples(mode))
    assert not failures, "\n\n".join(failures)


def test_schemathesis_edits_by_a_superuser_never_end_in_a_server_error(
    openapi, wsgi_app, charlie, measure
):
    """Generated PATCH bodies, sent with a valid token and `If-Match: *` to a measure that
    exists, reach measure_update."""
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=charlie).key
    schema = schemathesis.openapi.from_dict(openapi, config=CONFIG)
    schema.app = wsgi_app
    operation = schema["/api/v1/measures/{id}/"]["PATCH"]

    @given(
        case=operation.as_strategy(
            path_parameters={"id": measure(16).pk},
            headers={"Authorization": f"Token {token}", "If-Match": "*"},
        )
    )
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # A schema cannot say "an existing tier slug": a 400 for an unknown one is right here.
        checks = [c for c in ALL_CHECKS if c.__name__ != "positive_data_acceptance"]
        response = case.call_and_validate(checks=checks)
        assert response.status_code in (200, 400), response.text

    run()
