"""`{% load words %}` then `{{ package.tracking_status|words:"tracking" }}`: a status code in
the words of statuses.VOCABULARIES, the one table of what people read."""

from django import template

from ..statuses import words as _words

register = template.Library()


@register.filter
def words(code, vocabulary: str) -> str:
    return _words(vocabulary, code)
