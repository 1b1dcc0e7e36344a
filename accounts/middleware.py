"""Record when each signed-in user was last active (for the access review)."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User

ACTIVITY_RESOLUTION = timedelta(minutes=5)  # at most one write per user per five minutes


class ActivityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            if user.last_activity_at is None or now - user.last_activity_at > ACTIVITY_RESOLUTION:
                User.objects.filter(pk=user.pk).update(last_activity_at=now)
        return response
