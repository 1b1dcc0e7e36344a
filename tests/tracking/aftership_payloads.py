"""AfterShip 2025-01 payloads as its documentation shapes them (tracking and checkpoint models,
the `{"meta", "data"}` envelope), for the adapter's tests."""

KEY = "as-test-key"


SECRET = "as-test-webhook-secret"


EVENT_ID = "4a1f3c1e-93b5-4c8a-9d3e-2f0c6b7e8a10"


def envelope(code, data=None, message=""):
    return {"meta": {"code": code, "message": message, "type": "OK"}, "data": data or {}}


def tracking(number, tag="InTransit", subtag="InTransit_001", checkpoints=(), **fields):
    """A tracking object as GET /trackings and webhooks carry it (fields we do not read kept)."""
    return {
        "id": f"id-{number}",
        "tracking_number": number,
        "slug": "usps",
        "active": True,
        "tag": tag,
        "subtag": subtag,
        "subtag_message": "",
        "origin_country_region": "CHN",
        "destination_country_region": "USA",
        "checkpoints": list(checkpoints),
        "expected_delivery": None,
        "courier_estimated_delivery_date": None,
        "aftership_estimated_delivery_date": None,
        **fields,
    }


def checkpoint(when, tag="InTransit", subtag="InTransit_007", message="Departure scan", **place):
    return {
        "checkpoint_time": when,
        "created_at": "2025-03-04T08:00:00+00:00",
        "slug": "usps",
        "tag": tag,
        "subtag": subtag,
        "subtag_message": "",
        "message": message,
        "raw_tag": "DS",
        "location": None,
        "city": None,
        "state": None,
        "postal_code": None,
        "country_region": None,
        **place,
    }


def listing(*trackings):
    pagination = {"total": len(trackings), "next_cursor": None, "has_next_page": False}
    return envelope(200, {"pagination": pagination, "trackings": list(trackings)})
