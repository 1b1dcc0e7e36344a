"""TikTok tasks: thin wrappers that hand ids to tiktok.services."""

from celery import shared_task


@shared_task(name="tiktok.tasks.tiktok_tokens_refresh", acks_late=True)  # safe to run twice
def tiktok_tokens_refresh() -> dict:
    """Beat, hourly: renew access tokens before they expire; forget old used OAuth states.
    Without an app key there is nothing to refresh."""
    from django.conf import settings

    from tiktok.services.oauth import oauth_states_purge
    from tiktok.services.tokens import tokens_refresh_due

    purged = oauth_states_purge()
    if not settings.TIKTOK_APP_KEY:
        return {"skipped": "TIKTOK_APP_KEY is not set", "states_purged": purged}
    return {**tokens_refresh_due(), "states_purged": purged}
