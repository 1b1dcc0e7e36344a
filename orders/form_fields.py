"""Form fields that refuse what the database or the code cannot take, the same way everywhere.

The order list's FilterSet, the order page's forms and the export form
all read input through these fields, so bad input gets the same clear message wherever it is
typed and never reaches PostgreSQL (which refuses NUL) or Decimal arithmetic (NaN, 1e400).
The rules are written down in docs/operations.md, "Input validation".
"""

import re
import unicodedata
from datetime import date
from decimal import Decimal

from django import forms
from django.forms.renderers import Jinja2

# Widgets rendered through Django's own Jinja2 copies of its widget templates, six times
# faster than its template engine, for a form on a hot page (`default_renderer = FAST_FORMS`;
# the order list's save-a-view form was 3 of its 8 ms of templates). One instance, so that
# its environment is built once.
FAST_FORMS = Jinja2()

# Days before TikTok Shop or long after today are typing mistakes, and far-off years overflow
# when a local midnight is turned into UTC (9999-12-31 in Los Angeles is year 10000 in UTC).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
ASCII_WHOLE = re.compile(r"[0-9]+")
ASCII_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
ASCII_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Every primary key is a bigint: PostgreSQL refuses a larger number, SQLite overflows on it.
ROW_ID_MAX = 2**63 - 1
LINE_BREAKS = frozenset("\n\r\t")
# ISO 4217 currencies without minor units; every other currency has two decimals.
ZERO_DECIMAL_CURRENCIES = frozenset({"CLP", "ISK", "JPY", "KRW", "UGX", "VND", "XAF", "XOF"})


def control_character(text: str, *, multiline: bool = False) -> str | None:
    """The first control character in `text` as "U+0000", or None when there is none.

    Control characters (Cc: NUL, ESC, DEL, …) and lone surrogates (Cs) are never part of
    a name, an address or a note; a multi-line text may hold line breaks and tabs.
    """
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cs") and not (multiline and char in LINE_BREAKS):
            return f"U+{ord(char):04X}"
    return None


def refuse_control_characters(text: str, *, multiline: bool = False) -> None:
    """ValidationError naming the first control character of `text`, if it holds one."""
    found = control_character(text, multiline=multiline)
    if found:
        raise forms.ValidationError(
            f"Remove the control character {found}: text may not contain control characters.",
            code="control_character",
        )


def row_id(text: str) -> int | None:
    """`text` as a primary key (1 to ROW_ID_MAX, digits 0–9 only), or None if it cannot be one.

    str.isdigit() also accepts '²' and '٣', which int() refuses or reads as 3; the length is
    checked first because int() refuses more than 4,300 digits.
    """
    text = str(text).strip()
    if len(text) > len(str(ROW_ID_MAX)) or not ASCII_WHOLE.fullmatch(text):
        return None
    key = int(text)
    return key if 1 <= key <= ROW_ID_MAX else None


def currency_decimals(currency: str) -> int:
    """How many decimals an amount in `currency` may have."""
    return 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2


class PlainTextField(forms.CharField):
    """Text without control characters; `multiline` allows line breaks and tabs."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        refuse_control_characters(text, multiline=self.multiline)
        return text


class PlainTextListField(forms.Field):
    """Repeated query keys (`?carrier=UPS&carrier=USPS`) as a list of short plain strings."""

    widget = forms.MultipleHiddenInput
    max_values = 20
    max_length = 100

    def to_python(self, value):
        values = [v.strip() for v in (value or []) if v and v.strip()]
        if len(values) > self.max_values:
            raise forms.ValidationError(f"At most {self.max_values} values.")
        if any(len(v) > self.max_length for v in values):
            raise forms.ValidationError(f"Each value may be at most {self.max_length} characters.")
        for text in values:
            refuse_control_characters(text)
        return values

    def validate(self, value):
        """Empty is fine: the filter is simply not applied."""


class FlagField(forms.TypedChoiceField):
    """A yes that a page's button or checkbox sends as one fixed `value`, or leaves out (no);
    any other value is a page out of date, refused rather than guessed."""

    def __init__(self, *, value: str, **kwargs):
        super().__init__(
            choices=[(value, value)],
            coerce=lambda sent: sent == value,
            required=False,
            empty_value=False,
            widget=forms.HiddenInput,
            **kwargs,
        )


class RowIdListField(forms.Field):
    """Row ids separated by spaces or commas (ticked rows), refused whole if one is not an id."""

    widget = forms.HiddenInput
    max_length = 20000
    default_error_messages = {"invalid": "The ticked orders are not valid."}

    def to_python(self, value):
        text = str(value or "")
        keys = [row_id(part) for part in text[: self.max_length + 1].replace(",", " ").split()]
        if len(text) > self.max_length or None in keys:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return keys


class AsciiDigitsMixin:
    """Refuses text not of `pattern` before Django reads it: int(), Decimal() and strptime
    also read other scripts' digits (٣, ３), and Decimal reads NaN, Infinity and 1e400."""

    pattern: re.Pattern

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if value and not self.pattern.fullmatch(value):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class WholeNumberField(AsciiDigitsMixin, forms.IntegerField):
    """A whole number typed with the digits 0–9."""

    pattern = ASCII_WHOLE
    default_error_messages = {"invalid": "Enter a whole number using the digits 0–9."}


class MoneyField(AsciiDigitsMixin, forms.DecimalField):
    """An amount like 12.50: digits 0–9 and one point, never NaN, Infinity or 1e400, and no
    more decimals than the currency has (10.999 is refused rather than rounded to 11.00)."""

    pattern = ASCII_DECIMAL

    def __init__(self, *, decimal_places: int = 2, max_digits: int = 14, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        example = "12.50" if decimal_places else "1250"
        kwargs["error_messages"] = {
            "invalid": f"Enter an amount like {example}, using the digits 0–9.",
            "max_decimal_places": (
                f"Enter an amount with at most {decimal_places} decimals."
                if decimal_places
                else "Enter a whole amount: this currency has no decimals."
            ),
            "max_digits": "That amount is too large.",
            "max_whole_digits": "That amount is too large.",
            **kwargs.get("error_messages", {}),
        }
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)


class BoundedDateField(AsciiDigitsMixin, forms.DateField):
    """A YYYY-MM-DD date between FIRST_DAY and LAST_DAY, typed with the digits 0–9."""

    pattern = ASCII_DATE
    default_error_messages = {"invalid": "Enter a date as YYYY-MM-DD."}

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(
                f"Enter a date between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}.",
                code="out_of_range",
            )
        return day


OUT_OF_DATE = "The form was out of date; reload the page and try again."


def error_lines(form: forms.Form) -> list[str]:
    """Each field's first error as one sentence naming the field, for messages and pages.

    A hidden field without a label was filled in by the page, not typed ("Submission id:"
    means nothing to a person, who cannot correct it): its error says to reload the page.
    """
    lines = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        if field is None:
            line = errors[0]
        elif field.widget.is_hidden and field.label is None:
            line = OUT_OF_DATE
        else:
            line = f"{field.label or name.replace('_', ' ').capitalize()}: {errors[0]}"
        if line not in lines:
            lines.append(line)
    return lines


def first_error(form: forms.Form) -> str:
    """The form's first error as one sentence: for a flash message after a refused POST."""
    return (error_lines(form) or [""])[0]
