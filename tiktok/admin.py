"""Django admin for the outbox: every action sent (or being sent) to TikTok, with TikTok's
answer, for an operator who asks "did TikTok hear of it?". Read-only: a row changes only
through the outbox (tiktok.services.outbox); the one thing an operator may do is send a row
that waits now instead of at its next attempt."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.utils import timezone

from accounts.admin_mixins import ReadOnlyAdminMixin
from tiktok.models import TikTokAction
from tiktok.services.outbox import action_enqueue


@admin.register(TikTokAction)
class TikTokActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "order",
        "kind",
        "state",
        "attempts",
        "answer",
        "actor",
        "sent_at",
    )
    list_filter = ("state", "kind", "connection__shop")
    search_fields = ("=order__order_id", "=request_id")
    list_select_related = ("order", "actor", "connection__shop")
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ("send_now",)
    fields = (
        "connection",
        "order",
        "kind",
        "state",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "response_code",
        "response_message",
        "request_id",
        "last_error",
        "actor",
        "created_at",
        "sent_at",
        "payload",
    )

    @admin.display(description="TikTok's answer")
    def answer(self, action: TikTokAction) -> str:
        if action.response_code is None:
            return action.last_error or "—"
        return f"{action.response_code}: {action.response_message}"[:120]

    @admin.action(description="Send the selected waiting actions now")
    def send_now(self, request, queryset: QuerySet) -> None:
        """Pending rows become due at once and are queued; others are left alone (a done or
        refused action is never sent again, and one being sent belongs to its worker)."""
        if not request.user.is_superuser:
            self.message_user(request, "Only a superuser may send actions.", messages.ERROR)
            return
        waiting = list(
            queryset.filter(state=TikTokAction.State.PENDING).values_list("pk", flat=True)
        )
        TikTokAction.objects.filter(pk__in=waiting, state=TikTokAction.State.PENDING).update(
            next_attempt_at=timezone.now()
        )
        for pk in waiting:
            action_enqueue(pk)
        skipped = queryset.count() - len(waiting)
        text = f"{len(waiting)} waiting action{'s' if len(waiting) != 1 else ''} queued"
        if skipped:
            text += f"; {skipped} not waiting, left alone"
        self.message_user(request, text + ".", messages.SUCCESS)
