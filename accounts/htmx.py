"""How a page answers htmx, the same way everywhere: one URL serves the whole page, and an htmx
request gets only the named partial it swaps (django-template-partials' `{% partialdef %}`,
rendered as "template.html#name"). Never a query parameter: the address stays the page's own,
so a link's `href` and its `hx-get` are one URL. docs/decisions.md, "One htmx convention".
"""

from django.views.decorators.vary import vary_on_headers

# What the answer of such a view depends on besides its URL: whether htmx asks, and which
# element it swaps (a page with several regions picks the partial by it).
HTMX_VARY = ("HX-Request", "HX-Target")


def htmx_varies(view):
    """Decorator of every view that answers htmx with a partial: each of its answers says in
    `Vary` what chose it, so no cache hands the page to htmx or a fragment to a person."""
    return vary_on_headers(*HTMX_VARY)(view)


def htmx_partial(request) -> bool:
    """Whether to answer with a partial: an htmx request, except a history restore (after a
    miss in its history cache htmx puts the answer in place of the whole body, so it needs the
    page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request
