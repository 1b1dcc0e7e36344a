"""The signature a receiver checks with the snippet of docs/webhooks.md: a right one passes,
a changed body, another secret or an old timestamp (a replay) does not."""

import re
import time
from pathlib import Path

import pytest

from webhooks.signing import secret_new, signature_header

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
SECRET = "whsec_test-secret"
BODY = '{"id":"evt_1","type":"test"}'


@pytest.fixture(scope="module")
def verify():
    """The documented snippet, run as a receiver would paste it."""
    code = re.search(r"## Verifying a delivery.*?```python\n(.*?)```", DOC.read_text(), re.S)
    namespace = {}
    exec(compile(code.group(1), str(DOC), "exec"), namespace)  # noqa: S102 - our own docs
    return namespace["verify"]


def test_the_documented_snippet_accepts_a_fresh_signature(verify):
    now = int(time.time())
    assert verify(SECRET, signature_header(SECRET, now, BODY), BODY.encode())


def test_a_changed_body_or_another_secret_is_refused(verify):
    now = int(time.time())
    header = signature_header(SECRET, now, BODY)
    assert not verify(SECRET, header, BODY.replace("test", "tesT").encode())
    assert not verify("whsec_other", header, BODY.encode())


def test_an_old_signature_is_a_replay(verify):
    then = int(time.time()) - 301
    assert not verify(SECRET, signature_header(SECRET, then, BODY), BODY.encode())
    recent = int(time.time()) - 299
    assert verify(SECRET, signature_header(SECRET, recent, BODY), BODY.encode())


def test_a_header_without_t_or_v1_is_refused(verify):
    assert not verify(SECRET, "v1=abc", BODY.encode())
    assert not verify(SECRET, f"t={int(time.time())}", BODY.encode())
    assert not verify(SECRET, "", BODY.encode())


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    # Worked by hand: hmac.new(b"k", b"1700000000.{}", sha256).hexdigest()
    import hashlib
    import hmac

    expected = hmac.new(b"k", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert signature_header("k", 1700000000, "{}") == f"t=1700000000,v1={expected}"


def test_the_receiver_uses_the_documented_snippet(verify):
    import inspect

    from demo import webhook_receiver

    assert inspect.getsource(webhook_receiver.verify).strip() in DOC.read_text()


def test_secrets_are_long_and_new_each_time():
    first, second = secret_new(), secret_new()
    assert first != second and first.startswith("whsec_") and len(first) >= 40
