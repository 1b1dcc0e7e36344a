"""Writes to a connection's state and its record of errors, each once and audited where a
person must act."""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import AuditAction, Shop, User
from accounts.services import audit_record
from tiktok.models import ConnectionState, TikTokConnection

ERROR_CHARS = 1000


def connection_audit(
    *,
    action: AuditAction,
    connection: TikTokConnection,
    actor: User | None,
    request: HttpRequest | None,
    payload: dict,
) -> None:
    """One audit event about a connection, naming the TikTok shop it reads."""
    audit_record(
        action=action,
        actor=actor,
        shop=connection.shop,
        target=f"TikTok shop {connection.tiktok_shop_id or '(none chosen)'}",
        request=request,
        payload=payload,
    )


def _error_text(error: Exception) -> str:
    # TikTok errors print code, status, path and request id; none holds a token or secret.
    return (str(error) or type(error).__name__)[:ERROR_CHARS]


def connection_unusable(connection: TikTokConnection | None) -> str:
    """Why a background job cannot read this connection's shop now ("" when it can)."""
    if connection is None:
        return "the connection no longer exists"
    if connection.state != ConnectionState.CONNECTED:
        return f"the connection is {connection.get_state_display().lower()}"
    if not connection.tiktok_shop_id:
        return "no TikTok shop is chosen"
    return ""


def connection_error_record(*, connection: TikTokConnection, error: Exception) -> None:
    """Keep the latest failure on the connection, for its page; the state stays."""
    now = timezone.now()
    connection.last_error, connection.last_error_at = _error_text(error), now
    TikTokConnection.objects.filter(pk=connection.pk).update(
        last_error=connection.last_error, last_error_at=now, updated_at=now
    )


def connection_needs_reauthorization(
    *, connection: TikTokConnection, error: Exception, step: str
) -> bool:
    """Mark a connected connection as needing the seller to authorize again, with one audit
    event; False (and nothing written but the error) when it was no longer connected."""
    now = timezone.now()
    message = _error_text(error)
    with transaction.atomic():
        changed = TikTokConnection.objects.filter(
            pk=connection.pk, state=ConnectionState.CONNECTED
        ).update(
            state=ConnectionState.NEEDS_REAUTHORIZATION,
            last_error=message,
            last_error_at=now,
            updated_at=now,
        )
        if changed:
            audit_record(
                action=AuditAction.TIKTOK_TOKEN_FAILED,
                shop=connection.shop,
                target=f"TikTok shop {connection.tiktok_shop_id or '(none chosen)'}",
                payload=_failure_payload(error, step),
            )
        else:
            connection_error_record(connection=connection, error=error)
    if changed:
        connection.state = ConnectionState.NEEDS_REAUTHORIZATION
        connection.last_error, connection.last_error_at = message, now
    return bool(changed)


def _failure_payload(error: Exception, step: str) -> dict:
    return {
        "step": step,
        "error": type(error).__name__,
        "code": getattr(error, "code", None),
        "request_id": getattr(error, "request_id", ""),
        "message": getattr(error, "message", "") or _error_text(error),
    }


def token_failure_audit(
    *,
    shop: Shop,
    error: Exception,
    step: str,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> None:
    """An authorization that failed before there was a connection to mark (a refused code)."""
    audit_record(
        action=AuditAction.TIKTOK_TOKEN_FAILED,
        actor=actor,
        shop=shop,
        target="TikTok authorization",
        request=request,
        payload=_failure_payload(error, step),
    )
