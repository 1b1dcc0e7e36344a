"""An accountant's explanation of a reconciliation difference, audited. The explanation
holds while the difference's facts stay the same (finance.services.reconcile)."""

from django.db import transaction
from django.utils import timezone

from accounts.models import AuditAction
from accounts.services import audit_record
from finance.models import Difference, DifferenceStatus

NOTE_MAX = 2000


class DifferenceNotExplained(ValueError):
    """Why an explanation was refused, in a sentence."""


def difference_explain(*, difference: Difference, user, note: str, request=None) -> Difference:
    """Mark `difference` explained by `user` with `note` (required); the permission
    (Perm.EXPLAIN_DIFFERENCES on its shop) is the caller's to check."""
    note = (note or "").strip()
    if not note:
        raise DifferenceNotExplained("Say in a note what explains the difference.")
    if len(note) > NOTE_MAX:
        raise DifferenceNotExplained(f"Keep the note within {NOTE_MAX} characters.")
    with transaction.atomic():
        locked = Difference.objects.select_for_update().get(pk=difference.pk)
        if locked.status == DifferenceStatus.RESOLVED:
            raise DifferenceNotExplained(
                "This difference no longer holds: the last reconciliation resolved it."
            )
        locked.status = DifferenceStatus.EXPLAINED
        locked.explained_by, locked.explained_at = user, timezone.now()
        locked.note, locked.explained_facts = note, locked.facts
        locked.save(
            update_fields=["status", "explained_by", "explained_at", "note", "explained_facts"]
        )
        audit_record(
            action=AuditAction.FINANCE_DIFFERENCE_EXPLAINED,
            actor=user,
            shop=locked.shop,
            target=locked.key,
            request=request,
            payload={"kind": locked.kind, "reason": locked.reason, "note": note},
        )
    return locked
