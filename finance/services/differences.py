"""An accountant's explanation of a reconciliation difference, and taking it back, both
audited. The explanation holds while the difference's facts stay the same
(finance.services.reconcile)."""

from django.db import transaction
from django.utils import timezone

from accounts.models import AuditAction
from accounts.services import audit_record
from finance.models import Difference, DifferenceStatus

NOTE_MAX = 2000


class DifferenceNotExplained(ValueError):
    """Why an explanation was refused, in a sentence."""


class DifferenceNotReopened(ValueError):
    """Why taking an explanation back was refused, in a sentence."""


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


def difference_reopen(*, difference: Difference, user, request=None) -> Difference:
    """Take back the explanation of `difference` (a mistaken or premature one): it is open
    again and its note is dropped, kept in the audit trail with who had written it. Only an
    explained difference can be reopened; a resolved one belongs to reconciliation. The
    permission (Perm.EXPLAIN_DIFFERENCES on its shop) is the caller's to check."""
    with transaction.atomic():
        locked = Difference.objects.select_for_update().get(pk=difference.pk)
        if locked.status != DifferenceStatus.EXPLAINED:
            raise DifferenceNotReopened(
                "This difference is not explained (any more), so there is nothing to reopen."
            )
        payload = {
            "kind": locked.kind,
            "reason": locked.reason,
            "note": locked.note,
            "explained_by": locked.explained_by.email if locked.explained_by else "",
            "explained_at": locked.explained_at.isoformat(),
        }
        locked.status = DifferenceStatus.OPEN
        locked.explained_by, locked.explained_at = None, None
        locked.note, locked.explained_facts = "", ""
        locked.save(
            update_fields=["status", "explained_by", "explained_at", "note", "explained_facts"]
        )
        audit_record(
            action=AuditAction.FINANCE_DIFFERENCE_REOPENED,
            actor=user,
            shop=locked.shop,
            target=locked.key,
            request=request,
            payload=payload,
        )
    return locked
