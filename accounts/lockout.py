"""What django-axes counts failed sign-ins against (AXES_USERNAME_CALLABLE)."""

from accounts.models import email_address_normalize


def lockout_username(request, credentials: dict | None) -> str:
    """The normalised address, so failures typed as Viewer@ and viewer@ share one counter
    (otherwise every change of case would buy another five attempts)."""
    if credentials:
        typed = credentials.get("username")
    else:
        typed = getattr(request, "data", request.POST).get("username")
    return email_address_normalize(str(typed or ""))
