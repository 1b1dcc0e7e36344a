from .navigation import nav_for_user


def navigation(request):
    """Navigation entries for the signed-in user; none for anonymous pages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": nav_for_user(user, request.path)}
