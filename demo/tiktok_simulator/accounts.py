"""The simulated seller, its shops, and the authorization codes and tokens TikTok issues.

Tokens are opaque strings; `access_token_expire_in` and `refresh_token_expire_in` are absolute
Unix times, as TikTok sends them (despite the names). The refresh token's expiry is the end of
the authorization the seller granted: a refresh does not push it back.
"""

import random
import threading
from dataclasses import dataclass, field

from demo.tiktok_simulator import constants as c


@dataclass(frozen=True)
class SimShop:
    id: str
    name: str
    region: str
    seller_type: str
    cipher: str
    code: str
    currency: str

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "region": self.region,
            "seller_type": self.seller_type,
            "cipher": self.cipher,
            "code": self.code,
        }


# The demo seeder's two shops (demo/seed.py), so that linking them is one click.
DEFAULT_SHOPS = (
    SimShop(
        id="7494049642642441621",
        name="Glow & Go (US)",
        region="US",
        seller_type="LOCAL",
        cipher="ROW_8bQ2hAAAAAAsim1GlowGoUSxK",
        code="USLCGLOWGO01",
        currency="USD",
    ),
    SimShop(
        id="7495540735365777507",
        name="Glow & Go (UK)",
        region="GB",
        seller_type="LOCAL",
        cipher="ROW_Yw3kQgAAAAAsim1GlowGoUKzP",
        code="GBLCGLOWGO02",
        currency="GBP",
    ),
)


@dataclass
class Grant:
    """One authorization: what an auth code, and the tokens exchanged for it, give access to."""

    open_id: str
    scopes: tuple[str, ...]
    refresh_expires: int


@dataclass
class Tokens:
    access: dict[str, tuple[Grant, int]] = field(default_factory=dict)  # token -> (grant, exp)
    refresh: dict[str, Grant] = field(default_factory=dict)
    codes: dict[str, tuple[Grant, int]] = field(default_factory=dict)  # code -> (grant, exp)


class Accounts:
    def __init__(
        self,
        *,
        app_key: str,
        app_secret: str,
        service_id: str,
        shops=DEFAULT_SHOPS,
        seller_name: str = "Glow & Go Ltd",
        scopes=c.GRANTED_SCOPES,
        access_ttl: int = c.ACCESS_TOKEN_TTL,
        refresh_ttl: int = c.REFRESH_TOKEN_TTL,
        seed: int = 0,
    ):
        self.app_key, self.app_secret, self.service_id = app_key, app_secret, service_id
        self.shops = tuple(shops)
        self.seller_name = seller_name
        self.scopes = tuple(scopes)
        self.access_ttl, self.refresh_ttl = access_ttl, refresh_ttl
        self.tokens = Tokens()
        self.rng = random.Random(f"{seed}:tokens")
        self.lock = threading.Lock()

    def shop_by_cipher(self, cipher: str) -> SimShop | None:
        return next((shop for shop in self.shops if shop.cipher == cipher), None)

    def _secret(self, prefix: str, length: int = 40) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return prefix + "".join(self.rng.choice(alphabet) for _ in range(length))

    def code_issue(self, now: float) -> str:
        """The `code` the authorization page sends back once the seller approves."""
        grant = Grant(
            open_id=self._secret("", 22),
            scopes=self.scopes,
            refresh_expires=int(now) + self.refresh_ttl,
        )
        with self.lock:
            code = self._secret("ROW_", 32)
            self.tokens.codes[code] = (grant, int(now) + c.AUTH_CODE_TTL)
        return code

    def _token_pair(self, grant: Grant, now: float, refresh: str | None = None) -> dict:
        access = self._secret("ROW_", 60)
        expires = int(now) + self.access_ttl
        self.tokens.access[access] = (grant, expires)
        if refresh is None:
            refresh = self._secret("ROW_", 60)
            self.tokens.refresh[refresh] = grant
        region = self.shops[0].region if self.shops else "US"
        return {
            "access_token": access,
            "access_token_expire_in": expires,
            "refresh_token": refresh,
            "refresh_token_expire_in": grant.refresh_expires,
            "open_id": grant.open_id,
            "seller_name": self.seller_name,
            "seller_base_region": region,
            "user_type": 0,
            "granted_scopes": list(grant.scopes),
        }

    def _credentials_error(self, params: dict, grant_type: str) -> str | None:
        if params.get("app_key") != self.app_key:
            return "invalid_app_key"
        if params.get("app_secret") != self.app_secret:
            return "invalid_app_secret"
        if params.get("grant_type") != grant_type:
            return "invalid_grant_type"
        return None

    def token_get(self, params: dict, now: float) -> tuple[str | None, dict]:
        """(error name or None, data) for the auth host's token/get."""
        error = self._credentials_error(params, c.GRANT_AUTHORIZED_CODE)
        if error:
            return error, {}
        with self.lock:
            grant, expires = self.tokens.codes.pop(params.get("auth_code", ""), (None, 0))
            if grant is None or expires < now:
                return "invalid_auth_code", {}
            return None, self._token_pair(grant, now)

    def token_refresh(self, params: dict, now: float) -> tuple[str | None, dict]:
        error = self._credentials_error(params, c.GRANT_REFRESH)
        if error:
            return error, {}
        refresh = params.get("refresh_token", "")
        with self.lock:
            grant = self.tokens.refresh.get(refresh)
            if grant is None:
                return "invalid_refresh_token", {}
            if grant.refresh_expires <= now:
                return "expired_refresh_token", {}
            if c.REFRESH_ROTATES:
                del self.tokens.refresh[refresh]
                refresh = None
            if not c.REFRESH_KEEPS_OLD_ACCESS_TOKEN:
                for token in [t for t, (g, _) in self.tokens.access.items() if g is grant]:
                    del self.tokens.access[token]
            return None, self._token_pair(grant, now, refresh)

    def access_check(self, token: str, now: float) -> tuple[str | None, Grant | None]:
        """(error name or None, grant) for an `x-tts-access-token` header."""
        grant, expires = self.tokens.access.get(token or "", (None, 0))
        if grant is None:
            return "invalid_token", None
        if expires <= now:
            return "expired_token", None
        return None, grant

    def revoke(self) -> None:
        """The seller deauthorizes the app: every token stops working."""
        with self.lock:
            self.tokens = Tokens()
