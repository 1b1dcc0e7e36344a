"""Schema-driven fuzzing (schemathesis) of every operation /api/v1/schema/ lists, against a live
server on the test database: schema-valid and schema-breaking requests, sent with a token of
every scope, with a narrower one and with none, must never get a 500, and every answer must be
one the schema documents (status, media type, headers and body).

The operations are read from the schema, so an endpoint added later is fuzzed too. A path
parameter the data below knows (an order id) is also sent with real values, so the 200 bodies
are checked and not only the 404s. Bounded (a few dozen examples per operation and token) so
the file takes well under a minute; a failure prints the request to reproduce it (curl).

Not checked: that every schema-valid request is accepted (schemathesis' positive_data_acceptance),
because some refusals depend on the data, not the schema: a cursor must be one we signed, a
carrier one the shop's orders hold, `date_to` not before `date_from`.
"""

import pytest
import requests

from accounts.roles import Role
from api.scopes import Scope
from tests.accounts.factories import member
from tests.api.helpers import token_for
from tests.conftest import require
from tests.orders.factories import OrderFactory

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
)
# Examples per operation, by who asks: (schema-valid, schema-breaking).
EXAMPLES = {"every scope": (20, 12), "fewer scopes": (5, 3), "no token": (3, 2)}
KNOWN_EXAMPLES = 8  # per operation whose path parameters are all known, with every scope


def _schemathesis():
    """The package, or a skip (a failure under CI=true, where it must be installed)."""
    try:
        import schemathesis
    except ImportError:
        schemathesis = None
    require(schemathesis is not None, "schemathesis (pip install -c constraints.txt -e '.[dev]')")
    return schemathesis


@pytest.fixture
def fuzzed(live_server, shop, other_shop, admin, settings):
    """The live server's schema, the tokens that ask, and the path values that exist."""
    schemathesis = _schemathesis()
    settings.API_RATE_LIMIT = "100000/minute"  # fuzzing is not a rate-limit test
    orders = [
        OrderFactory(shop=shop, status=status, buyer_message="Leave it at the door")
        for status in ("DELIVERED", "IN_TRANSIT", "CANCELLED", "AWAITING_SHIPMENT", "COMPLETED")
    ]
    OrderFactory(shop=other_shop)  # a shop the tokens do not cover
    viewer = member(shop=shop, role=Role.VIEWER, email="fuzz-viewer@example.test")
    tokens = {
        "every scope": token_for(admin, [shop], list(Scope.values)).secret,
        # A Viewer sees buyer fields masked; the token has one scope of the four.
        "fewer scopes": token_for(viewer, [shop], [Scope.ORDERS_READ]).secret,
        "no token": None,
    }
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/v1/schema/?format=json", config=schemathesis.Config()
    )
    known = {"order_id": [order.order_id for order in orders]}
    return schema, tokens, known


def _checks():
    from schemathesis import checks

    checks.load_all_checks()
    found = [getattr(checks, name) for name in CHECKS]
    return [
        _rejection_on_the_wire(c) if c.__name__ == "negative_data_rejection" else c for c in found
    ]


def _rejection_on_the_wire(check):
    """`negative_data_rejection`, without the cases whose breakage never reaches the server:
    the Authorization header dropped (this harness always sends its asker's), and a list
    parameter turned into a string (`?category=x` is a list of one on the wire, whatever
    the generator meant) that is a valid item. Schemathesis discounts the mirror case
    itself (a list of one for a scalar) but not this one."""
    from schemathesis.core.failures import AcceptedNegativeData
    from schemathesis.core.mutations import OperatorKind

    def lost_on_the_wire(case, mutation) -> bool:
        where = mutation.parameter_location.value
        if where == "header":
            return (mutation.parameter or "").lower() == "authorization"
        param = case.operation.query.get(mutation.parameter or "") if where == "query" else None
        schema = getattr(param, "definition", {}).get("schema", {})
        value = (case.query or {}).get(mutation.parameter)
        item = schema.get("items", {})
        return (
            mutation.operator == OperatorKind.CHANGE_TYPE
            and schema.get("type") == "array"
            and isinstance(value, str)
            and len(value) <= item.get("maxLength", len(value))
            and value in item.get("enum", [value])
        )

    def negative_data_rejection(ctx, response, case):
        try:
            return check(ctx, response, case)
        except AcceptedNegativeData:
            mutations = getattr(case.meta.phase.data, "mutations", ())
            if mutations and all(lost_on_the_wire(case, m) for m in mutations):
                return None
            raise

    return negative_data_rejection


def fuzz(schema, base_url: str, tokens: dict, known: dict) -> list[str]:
    """Each operation fuzzed by each asker: the failures found, each with its reproduction."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    checks = _checks()
    session = requests.Session()
    failures = []

    def run(operation, who, secret, mode, examples, path_parameters=None):
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        strategy = operation.as_strategy(generation_mode=mode)
        if path_parameters:
            strategy = st.fixed_dictionaries(path_parameters).flatmap(
                lambda values: operation.as_strategy(generation_mode=mode, path_parameters=values)
            )

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def one(case):
            response = case.call(base_url=base_url, session=session, headers=headers)
            case.validate_response(response, checks=checks, headers=headers)

        try:
            one()
        except (Exception, BaseExceptionGroup) as failure:  # every operation, then reported
            failures.append(f"{operation.label} ({who}, {mode.value}):\n{failure}")

    with session:  # closed after: the server's threads let go of their connections
        for result in schema.get_all_operations():
            operation = result.ok()
            for who, secret in tokens.items():
                for mode, examples in zip(GenerationMode, EXAMPLES[who], strict=True):
                    run(operation, who, secret, mode, examples)
            names = [p.name for p in operation.path_parameters]
            if names and all(name in known for name in names):
                values = {name: st.sampled_from(known[name]) for name in names}
                secret = tokens["every scope"]
                run(
                    operation,
                    "every scope",
                    secret,
                    GenerationMode.POSITIVE,
                    KNOWN_EXAMPLES,
                    values,
                )
    return failures


def test_every_operation_answers_as_its_schema_says(fuzzed, live_server):
    schema, tokens, known = fuzzed
    labels = [result.ok().label for result in schema.get_all_operations()]
    assert "GET /api/v1/orders/" in labels  # the schema was read, not an empty one
    failures = fuzz(schema, live_server.url, tokens, known)
    assert not failures, "\n\n".join(failures)


def test_a_response_outside_the_schema_is_caught(fuzzed, live_server):
    """The run is not vacuous: against a schema that says a shop's slug is a number, the
    shops list's real answer is reported."""
    schemathesis = _schemathesis()
    schema, tokens, _ = fuzzed
    raw = schema.raw_schema
    raw["components"]["schemas"]["Shop"]["properties"]["slug"] = {"type": "integer"}
    narrowed = schemathesis.openapi.from_dict(raw, config=schemathesis.Config()).include(
        path="/api/v1/shops/"
    )
    failures = fuzz(narrowed, live_server.url, {"every scope": tokens["every scope"]}, {})
    assert failures and "GET /api/v1/shops/" in failures[0]
    assert 'is not of type "integer"' in "\n".join(failures)


def test_the_schema_leaves_the_order_lists_filters_unbuilt():
    """Describing the filters must not build (and so cache) a form field on the FilterSet
    class: instances would copy it and ignore the shops they are given (`?shop=` → 404)."""
    from api.views.orders import filter_parameters
    from orders.filters import OrderFilterSet

    filter_parameters()
    assert not [
        name for name, filt in OrderFilterSet.base_filters.items() if hasattr(filt, "_field")
    ]
