from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import problems
from api.scopes import Scope
from api.serializers import ShopSerializer


class ShopList(APIView):
    """The shops this token reads orders in: those it covers where its owner views orders."""

    required_scope = Scope.ORDERS_READ

    @extend_schema(
        responses={
            200: inline_serializer("ShopList", {"results": ShopSerializer(many=True)}),
            **problems(401, 403, 429),
        },
        summary="Shops this token reads",
        operation_id="shops_list",
    )
    def get(self, request):
        return Response({"results": ShopSerializer(request.token_shops, many=True).data})
