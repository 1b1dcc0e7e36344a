"""Hypothesis settings shared by the fuzz tests: bounded so the suite stays fast."""

from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

FUZZ = hypothesis_settings(
    max_examples=60,
    deadline=None,
    database=None,  # nothing written next to the code; a failure prints its input
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
