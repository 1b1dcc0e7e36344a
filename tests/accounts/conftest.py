"""Fixtures of the accounts tests: people who belong to more than one shop."""

import pytest

from accounts.roles import Role
from accounts.services import membership_grant


@pytest.fixture
def shared(shop, other_shop, viewer, outsider):
    """North Shop's viewer is also an accountant of South Shop (granted by its administrator)."""
    membership_grant(shop=other_shop, user=viewer, role=Role.ACCOUNTANT, actor=outsider)
    return viewer
