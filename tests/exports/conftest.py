"""Fixtures shared by the export tests."""

import pytest


@pytest.fixture
def kl_shop(shop):
    """The shop, in Kuala Lumpur (UTC+8, no daylight saving): local days differ from UTC's."""
    shop.timezone = "Asia/Kuala_Lumpur"
    shop.save(update_fields=["timezone"])
    return shop
