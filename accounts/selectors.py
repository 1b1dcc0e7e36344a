"""Reads for accounts: shop and user look-ups, and the access review."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.exceptions import InvalidEmail, UnknownShop, UnknownUser
from accounts.models import Membership, Shop, User, email_address_normalize
from accounts.roles import Role

INACTIVE_AFTER = timedelta(days=90)

ACCESS_REVIEW_CSV_HEADER = (
    "shop",
    "shop_name",
    "email",
    "full_name",
    "role",
    "last_login",
    "last_activity",
    "two_factor",
    "inactive_90_days",
    "missing_required_2fa",
    "invited_not_signed_in",
)


def email_validated(email: str) -> str:
    """`email` normalised (email_address_normalize) and validated: InvalidEmail otherwise."""
    normalized = email_address_normalize(email)
    try:
        validate_email(normalized)
    except ValidationError:
        raise InvalidEmail(email) from None
    return normalized


def shop_get(*, slug: str) -> Shop:
    """The shop with `slug`; UnknownShop when there is none."""
    try:
        return Shop.objects.get(slug=slug)
    except Shop.DoesNotExist:
        raise UnknownShop(slug) from None


def shop_administrator_emails(*, shop: Shop) -> list[str]:
    """The addresses of the shop's active administrators, for the mails they alone get."""
    return list(
        Membership.objects.filter(shop=shop, role=Role.ADMINISTRATOR, user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
        .distinct()
    )


def user_get_by_email(*, email: str) -> User:
    """The user with `email` (any case); InvalidEmail or UnknownUser otherwise."""
    normalized = email_validated(email)
    user = User.objects.filter(email=normalized).first()
    if user is None:
        raise UnknownUser(normalized)
    return user


@dataclass(frozen=True)
class AccessReviewRow:
    """One member of one shop as an administrator reviews them."""

    shop: Shop
    user: User
    email: str
    full_name: str
    role: str
    last_login: datetime | None
    last_activity: datetime | None
    two_factor: bool
    inactive: bool  # signed in before, but not within INACTIVE_AFTER
    missing_required_2fa: bool  # the shop requires two-factor and the member has none
    member_since: datetime  # when the role in this shop was given (the invitation)

    @property
    def invited(self) -> bool:
        """Never signed in: invited, and not (yet) started."""
        return self.last_login is None

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def flags(self) -> list[str]:
        return [
            text
            for text, raised in (
                ("invited, not signed in yet", self.invited),
                ("inactive 90+ days", self.inactive),
                ("no 2FA", self.missing_required_2fa),
            )
            if raised
        ]

    def csv_cells(self) -> tuple[str, ...]:
        """The row under ACCESS_REVIEW_CSV_HEADER; times in the shop's zone, ISO 8601."""
        return (
            self.shop.slug,
            self.shop.name,
            self.email,
            self.full_name,
            self.role,
            _iso_in_zone(self.last_login, self.shop),
            _iso_in_zone(self.last_activity, self.shop),
            _yes_no(self.two_factor),
            _yes_no(self.inactive),
            _yes_no(self.missing_required_2fa),
            _yes_no(self.invited),
        )


@dataclass(frozen=True)
class AccessReviewSummary:
    members: int  # memberships: a person in two shops counts twice
    inactive: int
    invited: int
    missing_required_2fa: int


def access_review_rows(
    *, shops: Iterable[Shop], now: datetime | None = None
) -> list[AccessReviewRow]:
    """Every member of `shops` with role, last login/activity and 2FA, flagged; one query."""
    inactive_before = (now or timezone.now()) - INACTIVE_AFTER
    confirmed_totp = TOTPDevice.objects.filter(user=OuterRef("user_id"), confirmed=True)
    memberships = (
        Membership.objects.filter(shop__in=shops)
        .select_related("shop", "user")
        .annotate(two_factor=Exists(confirmed_totp))
        .order_by("shop__name", "shop_id", "user__email")
    )
    return [
        AccessReviewRow(
            shop=m.shop,
            user=m.user,
            email=m.user.email,
            full_name=m.user.full_name,
            role=m.role,
            last_login=m.user.last_login,
            last_activity=m.user.last_activity_at,
            two_factor=m.two_factor,
            inactive=m.user.last_login is not None and m.user.last_login < inactive_before,
            missing_required_2fa=m.shop.require_two_factor and not m.two_factor,
            member_since=m.created_at,
        )
        for m in memberships
    ]


def access_review_summary(*, rows: list[AccessReviewRow]) -> AccessReviewSummary:
    """Counts for the top of the review."""
    return AccessReviewSummary(
        members=len(rows),
        inactive=sum(row.inactive for row in rows),
        invited=sum(row.invited for row in rows),
        missing_required_2fa=sum(row.missing_required_2fa for row in rows),
    )


def _iso_in_zone(moment: datetime | None, shop: Shop) -> str:
    return moment.astimezone(shop.zone).isoformat(timespec="seconds") if moment else ""


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"
