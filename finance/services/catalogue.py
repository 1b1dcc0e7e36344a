"""The catalogue tables read for storing: the id and group of each breakdown key, the
transaction types. A row missing from the table is added: with the catalogue's words when
finance.catalogue lists it, else as not known, so that its amount is kept (and shown as
"other"), never dropped."""

from finance.catalogue import (
    KNOWN_COMPONENTS,
    KNOWN_TYPES,
    SECTION_GROUP,
    unknown_component_label,
    unknown_type_label,
)
from finance.models import FeeComponent, TransactionType


def _components(pairs: set) -> dict[tuple[str, str], tuple[int, str]]:
    rows = FeeComponent.objects.filter(key__in={key for _, key in pairs}).values_list(
        "pk", "section", "key", "group"
    )
    return {(s, k): (pk, group) for pk, s, k, group in rows if (s, k) in pairs}


def components_for(keys) -> dict[tuple[str, str], tuple[int, str]]:
    """(section, key) -> (FeeComponent id, group) for every pair in `keys`."""
    wanted = set(keys)
    found = _components(wanted)
    missing = wanted - set(found)
    if missing:
        FeeComponent.objects.bulk_create(
            [_component(section, key) for section, key in missing], ignore_conflicts=True
        )
        found |= _components(missing)
    return found


def _component(section: str, key: str) -> FeeComponent:
    if (section, key) in KNOWN_COMPONENTS:
        label, group, position = KNOWN_COMPONENTS[(section, key)]
        return FeeComponent(
            section=section, key=key, label=label, group=group, known=True, position=position
        )
    label, group = unknown_component_label(key), SECTION_GROUP.get(section, "other")
    return FeeComponent(section=section, key=key, label=label, group=group, known=False)


def _type(code: str) -> TransactionType:
    if code in KNOWN_TYPES:
        label, group, position = KNOWN_TYPES[code]
        return TransactionType(code=code, label=label, group=group, known=True, position=position)
    return TransactionType(code=code, label=unknown_type_label(code), group="other")


def types_ensure(codes) -> None:
    """Add the transaction types not listed yet, as not known."""
    codes = set(codes)
    known = set(TransactionType.objects.filter(code__in=codes).values_list("code", flat=True))
    TransactionType.objects.bulk_create(
        [_type(code) for code in codes - known], ignore_conflicts=True
    )
