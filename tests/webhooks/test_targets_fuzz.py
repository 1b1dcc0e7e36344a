"""Whatever URL a person types, the endpoint form refuses it with a reason or accepts it:
never an exception of another kind (a 500)."""

import socket

from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzzing import FUZZ
from webhooks.targets import TargetRefused, target_check

PIECES = st.sampled_from(
    ["https://", "http://", "ftp://", "//", "[", "]", "::1", "@", ":", "%", "0", "127.0.0.1",
     "localhost", "xn--", "\u0000", "é", "/", "?", "#", ":99999", "user:pw@", "example.com"]
)  # fmt: skip


def _no_dns(host, *args, **kwargs):
    raise socket.gaierror("no network in this test")


@FUZZ
@given(st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=8).map("".join))
@example("https://[::1")
@example("https://exa mple.com/")
@example("https://" + "a" * 300 + ".com/")
def test_any_url_is_accepted_or_refused_with_a_reason(url):
    real, socket.getaddrinfo = socket.getaddrinfo, _no_dns
    try:
        target_check(url)
    except TargetRefused as refused:
        assert str(refused)
    finally:
        socket.getaddrinfo = real
