"""What the simulator copies from TikTok Shop's Open API, in one place.

Facts nobody has confirmed against the live API are marked UNCONFIRMED: each is a constant so
that it can be changed here when someone learns better (docs/decisions.md lists them).
"""

# --- Paths ---------------------------------------------------------------------------------

AUTHORIZE_PATH = "/open/authorize"  # the services host's seller authorization page
TOKEN_GET_PATH = "/api/v2/token/get"  # noqa: S105 - a path; the auth host, unsigned GETs
TOKEN_REFRESH_PATH = "/api/v2/token/refresh"  # noqa: S105 - a path
SHOPS_PATH = "/authorization/202309/shops"
ORDER_SEARCH_PATH = "/order/202309/orders/search"
ORDER_DETAIL_PATHS = ("/order/202309/orders", "/order/202507/orders")
CANCELLATION_SEARCH_PATH = "/return_refund/202309/cancellations/search"
RETURN_SEARCH_PATH = "/return_refund/202309/returns/search"

# (method, path) -> the scope the endpoint needs; shop-scoped endpoints need `shop_cipher`.
ENDPOINTS = {
    ("GET", SHOPS_PATH): ("seller.authorization.info", False),
    ("POST", ORDER_SEARCH_PATH): ("seller.order.info", True),
    ("GET", ORDER_DETAIL_PATHS[0]): ("seller.order.info", True),
    ("GET", ORDER_DETAIL_PATHS[1]): ("seller.order.info", True),
    ("POST", CANCELLATION_SEARCH_PATH): ("seller.return_refund.basic", True),
    ("POST", RETURN_SEARCH_PATH): ("seller.return_refund.basic", True),
    # after_sales.py: the seller's answers, Cancel Order, Get Reject Reasons
    ("POST", "/return_refund/202309/cancellations"): ("seller.return_refund.basic", True),
    ("GET", "/return_refund/202309/reject_reasons"): ("seller.return_refund.basic", True),
    **{
        ("POST", f"/return_refund/202309/{kind}/{{{name}}}/{answer}"): (
            "seller.return_refund.basic",
            True,
        )
        for kind, name in (("cancellations", "cancel_id"), ("returns", "return_id"))
        for answer in ("approve", "reject")
    },
    # fulfilment.py; paths with ids in them are matched by their template
    ("GET", "/logistics/202309/delivery_options/{delivery_option_id}/shipping_providers"): (
        "seller.logistics",
        True,
    ),
    ("POST", "/fulfillment/202309/orders/{order_id}/packages"): ("seller.fulfillment.basic", True),
    ("POST", "/fulfillment/202309/packages/{package_id}/ship"): ("seller.fulfillment.basic", True),
    # arrange.py, documents.py: TikTok's own shipping
    ("GET", "/fulfillment/202309/packages/{package_id}/handover_time_slots"): (
        "seller.fulfillment.basic",
        True,
    ),
    ("POST", "/fulfillment/202309/packages"): ("seller.fulfillment.basic", True),
    ("GET", "/fulfillment/202309/packages/{package_id}/shipping_documents"): (
        "seller.fulfillment.basic",
        True,
    ),
    # finance_api.py
    ("GET", "/finance/202309/statements"): ("seller.finance.info", True),
    ("GET", "/finance/202501/statements/{statement_id}/statement_transactions"): (
        "seller.finance.info",
        True,
    ),
    ("GET", "/finance/202501/orders/{order_id}/statement_transactions"): (
        "seller.finance.info",
        True,
    ),
    ("GET", "/finance/202507/orders/unsettled"): ("seller.finance.info", True),
    ("GET", "/finance/202309/payments"): ("seller.finance.info", True),
    ("GET", "/finance/202309/withdrawals"): ("seller.finance.info", True),
}
GRANTED_SCOPES = (
    "seller.authorization.info",
    "seller.order.info",
    "seller.fulfillment.basic",
    "seller.logistics",
    "seller.return_refund.basic",
    "seller.finance.info",
)

# --- Authorization and tokens --------------------------------------------------------------

AUTH_CODE_TTL = 30 * 60  # single use
ACCESS_TOKEN_TTL = 7 * 24 * 3600
REFRESH_TOKEN_TTL = 365 * 24 * 3600  # the authorization duration the seller granted
GRANT_AUTHORIZED_CODE = "authorized_code"
GRANT_REFRESH = "refresh_token"
REFRESH_ROTATES = True  # UNCONFIRMED: a refresh returns a new refresh token, the old one dies
REFRESH_KEEPS_OLD_ACCESS_TOKEN = True  # UNCONFIRMED: a refresh does not end the old access token

# --- Gateway checks ------------------------------------------------------------------------

TIMESTAMP_PAST = 5 * 60  # a request's timestamp may be this much behind the server's clock
TIMESTAMP_FUTURE = 30
ORDER_PAGE_SIZE_MAX = 100
ORDER_DETAIL_MAX_IDS = 50
AFTERSALE_PAGE_SIZE_MAX = 50
PAGE_TOKEN_TTL = 3600  # UNCONFIRMED: how long a page token lives after its last use
RATE_LIMIT_DEFAULT = 50.0  # calls per second per app × shop × endpoint (older doc)
RATE_LIMIT_PER_ENDPOINT = True  # UNCONFIRMED: the 2026 doc allocates quota dynamically
RETRY_AFTER_SECONDS = None  # UNCONFIRMED: whether a 429 carries Retry-After (None: not sent)

# Errors: name -> (HTTP status, code, message). The codes and messages are TikTok's; which HTTP
# status goes with each is UNCONFIRMED except 429 (TikTok documents it for the rate limit) and
# 400 for a bad app key and 404 for an unknown path (seen by one integrator).
ERRORS = {
    "invalid_path": (404, 36009009, "Invalid path. Please check the request path and retry."),
    "invalid_method": (405, 36009010, "Invalid HTTP method. Please check and retry."),
    "invalid_version": (404, 36009014, "The version name is invalid, please check and retry."),
    "invalid_app_key": (
        400,
        36009004,
        "Invalid credentials. Invalid `app_key` query parameter. Please check and retry.",
    ),
    "invalid_timestamp": (
        400,
        36009004,
        "Invalid timestamp. The `timestamp` query parameter must not be earlier than 5 minutes "
        "before the current time or exceed the current time by more than 30 seconds.",
    ),
    "missing_sign": (
        400,
        36009004,
        "Missing credentials. The request is missing the required signature.",
    ),
    "invalid_sign": (401, 106001, "Invalid credentials. The `sign` query parameter is invalid."),
    "invalid_token": (
        401,
        36009004,
        "Invalid credentials. The `x-tts-access-token` header is invalid.",
    ),
    "expired_token": (
        401,
        105002,
        "Expired credentials. The `access_token` or `x-tts-access-token` header has expired.",
    ),
    # UNCONFIRMED: also answered for a cipher that names no shop at all.
    "token_not_for_shop": (
        403,
        101000,
        "The `x-tts-access-token` header is invalid for this request or shop.",
    ),
    "missing_scope": (
        403,
        105005,
        "Access denied. The app or the access token lacks the scope this API requires.",
    ),
    "missing_cipher": (
        400,
        106013,
        "Missing identifier. The `shop_cipher` query parameter is required for this request.",
    ),
    "unexpected_cipher": (
        400,
        36009004,
        "Unexpected identifier. The `shop_cipher` query parameter is not required for this "
        "request.",
    ),
    "content_type": (
        415,
        36009022,
        "Invalid Content-Type. The request body must be application/json.",
    ),
    "rate_limited": (429, 36009002, "Too many requests. Please retry later."),
    # UNCONFIRMED: the code and message of a malformed business parameter.
    "invalid_param": (400, 36009004, "Invalid parameter: {detail}"),
    # The auth host.
    "invalid_auth_code": (400, 36004004, "invalid auth code"),
    # UNCONFIRMED: codes and messages for a bad secret, grant type or refresh token.
    "invalid_app_secret": (400, 36004002, "invalid app_secret"),
    "invalid_grant_type": (400, 36004003, "invalid grant_type"),
    "invalid_refresh_token": (400, 36004005, "invalid refresh_token"),
    "expired_refresh_token": (400, 36004006, "refresh_token expired"),
}

# --- Orders ----------------------------------------------------------------------------------

# Simulated seconds each stage lasts: (shortest, longest), drawn per order.
MINUTE, HOUR, DAY = 60, 3600, 86400
PAY_AFTER = (1 * MINUTE, 25 * MINUTE)
ON_HOLD_FOR = (HOUR, HOUR)  # the buyer's free cancellation hour after payment
UNPAID_TIMEOUT = 24 * HOUR  # UNCONFIRMED: when an unpaid order is cancelled by the system
ARRANGE_AFTER = (2 * HOUR, 30 * HOUR)  # awaiting shipment → awaiting collection
COLLECT_AFTER = (3 * HOUR, 20 * HOUR)  # → in transit
DELIVER_AFTER = (40 * HOUR, 5 * DAY)  # → delivered
COMPLETE_AFTER = 7 * DAY  # UNCONFIRMED: delivered → completed (no more returns)
ADDRESS_CHANGE_AFTER = (10 * MINUTE, 2 * HOUR)  # after the hold ends
CANCEL_REVIEW_AFTER = (30 * MINUTE, 12 * HOUR)  # seller answers a buyer's cancel request
RETURN_REQUEST_AFTER = (6 * HOUR, 4 * DAY)  # after delivery
RETURN_STEP_AFTER = (4 * HOUR, 2 * DAY)

# Out of 1000 orders. The rest go the whole way to COMPLETED.
SHARE_NEVER_PAID = 30
SHARE_CANCEL_UNPAID = 15
SHARE_CANCEL_ON_HOLD = 30
SHARE_CANCEL_REQUEST = 40  # while awaiting shipment; most are approved
SHARE_ADDRESS_CHANGE = 50
SHARE_RETURN = 60
SHARE_SPLIT = 150  # of orders with several lines: shipped in two packages

# Webhook `order_status` spells the cancelled status differently from the order API.
WEBHOOK_STATUS = {"CANCELLED": "CANCEL"}
CANCEL_STATUS_PENDING = "CANCELLATION_REQUEST_PENDING"
CANCEL_STATUS_SUCCESS = "CANCELLATION_REQUEST_SUCCESS"
CANCEL_STATUS_WITHDRAWN = "CANCELLATION_REQUEST_CANCELLED"  # responses say …_CANCELLED
CANCEL_STATUS_COMPLETE = "CANCELLATION_REQUEST_COMPLETE"

# --- Webhooks --------------------------------------------------------------------------------

WEBHOOK_ORDER_STATUS, WEBHOOK_ADDRESS, WEBHOOK_PACKAGE = 1, 3, 4
WEBHOOK_DEAUTHORIZATION, WEBHOOK_AUTH_EXPIRING = 6, 7
WEBHOOK_CANCELLATION, WEBHOOK_RETURN = 11, 12
WEBHOOK_TIMEOUT = 3.0  # a receiver slower than this has failed
# After a failed delivery TikTok tries again 2 min, 30 min, 3 h and 12 h later; the simulator
# divides these by --speed. A 401 is an answer ("authentication failed") and is not retried.
WEBHOOK_RETRY_DELAYS = (2 * MINUTE, 30 * MINUTE, 3 * HOUR, 12 * HOUR)
WEBHOOK_FINAL_STATUSES = frozenset({401})

# --- Finance (finance.py, finance_api.py) ----------------------------------------------------

STATEMENTS_PATH = "/finance/202309/statements"
STATEMENT_TRANSACTIONS_PATH = "/finance/202501/statements/{statement_id}/statement_transactions"
ORDER_TRANSACTIONS_PATH = "/finance/202501/orders/{order_id}/statement_transactions"
UNSETTLED_PATH = "/finance/202507/orders/unsettled"
PAYMENTS_PATH = "/finance/202309/payments"
WITHDRAWALS_PATH = "/finance/202309/withdrawals"
# The 202309 transaction endpoints, blocked since 2025-12-31. UNCONFIRMED: what TikTok answers
# for them; the simulator answers as for a retired version (36009014).
LEGACY_TRANSACTION_PATHS = (
    "/finance/202309/statements/{statement_id}/statement_transactions",
    "/finance/202309/orders/{order_id}/statement_transactions",
)
FINANCE_PAGE_SIZE_MAX = 100
FINANCE_PAGE_SIZE_DEFAULT = 20
# UNCONFIRMED: an order settles this long after delivery (TikTok: 3–15 days by market), and
# never before its return is over; a statement's payment is made this long after the day.
SETTLE_AFTER_DELIVERY = 8 * DAY
PAYMENT_AFTER = 1 * DAY
# Fees, as shares of the order's sales after the seller's discounts (UNCONFIRMED rates).
REFERRAL_FEE_RATE = {"US": "0.08", "GB": "0.09"}  # US referral fee, elsewhere commission
TRANSACTION_FEE_RATE = "0.029"
AFFILIATE_RATES = ("0.10", "0.15", "0.20")
REFUND_ADMINISTRATION_SHARE = "0.20"  # of the referral fee refunded
TIKTOK_LABEL_COST = ("3.20", "7.80")  # what TikTok's carrier charges the seller
# Out of 1000 settled orders: sold through an affiliate; and what the demo's reconciliation
# has to explain: a refund the settlement leaves out, a discount settled differently, an
# unexpected fee, an adjustment, a settlement for an order the portal never saw.
SHARE_AFFILIATE = 200
SHARE_REFUND_NOT_REFLECTED = 200  # of the refunded orders
SHARE_REVENUE_OFF = 8
SHARE_UNEXPECTED_FEE = 5
SHARE_ADJUSTMENT = 12
SHARE_UNKNOWN_ORDER = 4
ADJUSTMENT_TYPES = (
    "SHIPPING_FEE_ADJUSTMENT",
    "PLATFORM_PENALTY",
    "PLATFORM_COMPENSATION",
    "LOGISTICS_REIMBURSEMENT",
    "CUSTOMER_SERVICE_COMPENSATION",
    "PROMOTION_ADJUSTMENT",
)
