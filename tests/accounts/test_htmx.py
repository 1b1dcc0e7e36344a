"""One htmx convention (accounts/htmx.py), asked of every URL htmx asks: the "GET htmx" entries
of the permission matrix. Each answers a person with the page and htmx with a fragment, says in
Vary that htmx chose it, and gives a history restore the page. Every URL a template's htmx
attribute names has such an entry, and every link htmx follows has the same URL as its href."""

import re
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.cache import has_vary_header

from accounts.roles import Role
from tests.permission_asking import response_as
from tests.test_permission_matrix import EXPECTED, URLS, world  # noqa: F401 (the fixture)

HTMX_ASKED = sorted(key for key, asks in EXPECTED.items() if "GET htmx" in asks)
# URLs only htmx asks: the same fragment whoever asks, so nothing varies.
FRAGMENT_ONLY = {"orders:counts"}
TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))
HTMX_URL = re.compile(r"""hx-(?:get|post|put|patch|delete)="\{% (?:url|order_url) '([^']+)'""")
# A shared partial asks a URL its includer names: hx-get="{{ poll_url }}" and, in the includer,
# {% url 'imports:job' job.pk as poll_url %}.
HTMX_VARIABLE = re.compile(r'hx-(?:get|post|put|patch|delete)="\{\{ (\w+) \}\}"')
URL_AS = r"""\{{% url '([^']+)'[^%]* as {} %\}}"""
LINK = re.compile(r"<a\b[^>]*>")
ATTRIBUTE = r'\b{}="([^"]*)"'


def _is_page(response) -> bool:
    return b"<html" in response.content


def _get(world, key, *, htmx, headers=None):  # noqa: F811 (the fixture)
    ask = replace(EXPECTED[key]["GET htmx"], htmx=htmx)
    response = response_as(world, URLS, key, "GET", ask, Role.ADMINISTRATOR, headers)
    assert response.status_code == 200, f"{key}: {response.status_code}"
    return response


BRANCHING = sorted(set(HTMX_ASKED) - FRAGMENT_ONLY)


@pytest.mark.django_db
@pytest.mark.parametrize("key", BRANCHING)
def test_htmx_gets_a_partial_and_vary_says_so(world, key):  # noqa: F811 (the fixture)
    page, fragment = _get(world, key, htmx=False), _get(world, key, htmx=True)
    assert _is_page(page) and not _is_page(fragment), f"{key}: htmx must get a fragment"
    for response in (page, fragment):
        assert has_vary_header(response, "HX-Request"), f"{key}: decorate the view @htmx_varies"


@pytest.mark.django_db
@pytest.mark.parametrize("key", BRANCHING)
def test_a_history_restore_gets_the_page(world, key):  # noqa: F811 (the fixture)
    """After a miss in its history cache htmx asks again and puts the answer in the body."""
    restore = _get(world, key, htmx=True, headers={"HX-History-Restore-Request": "true"})
    assert _is_page(restore) and has_vary_header(restore, "HX-Request")


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(FRAGMENT_ONLY))
def test_a_fragment_only_url_answers_everyone_alike(world, key):  # noqa: F811 (the fixture)
    plain, htmx = _get(world, key, htmx=False), _get(world, key, htmx=True)
    assert not _is_page(plain) and plain.content == htmx.content


def test_every_url_htmx_asks_has_an_htmx_entry_in_the_matrix():
    texts = {path.relative_to(settings.BASE_DIR).as_posix(): path.read_text() for path in TEMPLATES}
    variables = {name for text in texts.values() for name in HTMX_VARIABLE.findall(text)}
    named = {(name, where) for where, text in texts.items() for name in HTMX_URL.findall(text)}
    named |= {
        (name, where)
        for where, text in texts.items()
        for variable in variables
        for name in re.findall(URL_AS.format(variable), text)
    }
    assert {name for name, _ in named} >= {"orders:list", "orders:detail", "imports:job"}
    missing = sorted(f"{name} ({where})" for name, where in named if name not in HTMX_ASKED)
    assert not missing, 'Add a "GET htmx" entry to tests/test_permission_matrix.py: ' + (
        ", ".join(missing)
    )


def test_every_link_htmx_follows_keeps_its_address_as_href():
    links = [
        (tag, path.name)
        for path in TEMPLATES
        for tag in LINK.findall(path.read_text())
        if "hx-get=" in tag
    ]
    assert len(links) > 5
    for tag, where in links:
        href = re.search(ATTRIBUTE.format("href"), tag)
        hx_get = re.search(ATTRIBUTE.format("hx-get"), tag)
        assert href and href.group(1) == hx_get.group(1), f"{where}: {tag}"
