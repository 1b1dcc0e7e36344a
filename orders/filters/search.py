"""The filters planned by how many orders they match: free text, product name, needs action.

A rare condition is read as the keys of its few orders, fetched along the index that covers
it; a common one stays in the rows query, which finds the first page by walking the newest
orders. Every match counts either way; only the plan differs.
"""

import re

from django.db.models import Q

from orders.filters.choices import MAX_ORDER_IDS
from orders.models import Order, OrderLine, Package
from orders.needs_action import DEADLINE_NEEDS_ACTION, needs_action_q

SEARCH_MATCH_CAP = 2000  # keys fetched for a rare word; a broader search should be narrowed
RECENT_ORDERS = 2000  # how far back a word is tried to decide whether it is common
RECENT_HITS_FOR_INLINE = 25
ORDER_ID = re.compile(r"^\d{18,19}$")
# Buyer fields searched by `q` and `buyer`; masked for roles without "see buyer contact".
CONTACT_SEARCH_FIELDS = ("buyer_username", "recipient_name", "buyer_email", "recipient_phone")
BUYER_FILTER_FIELDS = ("buyer_username", "recipient_name")


def parse_order_ids(text: str) -> list[str] | None:
    """Order ids separated by commas or spaces, or None when the text is not only ids."""
    tokens = [t for t in re.split(r"[\s,;]+", text.strip()) if t]
    if tokens and all(ORDER_ID.match(t) for t in tokens):
        return tokens
    return None


def _common_or_keys(matches, recent_hits: int, condition: Q) -> Q:
    """Plan a contains-search by how common the word is among the newest orders.

    Common (a page of hits among the newest orders): keep the condition in the rows query.
    Rare: fetch the matching keys through the trigram index, which is quick when there are
    few (a word rarer among the newest orders than overall, with more than SEARCH_MATCH_CAP
    matches, stays in the rows query too).
    """
    if recent_hits >= RECENT_HITS_FOR_INLINE:
        return condition
    keys = list(matches[: SEARCH_MATCH_CAP + 1])
    return condition if len(keys) > SEARCH_MATCH_CAP else Q(pk__in=keys)


class PlannedFilters:
    """The FilterSet's planned filters; it provides `selected_shops`, `unmasked_shop_ids`,
    `now` and `user`."""

    def contact_q(self, text: str, fields=BUYER_FILTER_FIELDS) -> Q:
        """Contains-search on buyer fields, only in shops where the user sees them unmasked."""
        shop_ids = [s.pk for s in self.selected_shops if s.pk in self.unmasked_shop_ids]
        if not shop_ids:
            return Q(pk__in=[])
        match = Q()
        for field in fields:
            match |= Q(**{f"{field}__icontains": text})
        return Q(shop__in=shop_ids) & match

    def search_q(self, text: str) -> Q:
        """Order ids (up to 100 at once), tracking number, seller SKU, buyer or product.

        Identifiers are looked up first, each on its own index; when one matches, that is what
        the person typed. Otherwise the text is searched inside buyer fields and product names,
        each planned by how many orders it matches (see `_common_or_keys`).
        """
        text = text.strip()
        ids = parse_order_ids(text)
        if ids is not None:  # the first 100 different ids (the list's note says so)
            return Q(order_id__in=list(dict.fromkeys(ids))[:MAX_ORDER_IDS])
        shop_ids = [s.pk for s in self.selected_shops]
        in_shops = {"order__shop_id__in": shop_ids}
        exact = [OrderLine.objects.filter(seller_sku=text, **in_shops).values_list("order_id")]
        if text.isdigit():  # order ids are digits
            exact.append(
                Order.objects.filter(shop_id__in=shop_ids, order_id=text).values_list("pk")
            )
        if not any(char.isspace() for char in text):  # tracking numbers have no spaces
            exact.append(
                Package.objects.filter(tracking_number=text, **in_shops).values_list("order_id")
            )
        found = Q()
        for source in exact:
            keys = [key for (key,) in source[: SEARCH_MATCH_CAP + 1]]
            if len(keys) > SEARCH_MATCH_CAP:  # a best-selling SKU: every order, by subquery
                found |= Q(pk__in=source)
            elif keys:
                found |= Q(pk__in=keys)
        if found:
            return found
        contacts = self.contact_q(text, CONTACT_SEARCH_FIELDS)
        lines = OrderLine.objects.filter(product_name__icontains=text, **in_shops)
        return _common_or_keys(
            Order.objects.filter(contacts).values_list("pk", flat=True),
            self._recent_contact_hits(text),
            contacts,
        ) | _common_or_keys(
            lines.values_list("order_id", flat=True),
            self._recent_product_hits(text),
            Q(pk__in=lines.values("order_id")),
        )

    def _recent_contact_hits(self, text: str) -> int:
        """How many of the newest orders the text is in (buyer fields the user sees unmasked),
        counted here: in SQL, PostgreSQL tends to read every match through the trigram index
        first, which costs the most for the most common names."""
        needle = text.casefold()
        return sum(
            1
            for shop_id, *values in self._recent_orders()[1]
            if shop_id in self.unmasked_shop_ids
            and any(needle in (value or "").casefold() for value in values)
        )

    def filter_product(self, queryset, name, value):
        shops = [s.pk for s in self.selected_shops]
        lines = OrderLine.objects.filter(order__shop_id__in=shops, product_name__icontains=value)
        return queryset.filter(
            _common_or_keys(
                lines.values_list("order_id", flat=True),
                self._recent_product_hits(value),
                Q(pk__in=lines.values("order_id")),
            )
        )

    def _recent_product_hits(self, text: str) -> int:
        """How many lines of the newest orders name `text` in their product. Those orders are
        of the selected shops already: no join to orders (it doubled the count's time)."""
        recent = self.recent_order_keys()
        return OrderLine.objects.filter(product_name__icontains=text, order_id__in=recent).count()

    def recent_order_keys(self) -> list[int]:
        """The newest orders of the selected shops, to tell common words from rare ones."""
        return self._recent_orders()[0]

    def _recent_orders(self) -> tuple[list[int], list[tuple]]:
        """(keys, (shop id, *buyer fields) rows) of the newest orders, read once."""
        if not hasattr(self, "_recent"):
            shops = [s.pk for s in self.selected_shops]
            rows = list(
                Order.objects.filter(shop_id__in=shops)
                .order_by("-create_time")
                .values_list("pk", "shop_id", *CONTACT_SEARCH_FIELDS)[:RECENT_ORDERS]
            )
            self._recent = ([row[0] for row in rows], [row[1:] for row in rows])
        return self._recent

    def filter_needs_action(self, queryset, name, values):
        """Orders needing a person are few: their keys come first from the small indexes that
        cover them (deadlines of orders to ship, refund requests, tracking problems), and the
        rows query reads just those instead of walking the newest orders past thousands."""
        shops = [s.pk for s in self.selected_shops]
        match = Q()
        for code in values:
            condition = needs_action_q(code, self.now, user=self.user)
            keys = Order.objects.filter(condition, shop_id__in=shops).values_list("pk", flat=True)
            if code in DEADLINE_NEEDS_ACTION:  # read along the partial index on deadlines
                keys = keys.order_by("shipping_due_time")
            found = list(keys[: SEARCH_MATCH_CAP + 1])
            match |= Q(pk__in=found) if len(found) <= SEARCH_MATCH_CAP else condition
        return queryset.filter(match)
