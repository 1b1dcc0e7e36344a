from accounts.access import shop_list_for_user, shops_awaiting_two_factor
from accounts.navigation import nav_for_user


def navigation(request):
    """Menu, shop switcher and two-factor reminder for the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "nav_items": [],
            "switcher_shops": [],
            "current_shop": None,
            "shops_awaiting_two_factor": [],
        }
    shops = shop_list_for_user(user)
    current = next((shop for shop in shops if shop.pk == user.preferred_shop_id), None)
    return {
        "nav_items": nav_for_user(user, request.resolver_match),
        "switcher_shops": shops,
        "current_shop": current,
        "shops_awaiting_two_factor": shops_awaiting_two_factor(user),
    }
