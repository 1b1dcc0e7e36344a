"""The signed, single-use OAuth `state` of TikTok's authorization link, and the link itself.

A state is signed with the portal's SECRET_KEY (django.core.signing) and names the portal
shop, the user who started the connection and a random nonce; it expires after
TIKTOK_OAUTH_STATE_MAX_AGE_SECONDS. The callback consumes it: its nonce is written to
`OAuthStateUse`, whose unique index refuses a second use even when two callbacks race.
"""

import secrets
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Shop, User
from tiktok.exceptions import OAuthStateInvalid
from tiktok.models import OAuthStateUse

SALT = "tiktok.oauth-state"


def oauth_state_issue(*, shop: Shop, user: User) -> str:
    """A new state for one authorization attempt by `user` for `shop`."""
    payload = {"shop": shop.pk, "user": user.pk, "nonce": secrets.token_urlsafe(24)}
    return signing.dumps(payload, salt=SALT, compress=True)


def oauth_state_consume(*, state: str, user: User) -> int:
    """The portal shop id the state was issued for; raises OAuthStateInvalid unless it is
    genuine, unexpired, issued to this user and not used before. Uses it up."""
    try:
        payload = signing.loads(
            (state or "").strip(), salt=SALT, max_age=settings.TIKTOK_OAUTH_STATE_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired:
        raise OAuthStateInvalid("the authorization took too long; start again") from None
    except signing.BadSignature:
        raise OAuthStateInvalid("the authorization reply was not started here") from None
    if not isinstance(payload, dict) or not all(
        isinstance(payload.get(key), kind)
        for key, kind in (("shop", int), ("user", int), ("nonce", str))
    ):
        raise OAuthStateInvalid("the authorization reply was not started here")
    if payload["user"] != user.pk:
        raise OAuthStateInvalid("the authorization was started by another user")
    try:
        with transaction.atomic():
            OAuthStateUse.objects.create(nonce=payload["nonce"])
    except IntegrityError:
        raise OAuthStateInvalid("this authorization reply was used already") from None
    return payload["shop"]


def oauth_states_purge(*, now: datetime | None = None) -> int:
    """Forget used states old enough that their signature has expired anyway."""
    age = timedelta(seconds=settings.TIKTOK_OAUTH_STATE_MAX_AGE_SECONDS)
    deleted, _ = OAuthStateUse.objects.filter(used_at__lt=(now or timezone.now()) - age).delete()
    return deleted


def authorize_url(*, market: str, state: str) -> str:
    """TikTok's authorization page for a shop in `market`; it takes the service id, not the
    app key, and sends the seller back to the redirect URL registered in Partner Center."""
    base = settings.TIKTOK_AUTHORIZE_URL_US if market == "US" else settings.TIKTOK_AUTHORIZE_URL
    return f"{base}?{urlencode({'service_id': settings.TIKTOK_SERVICE_ID, 'state': state})}"
