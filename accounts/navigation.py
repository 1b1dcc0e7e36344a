"""The main navigation: each entry names the permission it needs, so links match access."""

from dataclasses import dataclass

from django.urls import reverse

from accounts.access import user_has_perm_anywhere
from accounts.roles import Perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: Perm | None  # None: every signed-in user
    # The pages it is the menu entry of: a URL namespace (every page of that app) or one URL name.
    section: str


NAV_ITEMS = (
    NavItem("Overview", "home", None, "home"),
    NavItem("Orders", "orders:list", Perm.VIEW_ORDERS, "orders"),
    NavItem("Insights", "insights:page", Perm.VIEW_INSIGHTS, "insights"),
    NavItem("Finance", "finance:statements", Perm.VIEW_FINANCE, "finance"),
    NavItem("Exports", "exports:list", Perm.EXPORT_ORDERS, "exports"),
    NavItem("Import", "imports:upload", Perm.IMPORT_ORDERS, "imports"),
    NavItem("TikTok Shop", "tiktok:shops", Perm.MANAGE_CONNECTIONS, "tiktok"),
    NavItem("Webhooks", "webhooks:list", Perm.MANAGE_WEBHOOKS, "webhooks"),
    NavItem("Access review", "accounts:access_review", Perm.MANAGE_STAFF, "accounts:access_review"),
)


def nav_for_user(user, resolver_match) -> list[dict]:
    """The entries this user may use, with the one of the current page's section marked."""
    here = {resolver_match.namespace, resolver_match.view_name} if resolver_match else set()
    return [
        {"label": item.label, "url": reverse(item.url_name), "active": item.section in here}
        for item in NAV_ITEMS
        if item.perm is None or user_has_perm_anywhere(user, item.perm)
    ]
