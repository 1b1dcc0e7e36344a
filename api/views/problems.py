from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView


class NoSuchEndpoint(APIView):
    """Any other path under /api/v1/: a problem document, not the portal's HTML 404 page."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()
    schema = None  # not part of the API

    def get(self, request, rest: str = ""):
        raise NotFound()

    post = put = patch = delete = get
