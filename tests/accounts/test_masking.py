import pytest

from accounts.masking import (
    BUYER_FIELD_MASKS,
    mask_email,
    mask_name,
    mask_phone,
    mask_postal_code,
    mask_street,
    mask_username,
    mask_value,
)


@pytest.mark.parametrize(
    ("masker", "value", "masked"),
    [
        (mask_name, "Jane Doe", "J*** D***"),
        (mask_name, "Seán O'Brien-Smith", "S*** O***"),
        (mask_name, "", ""),
        (mask_username, "mikayla200", "m***0"),
        (mask_username, "ab", "***"),
        (mask_email, "jane.doe@example.com", "j***@example.com"),
        (mask_email, "3727157699dieg@scs3.tiktok.com", "3***@scs3.tiktok.com"),
        (mask_phone, "(+1)4155550121", "(+1)415****21"),
        (mask_phone, "+44 7700 900123", "+44770****23"),
        (mask_phone, "(+60)172****54", "(+60)172****54"),  # TikTok's own mask stays as it is
        (mask_phone, "12345", "****"),
        (mask_street, "1234 Maple Ave", "1*** M*** A***"),
        (mask_postal_code, "90012", "900**"),
        (mask_postal_code, "SW11 4NJ", "SW11 ***"),
    ],
)
def test_maskers(masker, value, masked):
    assert masker(value) == masked


def test_a_row_masked_field_by_field_masks_buyer_fields_and_keeps_city_state_and_everything_else():
    row = {
        "order_id": "576486316948490001",
        "recipient_name": "Jane Doe",
        "recipient_phone": "(+1)4155550121",
        "address_line1": "1 Main St",
        "city": "Los Angeles",
        "state": "California",
        "total_amount": "35.97",
        "buyer_email": "jane@example.com",
        "buyer_username": "jane.d",
    }
    masked = {field: mask_value(field, value) for field, value in row.items()}
    assert masked["city"] == "Los Angeles" and masked["state"] == "California"
    assert masked["order_id"] == row["order_id"] and masked["total_amount"] == "35.97"
    assert masked["recipient_name"] == "J*** D***"
    assert all(
        "Jane" not in str(masked[f]) and "jane" not in str(masked[f])
        for f in row
        if f in BUYER_FIELD_MASKS
    )
    assert row["recipient_name"] == "Jane Doe", "the input is not changed"
