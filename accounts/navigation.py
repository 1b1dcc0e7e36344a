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


NAV_ITEMS = (
    NavItem("Overview", "home", None),
    NavItem("Orders", "orders:list", Perm.VIEW_ORDERS),
    NavItem("Exports", "exports:list", Perm.EXPORT_ORDERS),
    NavItem("Import", "orders:import", Perm.IMPORT_ORDERS),
    NavItem("Access review", "accounts:access_review", Perm.MANAGE_STAFF),
)


def nav_for_user(user, current_path: str) -> list[dict]:
    """The entries this user may use, with the one for the current page marked (the longest
    matching address wins: /orders/import/ is Import, not Orders)."""
    entries = []
    for item in NAV_ITEMS:
        if item.perm is not None and not user_has_perm_anywhere(user, item.perm):
            continue
        url = reverse(item.url_name)
        matches = current_path == url or (url != "/" and current_path.startswith(url))
        entries.append({"label": item.label, "url": url, "active": matches})
    best = max((e for e in entries if e["active"]), key=lambda e: len(e["url"]), default=None)
    for entry in entries:
        entry["active"] = entry is best
    return entries
