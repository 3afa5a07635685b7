"""schemathesis against the served OpenAPI document: generated requests to every operation, as
the province (who may call everything) and as an outsider; no request may cause a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from greenlist.accounts.tokens import issue_token
from greenlist.api.urls import api

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
pytestmark = pytest.mark.django_db(transaction=True)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_causes_a_server_error(case, personas, live_server):
    for user in (personas.province, personas.applicant_y):
        token = issue_token(user, "fuzz")
        case.call_and_validate(
            base_url=live_server.url,
            headers={"Authorization": f"Bearer {token}"},
            checks=[not_a_server_error],
        )
