"""Masking of buyer contact data for roles without "see buyer contact" (accounts/roles.py).

One family of functions, used by every page, export and file that shows buyer data, so the
same value is masked the same way everywhere. City, state and country stay readable; names,
handles, email, phone, street and the end of the postal code do not.
"""

import re
from collections.abc import Callable, Mapping

STARS = "***"
_PHONE_PREFIX = re.compile(r"^\s*(\(\+\d{1,4}\)|\+\d{1,4})")


def mask_word(word: str) -> str:
    return f"{word[0]}{STARS}" if word else ""


def mask_name(value: str) -> str:
    """'Jane Doe' → 'J*** D***'."""
    return " ".join(mask_word(word) for word in value.split())


def mask_username(value: str) -> str:
    """'mikayla.200' → 'm***0': first and last character only."""
    if len(value) <= 2:
        return STARS if value else ""
    return f"{value[0]}{STARS}{value[-1]}"


def mask_email(value: str) -> str:
    """'jane.doe@example.com' → 'j***@example.com'; the domain says little about a person."""
    local, at, domain = value.partition("@")
    if not at:
        return mask_username(value)
    return f"{mask_word(local)}@{domain}"


def mask_phone(value: str) -> str:
    """'(+1)4155550121' → '(+1)415****21', as TikTok shows masked numbers."""
    if not value or "*" in value:  # empty, or masked already (TikTok masks some numbers)
        return value
    match = _PHONE_PREFIX.match(value)
    prefix = match.group(1) if match else ""
    digits = re.sub(r"\D", "", value[match.end() :] if match else value)
    if len(digits) <= 5:
        return f"{prefix}****"
    return f"{prefix}{digits[:3]}****{digits[-2:]}"


def mask_street(value: str) -> str:
    """'1234 Maple Ave' → '1*** M*** A***': the street is hidden, its shape is not."""
    return mask_name(value)


def mask_postal_code(value: str) -> str:
    """'90012' → '900**', 'SW11 4NJ' → 'SW11 ***': the area stays, the exact place does not."""
    value = value.strip()
    if not value:
        return ""
    if " " in value:
        return value.split(" ", 1)[0] + " " + STARS
    keep = max(1, len(value) - 2)
    return value[:keep] + "*" * (len(value) - keep)


# Order fields that identify a buyer, and how each is masked.
BUYER_FIELD_MASKS: Mapping[str, Callable[[str], str]] = {
    "buyer_username": mask_username,
    "buyer_nickname": mask_name,
    "buyer_email": mask_email,
    "recipient_name": mask_name,
    "recipient_phone": mask_phone,
    "address_line1": mask_street,
    "address_line2": mask_street,
    "postal_code": mask_postal_code,
    "billing_name": mask_name,
    "billing_address_line1": mask_street,
    "billing_address_line2": mask_street,
    "billing_postal_code": mask_postal_code,
}


def mask_value(field: str, value: str | None) -> str | None:
    """Mask one buyer field by name; other fields pass through unchanged."""
    masker = BUYER_FIELD_MASKS.get(field)
    if masker is None or not value:
        return value
    return masker(value)
