import pytest

from tests.accounts.factories import ShopFactory


@pytest.fixture
def us_shop(db):
    return ShopFactory(
        slug="us-import", market="US", currency="USD", timezone="America/Los_Angeles"
    )
