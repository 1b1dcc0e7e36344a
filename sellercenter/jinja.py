"""Jinja2 for the few templates whose loops dominate a page's time (docs/decisions.md,
"Jinja2 for the order list's table"): the environment Django's own Jinja2 backend builds, and
`{% jinja %}`, which renders one of those templates from inside a Django template.

Django templates stay the default; a Jinja2 template is under templates/jinja2/, autoescapes,
and fails on an undefined name (StrictUndefined) instead of printing nothing.
"""

from django import template
from django.template import engines
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from jinja2 import Environment, StrictUndefined

register = template.Library()


def url(name: str, *args, **kwargs) -> str:
    """`{{ url('orders:detail', order_id) }}`, as Django's `{% url %}`."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options) -> Environment:
    options.pop("autoescape", None)  # always on, whatever the settings say
    options.setdefault("undefined", StrictUndefined)
    env = Environment(autoescape=True, **options)
    env.globals["url"] = url
    return env


@register.simple_tag(takes_context=True)
def jinja(context, template_name: str, **values) -> SafeString:
    """`{% jinja "orders/order_list_table.html" page=page %}`: that Jinja2 template rendered
    with exactly the names given (and the request's `csrf_input`), already escaped."""
    found = engines["jinja2"].get_template(template_name)
    return mark_safe(found.render(values, request=context.get("request")))  # noqa: S308 - autoescaped
