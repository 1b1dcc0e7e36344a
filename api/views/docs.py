"""The OpenAPI schema and its Swagger UI, served from our own static files (the sidecar
package); the UI's start script is a separate file, so the page runs under our CSP."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class Schema(SpectacularAPIView):
    """The schema is public: it describes the API, it holds no data."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()


class Docs(SpectacularSwaggerSplitView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
