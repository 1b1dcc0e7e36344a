"""`{% load words %}` then `{{ package.tracking_status|words:"tracking" }}`: a status code in
the words of statuses.VOCABULARIES, the one table of what people read."""

from django import template

from accounts.zones import zone_abbreviation
from orders.statuses import words as _words

register = template.Library()


@register.filter
def words(code, vocabulary: str) -> str:
    return _words(vocabulary, code)


@register.filter
def zone_name(moment) -> str:
    """`{{ moment|zone_name }}`: "PST", "UTC+8" (accounts/zones.py)."""
    return zone_abbreviation(moment) if moment else ""
