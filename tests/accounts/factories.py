import factory
from factory.django import DjangoModelFactory

from accounts.models import Shop, User
from accounts.services import membership_grant

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])


class ShopFactory(DjangoModelFactory):
    class Meta:
        model = Shop
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test Shop {n}")
    slug = factory.Sequence(lambda n: f"test-shop-{n}")
    market = "US"
    currency = "USD"
    timezone = "America/Los_Angeles"
    refund_limit = 50


def member(*, shop: Shop, role: str, email: str | None = None) -> User:
    """A user holding `role` in `shop`, granted the way administrators grant it."""
    user = UserFactory(**({"email": email} if email else {}))
    membership_grant(shop=shop, user=user, role=role, actor=None)
    return user
