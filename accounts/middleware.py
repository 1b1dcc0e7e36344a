"""Record when each signed-in user was last active (for the access review), and keep an
active session from expiring."""

import time
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


SESSION_REFRESH_SECONDS = 300  # an idle session ends SESSION_COOKIE_AGE after, ± five minutes
_REFRESHED = "_refreshed_at"


class SessionRefreshMiddleware:
    """Slides a session's expiry forward at most once every five minutes. Django's
    SESSION_SAVE_EVERY_REQUEST does it by writing the session row on every request, a write
    and a commit on every page read (docs/decisions.md, "The session's expiry moves every
    five minutes")."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(_REFRESHED, 0) >= SESSION_REFRESH_SECONDS:
                session[_REFRESHED] = now  # marks it modified: SessionMiddleware saves it
        return response
