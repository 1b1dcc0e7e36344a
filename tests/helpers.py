"""What tests of several apps share: the text a person sees on a page, and manage.py run as a
fresh process with a chosen environment."""

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path


class _Visible(HTMLParser):
    """The text a person sees: no tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


ROOT = Path(__file__).resolve().parent.parent


GOOD_KEY = "k" * 20 + "Zq8-3vLm_P0xYw!9sTn2RbC7uHe4jA6fGdKi"  # 56 characters, varied


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "sellercenter.settings.production",
    "DJANGO_SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "sellercenter.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/sellercenter",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_SECRET_KEY",
            "ALLOWED_HOSTS",
            "EMAIL_URL",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests; never in deployment
            "TIKTOK_APP_KEY",
            "TIKTOK_APP_SECRET",
            "TIKTOK_SERVICE_ID",
            "TIKTOK_TOKEN_KEYS",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
