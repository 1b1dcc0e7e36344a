"""Actions on many orders at once, chosen on the order list (ticked rows or all matching).

Features register an action here (the exports issue registers "export"); the list shows a
button for each action the user may take, and `orders:bulk` resolves the selection through
the scoping selector before calling it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from accounts.access import user_has_perm_anywhere
from accounts.roles import Perm


@dataclass(frozen=True)
class BulkAction:
    code: str
    label: str
    perm: Perm
    # Called with the request and the selected orders (already scoped to the user's shops
    # where they hold `perm`); returns the response to send, usually a redirect.
    run: Callable[[HttpRequest, QuerySet], HttpResponse]


BULK_ACTIONS: dict[str, BulkAction] = {}


def bulk_action_register(action: BulkAction) -> None:
    BULK_ACTIONS[action.code] = action


def bulk_actions_for_user(user) -> list[BulkAction]:
    return [a for a in BULK_ACTIONS.values() if user_has_perm_anywhere(user, a.perm)]
