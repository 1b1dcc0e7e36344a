"""TikTok's own shipping (shipping_type TIKTOK): which call each market takes, and TikTok's
answers to an arrangement and to a document request in a seller's words. Tables, so that
what someone learns from the live API is a one-line change (docs/decisions.md "TikTok ships
it: arranged shipments, labels, bulk" lists what is unconfirmed)."""

# The US buys the label (Create Packages, the shop's default shipping service); SEA, EMEA and
# LATAM hand the package TikTok made at payment to its carrier (Ship Package with a handover
# method and a pick-up slot).
CREATE_PACKAGES = "create_packages"
SHIP_HANDOVER = "ship_package_handover"
ARRANGE_CALL_BY_MARKET = {"US": CREATE_PACKAGES}


def arrange_call_for(region: str) -> str:
    return ARRANGE_CALL_BY_MARKET.get((region or "").upper(), SHIP_HANDOVER)


ARRANGE_ALREADY = frozenset({11006021, 21008099, 21011040, 21022025})
ARRANGE_REFUSALS: dict[int, str] = {
    **dict.fromkeys(ARRANGE_ALREADY, "TikTok says this order's shipment was arranged already."),
    21042057: "TikTok says the order no longer awaits shipment there.",
    21011041: "TikTok says the order was cancelled.",
    21011053: "TikTok no longer offers that pick-up time: choose another one.",
    21008044: "The buyer has an open cancellation or return request: answer it first.",
    21011007: "The buyer has an open cancellation or return request: answer it first.",
    21008025: "TikTok fulfils this order itself: there is nothing to arrange.",
    21011004: "TikTok says the seller ships this order: add the tracking number instead.",
    21011028: "TikTok says the package is not in this shop.",
    11021009: "TikTok has no shipping service for this parcel: arrange it in TikTok Seller Center.",
    21004006: "TikTok needs the order's invoice first: upload it in TikTok Seller Center.",
}
for _code in range(11021010, 11021026):  # the buyer's address cannot be served
    ARRANGE_REFUSALS[_code] = (
        "TikTok's carrier cannot deliver to the buyer's address: check it with the buyer, or "
        "cancel the order with the reason “Unable to deliver to buyer address”."
    )
ARRANGE_REFUSED_OTHERWISE = "TikTok refused to arrange the shipment: “{message}”."


def arrange_words(code: int | None, message: str) -> str:
    words = ARRANGE_REFUSALS.get(code or 0, ARRANGE_REFUSED_OTHERWISE)
    return words.format(message=message or "no reason given")


# Get Package Shipping Document's answers.
STILL_GENERATING = 11034037
DOCUMENT_REFUSALS: dict[int, str] = {
    21023035: "TikTok has no label for this parcel yet: arrange the shipment first.",
    STILL_GENERATING: "TikTok is still making this document; the portal fetches it again by "
    "itself in a minute.",
    21042102: "The carrier has collected this parcel: TikTok no longer prints its documents.",
    21023059: "TikTok cancelled this package: it has no documents.",
    11034002: "The seller ships this order: TikTok makes no label for it.",
    21008017: "The seller ships this order: TikTok makes no label for it.",
    21008043: "TikTok fulfils this order itself: it has no label to print here.",
}
DOCUMENT_REFUSED_OTHERWISE = "TikTok did not give the document: “{message}”."
DOCUMENT_UNAVAILABLE = "TikTok did not answer when asked for the document: try again in a minute."
DOCUMENT_GIVEN_UP = (
    "The portal could not ask TikTok for this document: the shop's TikTok connection needs "
    "attention (TikTok Shop page)."
)


def document_words(code: int | None, message: str) -> str:
    words = DOCUMENT_REFUSALS.get(code or 0, DOCUMENT_REFUSED_OTHERWISE)
    return words.format(message=message or "no reason given")
