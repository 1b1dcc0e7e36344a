from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def in_words(value: timedelta) -> str:
    """timedelta(minutes=15) → '15 minutes'; whole hours read as hours."""
    minutes = round(value.total_seconds() / 60)
    if minutes >= 60 and minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
