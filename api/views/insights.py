"""The insights page's figures through the API: the same parsing (insights.scope), the same
figures (insights.figures), one currency at a time, within the token's shops."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.insight_serializers import InsightFiguresSerializer, figures_body
from api.problems import problem
from api.schema import problems
from api.scopes import Scope
from api.selectors.orders import ParametersRefused
from api.views.orders import filter_parameters
from insights.figures import figures_section
from insights.periods import COMPARISONS, PRESETS
from insights.scope import OWN, insight_scope
from orders.filter_words import NOT_FILTERS

# The page's chart bucket and the list's paging say nothing about the figures.
NOT_FIGURES = {"bucket", "import_job", *NOT_FILTERS}
PAGE_PARAMETERS = [
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        description=f"One of {', '.join(PRESETS)} (default last_30_days), or the order list's "
        "periods (yesterday, last_7d, this_quarter, …); date_from/date_to win over it.",
    ),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD)."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Last day (default: today)."),
    OpenApiParameter(
        "compare",
        OpenApiTypes.STR,
        enum=list(COMPARISONS),
        description="The comparison (default previous).",
    ),
    OpenApiParameter(
        "currency",
        OpenApiTypes.STR,
        description="The currency whose shops are counted (default: the first shop's).",
    ),
]


class InsightFigures(APIView):
    """The figures of a period against a comparison, for the order list's filters."""

    required_scope = Scope.INSIGHTS_READ

    @extend_schema(
        parameters=[
            *PAGE_PARAMETERS,
            *(p for p in filter_parameters() if p.name not in {*OWN, *NOT_FIGURES}),
        ],
        responses={200: InsightFiguresSerializer, **problems(400, 401, 403, 404, 429)},
        summary="Sales figures",
        operation_id="insights_figures",
    )
    def get(self, request):
        query = request.query_params
        slug = query.get("shop")
        if slug and slug not in {shop.slug for shop in request.token_shops}:
            return problem(404, "No such resource among those this token may read.")
        parsed = insight_scope(user=request.user, query=query, allowed=request.token_shops)
        known = (set(OWN) | set(parsed.filterset.filters)) - NOT_FIGURES
        refused = {name: ["Unknown parameter."] for name in sorted(set(query) - known)}
        form_errors = parsed.filterset.form.errors.items()
        refused |= {name: [str(m) for m in messages] for name, messages in form_errors}
        if refused:
            raise ParametersRefused(refused)
        if parsed.refusal:
            return problem(parsed.status if parsed.status == 400 else 403, parsed.refusal)
        body = figures_body(
            parsed,
            figures_section(parsed),
            absolute=request.build_absolute_uri,
            api_orders=reverse("api:orders"),
        )
        return Response(InsightFiguresSerializer(body).data)
