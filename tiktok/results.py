"""What the client returns, read from TikTok's answers: token grants, authorized shops and
pages of orders. A field of the wrong kind is a BadResponse, never a guess."""

from dataclasses import dataclass, field
from datetime import datetime

from tiktok.exceptions import BadResponse
from tiktok.responses import text, unix_time


@dataclass(frozen=True)
class TokenGrant:
    """What the token endpoints return; the tokens never appear in its repr."""

    access_token: str = field(repr=False)
    access_token_expires_at: datetime
    refresh_token: str = field(repr=False)
    refresh_token_expires_at: datetime
    open_id: str = ""
    seller_name: str = ""
    seller_base_region: str = ""
    user_type: int | None = None
    granted_scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuthorizedShop:
    id: str
    cipher: str
    name: str = ""
    region: str = ""
    seller_type: str = ""  # CROSS_BORDER or LOCAL
    code: str = ""


@dataclass(frozen=True)
class OrderPage:
    orders: list[dict]
    next_page_token: str  # empty on the last page
    total_count: int | None
    request_id: str = ""


def authorized_shops(answer: dict, path: str) -> list[AuthorizedShop]:
    shops = answer["data"].get("shops") or []
    if not isinstance(shops, list) or not all(isinstance(shop, dict) for shop in shops):
        raise bad_answer(answer, path, "`shops` is not a list of objects")
    result = []
    for shop in shops:
        shop_id, cipher = text(shop.get("id")), text(shop.get("cipher"))
        if not shop_id or not cipher:
            raise bad_answer(answer, path, "a shop without `id` or `cipher`")
        result.append(
            AuthorizedShop(
                id=shop_id,
                cipher=cipher,
                name=text(shop.get("name")),
                region=text(shop.get("region")),
                seller_type=text(shop.get("seller_type")),
                code=text(shop.get("code")),
            )
        )
    return result


def order_objects(answer: dict, path: str) -> list[dict]:
    orders = answer["data"].get("orders") or []
    if not isinstance(orders, list) or not all(isinstance(order, dict) for order in orders):
        raise bad_answer(answer, path, "`orders` is not a list of objects")
    return orders


def order_page(answer: dict, path: str) -> OrderPage:
    data = answer["data"]
    token, total = data.get("next_page_token") or "", data.get("total_count")
    if not isinstance(token, str):
        raise bad_answer(answer, path, "`next_page_token` is not a string")
    if total is not None and (isinstance(total, bool) or not isinstance(total, int)):
        raise bad_answer(answer, path, "`total_count` is not a number")
    return OrderPage(order_objects(answer, path), token, total, answer.get("request_id") or "")


def bad_answer(answer: dict, path: str, message: str) -> BadResponse:
    return BadResponse(message, code=0, request_id=answer.get("request_id") or "", path=path)


def token_grant(answer: dict) -> TokenGrant:
    data = answer["data"]
    path = "token"
    access, refresh = data.get("access_token"), data.get("refresh_token")
    if not isinstance(access, str) or not access or not isinstance(refresh, str) or not refresh:
        raise bad_answer(answer, path, "no access or refresh token")
    scopes = data.get("granted_scopes") or []
    if not isinstance(scopes, list) or not all(isinstance(scope, str) for scope in scopes):
        raise bad_answer(answer, path, "`granted_scopes` is not a list of strings")
    user_type = data.get("user_type")
    try:
        return TokenGrant(
            access_token=access,
            access_token_expires_at=unix_time(data.get("access_token_expire_in")),
            refresh_token=refresh,
            refresh_token_expires_at=unix_time(data.get("refresh_token_expire_in")),
            open_id=text(data.get("open_id")),
            seller_name=text(data.get("seller_name")),
            seller_base_region=text(data.get("seller_base_region")),
            user_type=user_type if isinstance(user_type, int) else None,
            granted_scopes=tuple(scopes),
        )
    except ValueError as exc:
        raise bad_answer(answer, path, str(exc)) from None
