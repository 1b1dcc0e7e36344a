from django import template

from orders.links import order_url as _order_url

register = template.Library()


@register.simple_tag
def order_url(name: str, order, *args, **query) -> str:
    """`{% order_url 'orders:status' order %}`: see orders/links.py."""
    return _order_url(name, order, *args, **query)
