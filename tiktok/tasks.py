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


@shared_task(name="tiktok.tasks.tiktok_sync_shop", acks_late=True)  # a re-run stores nothing twice
def tiktok_sync_shop(connection_id: int, since: str | None = None) -> dict:
    """One shop's orders brought up to date with TikTok; `since` (ISO time): read again from
    then on. Skipped while another sync of the shop runs."""
    from tiktok.services.sync import connection_sync

    return connection_sync(connection_id=connection_id, since=since).as_dict()


@shared_task(name="tiktok.tasks.tiktok_sync_due")
def tiktok_sync_due() -> dict:
    """Beat, every minute: queue a sync of each connected shop not synced within the interval."""
    from django.conf import settings

    from tiktok.services.sync import connections_sync_due

    if not settings.TIKTOK_APP_KEY:
        return {"skipped": "TIKTOK_APP_KEY is not set"}
    return connections_sync_due()


@shared_task(name="tiktok.tasks.tiktok_webhook_apply", acks_late=True)  # a re-run changes nothing
def tiktok_webhook_apply(connection_id: int, envelope: dict) -> dict:
    """Act on one TikTok notification, already verified and taken once by the webhook view:
    re-fetch the orders it names, or mark the connection revoked, or warn of its expiry."""
    from tiktok.services.webhook_apply import tiktok_webhook_apply as apply

    return apply(connection_id=connection_id, envelope=envelope)


@shared_task(name="tiktok.tasks.tiktok_action_send", acks_late=True)  # a claimed row sends once
def tiktok_action_send(action_id: int) -> str:
    """One attempt at an outbox row (a shipment): sent, retried later, or settled."""
    from tiktok.services.actions import action_send_now

    return action_send_now(action_id=action_id)


@shared_task(name="tiktok.tasks.tiktok_actions_due")
def tiktok_actions_due() -> dict:
    """Beat, every minute: queue the outbox rows due for a retry and those a dead worker left
    "sending"."""
    from tiktok.services.outbox import actions_due

    return actions_due()


@shared_task(name="tiktok.tasks.tiktok_documents_fetch", acks_late=True)  # a re-run re-fetches
def tiktok_documents_fetch(package_pk: int, attempt: int = 0) -> dict:
    """A TikTok-shipped package's label and packing slip, fetched and stored once its
    shipment is arranged; asked again later while TikTok is still making them."""
    from tiktok.services.documents import package_documents_run

    return package_documents_run(package_pk=package_pk, attempt=attempt)


@shared_task(
    name="tiktok.tasks.tiktok_finance_pull_shop", acks_late=True
)  # upserts: re-runs add nothing
def tiktok_finance_pull_shop(connection_id: int) -> dict:
    """One shop's statements, transactions, payments, withdrawals and unsettled estimates
    brought up to date with TikTok, and the months pulled reconciled."""
    from tiktok.services.finance_pull import connection_finance_pull

    return connection_finance_pull(connection_id=connection_id).as_dict()


@shared_task(name="tiktok.tasks.tiktok_finance_due")
def tiktok_finance_due() -> dict:
    """Beat, every 15 minutes: queue a finance pull of each connected shop not pulled within
    TIKTOK_FINANCE_INTERVAL_SECONDS."""
    from django.conf import settings

    from tiktok.services.finance_pull import connections_finance_due

    if not settings.TIKTOK_APP_KEY:
        return {"skipped": "TIKTOK_APP_KEY is not set"}
    return connections_finance_due()
