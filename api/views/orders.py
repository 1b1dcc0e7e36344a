from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import ERRORS
from api.schema_hooks import filter_parameter
from api.scopes import Scope
from api.selectors.orders import ParametersRefused, api_order_detail, api_order_page
from api.serializers import OrderDetailSerializer, OrderSerializer, buyer_fields_served
from api.services import buyer_data_served
from orders.filters import OrderFilterSet
from orders.querystring import query_with

FIELDS = "fields"


def _sparse_fields(request, serializer_class) -> list[str] | None:
    """The `fields=` asked for (comma-separated), or None for all; unknown names refused."""
    text = request.query_params.get(FIELDS)
    if text is None:
        return None
    wanted = [name.strip() for name in text.split(",") if name.strip()]
    known = serializer_class.Meta.fields
    unknown = [name for name in wanted if name not in known]
    if unknown or not wanted:
        raise ParametersRefused(
            {FIELDS: [f"Unknown field: {name}." for name in unknown] or ["Name some fields."]}
        )
    return wanted


def filter_parameters() -> list[OpenApiParameter]:
    """The order list's filters as schema parameters, from the one FilterSet's labels."""
    return [
        filter_parameter(name, filt)
        for name, filt in OrderFilterSet.base_filters.items()
        if name != "page"
    ]


SPARSE = OpenApiParameter(
    FIELDS, OpenApiTypes.STR, description="Comma-separated fields to include (default: all)."
)


class OrderList(APIView):
    """Orders of the token's shops, filtered as the order list filters them, newest first."""

    required_scope = Scope.ORDERS_READ

    @extend_schema(
        parameters=[*filter_parameters(), SPARSE],
        responses={
            200: inline_serializer(
                "OrderPage",
                {
                    "results": OrderSerializer(many=True),
                    "next": serializers.URLField(allow_null=True),
                    "next_cursor": serializers.CharField(allow_null=True),
                },
            ),
            **ERRORS,
        },
        summary="List orders",
        operation_id="orders_list",
    )
    def get(self, request):
        fields = _sparse_fields(request, OrderSerializer)
        page = api_order_page(
            user=request.user,
            shops=request.token_shops,
            query=request.query_params,
            extra={FIELDS},
            fields=fields,
        )
        if buyer_fields_served(fields):
            buyer_data_served(request=request, token=request.auth, orders=page.unmasked_orders())
        next_url = None
        if page.next_cursor:
            query = query_with(request.query_params, cursor=page.next_cursor)
            next_url = request.build_absolute_uri(f"{request.path}{query}")
        return Response(
            {
                # OrderSerializer's representation, read straight off the rows (api.order_rows)
                "results": [order.data for order in page.orders],
                "next": next_url,
                "next_cursor": page.next_cursor,
            }
        )


class OrderDetail(APIView):
    """One order by TikTok's order id, with lines, packages, tracking, timeline and refunds."""

    required_scope = Scope.ORDERS_READ

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "shop",
                OpenApiTypes.STR,
                description="Shop slug, when several of the token's shops have this order id.",
            ),
            SPARSE,
        ],
        responses={200: OrderDetailSerializer, **ERRORS},
        summary="One order",
        operation_id="order_get",
    )
    def get(self, request, order_id: str):
        fields = _sparse_fields(request, OrderDetailSerializer)
        unknown = sorted(set(request.query_params) - {FIELDS, "shop"})
        if unknown:
            raise ParametersRefused({name: ["Unknown parameter."] for name in unknown})
        detail = api_order_detail(
            user=request.user,
            shops=request.token_shops,
            order_id=order_id,
            shop=request.query_params.get("shop", ""),
        )
        unmasked = {detail.order.shop_id} if detail.unmasked else set()
        if buyer_fields_served(fields) and detail.unmasked:
            buyer_data_served(
                request=request,
                token=request.auth,
                orders=[(detail.order.shop, detail.order.order_id)],
            )
        context = {"unmasked_shop_ids": unmasked, "fields": fields, "detail": detail}
        return Response(OrderDetailSerializer(detail.order, context=context).data)
