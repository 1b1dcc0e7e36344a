"""What TikTok's fulfilment answers mean for a seller, and which ship call each market takes.

Both are tables so that what someone learns from the live API is a one-line change here
(docs/decisions.md "Actions reach TikTok: the outbox" lists what is unconfirmed).
"""

# Seller shipping is order-level Mark Package As Shipped where TikTok documents it (it answers
# 21008106 "cannot be used in this region" elsewhere); the other markets (SEA, LATAM) ship
# the package TikTok made at payment with Ship Package and `self_shipment`. Region codes as
# Get Authorized Shops gives them; "UK" besides "GB" in case TikTok spells it so (UNCONFIRMED).
ORDER_LEVEL = "mark_package_shipped"
PACKAGE_LEVEL = "ship_package"
SHIP_CALL_BY_MARKET = {
    market: ORDER_LEVEL for market in ("US", "GB", "UK", "ES", "IE", "IT", "DE", "FR", "JP")
}
SHIP_CALL_DEFAULT = PACKAGE_LEVEL


def ship_call_for(region: str) -> str:
    return SHIP_CALL_BY_MARKET.get((region or "").upper(), SHIP_CALL_DEFAULT)


# TikTok's business codes for a shipment it will not take, in a seller's words; {tracking}
# and {carrier} are filled in. A code that says the order is shipped already is checked
# against the order (our own earlier attempt may be what shipped it) before it counts.
ALREADY_SHIPPED = frozenset({11006021, 21008099, 21011040})
REFUSALS: dict[int, str] = {
    **dict.fromkeys(
        ALREADY_SHIPPED,
        "TikTok says this order was shipped already, with another tracking number.",
    ),
    21042057: "TikTok says the order no longer awaits shipment there.",
    21011041: "TikTok says the order was cancelled.",
    21011022: "TikTok does not accept tracking number {tracking} for {carrier}: check the "
    "number and the carrier.",
    # The simulator answers this for a carrier outside the delivery option's list (the docs
    # give 21011022 and 11028006 both as "bad tracking number or provider": UNCONFIRMED).
    11028006: "TikTok does not accept {carrier} with tracking number {tracking} for this "
    "order: check the carrier and the number.",
    21004012: "TikTok could not verify tracking number {tracking} with {carrier}.",
    21004015: "TikTok could not verify tracking number {tracking} with {carrier}.",
    21004016: "TikTok could not verify tracking number {tracking} with {carrier}.",
    21011025: "TikTok says tracking number {tracking} is already used by another order.",
    21034012: "TikTok says tracking number {tracking} is already used by another order.",
    21008044: "The buyer has an open cancellation or return request: answer it first.",
    21011007: "The buyer has an open cancellation or return request: answer it first.",
    21008025: "TikTok fulfils this order itself: there is nothing to ship here.",
    21008106: "TikTok does not offer this way of shipping in the shop's market.",
    21011048: "TikTok wants to know which items are in this parcel: ship it on TikTok.",
    21011028: "TikTok says the package is not in this shop.",
}
REFUSED_OTHERWISE = "TikTok refused the shipment: “{message}”."
# Get Shipping Providers' refusals, for the order page.
PROVIDER_REFUSALS: dict[int, str] = {
    21008116: "The shop has no subscription for this order's delivery option on TikTok.",
    21008117: "TikTok delivers this order itself: there is no carrier to choose.",
}


def refusal_words(code: int | None, message: str, *, tracking: str, carrier: str) -> str:
    words = REFUSALS.get(code or 0, REFUSED_OTHERWISE)
    return words.format(tracking=tracking, carrier=carrier, message=message or "no reason given")
