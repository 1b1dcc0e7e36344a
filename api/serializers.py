"""Orders as the API gives them: the list's order with its lines, and the order page's
everything (packages with their scans, timeline, refunds). Buyer fields are masked for a
token whose owner sees them masked in that shop (accounts/masking.py), as on the pages."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.masking import BUYER_FIELD_MASKS, mask_value
from accounts.models import Shop
from orders.models import LATER_TIMES, PAYMENT_FIELDS, Order, OrderLine, Package, Refund
from tracking.models import TrackingCheckpoint

MONEY_FIELDS = ("currency", *PAYMENT_FIELDS, "refunded_amount")
TIME_FIELDS = ("create_time", *LATER_TIMES, "shipping_due_time", "delivery_due_time")


class ShopSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shop
        fields = ("slug", "name", "market", "currency", "timezone")


class LineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = (
            "sku_id",
            "seller_sku",
            "product_id",
            "product_name",
            "variation",
            "product_category",
            "quantity",
            "returned_quantity",
            "unit_original_price",
            "subtotal_before_discount",
            "platform_discount",
            "seller_discount",
            "subtotal_after_discount",
            "display_status",
        )


class CheckpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrackingCheckpoint
        fields = ("occurred_at", "status", "location", "message")


class PackageSerializer(serializers.ModelSerializer):
    checkpoints = CheckpointSerializer(many=True, read_only=True)

    class Meta:
        model = Package
        fields = (
            "package_id",
            "shipping_provider_name",
            "tracking_number",
            "package_status",
            "tracking_status",
            "tracking_substatus",
            "estimated_delivery_date",
            "last_checkpoint_at",
            "last_checkpoint_message",
            "checkpoints",
        )


class RefundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = ("amount", "reason", "includes_shipping", "status", "requested_at", "decided_at")


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    title = serializers.CharField()
    detail = serializers.CharField()
    actor = serializers.CharField()
    kind = serializers.CharField()


class OrderSerializer(serializers.ModelSerializer):
    """One order of the list. Context: `unmasked_shop_ids` (shops whose buyer fields this
    token's owner may see) and `fields` (the sparse fields asked for, or None for all)."""

    shop = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    lines = LineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = (
            "order_id",
            "shop",
            "status",
            "order_type",
            *BUYER_FIELD_MASKS,
            "buyer_message",
            "seller_note",
            "district",
            "city",
            "state",
            "region_code",
            "billing_city",
            "billing_state",
            "billing_region_code",
            "payment_method_name",
            *MONEY_FIELDS,
            *TIME_FIELDS,
            "cancel_reason",
            "cancellation_initiator",
            "fulfillment_type",
            "delivery_option_name",
            "shipping_type",
            "warehouse_name",
            "is_cod",
            "is_sample_order",
            "is_on_hold_order",
            "is_buyer_request_cancel",
            "has_updated_recipient_address",
            "lines",
        )
        # With `fields=` any may be left out: none is required. A masked value may be longer
        # than its column ("A B" → "A*** B***"): no maximum length for the buyer fields.
        extra_kwargs = {name: {"required": False} for name in fields} | {
            name: {"required": False, "max_length": None} for name in BUYER_FIELD_MASKS
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = self.context.get("fields")
        if wanted:
            for name in set(self.fields) - set(wanted):
                self.fields.pop(name)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.shop_id not in self.context["unmasked_shop_ids"]:
            for field in BUYER_FIELD_MASKS.keys() & data.keys():
                data[field] = mask_value(field, data[field])
        return data


class OrderDetailSerializer(OrderSerializer):
    """One order with everything its page shows."""

    packages = serializers.SerializerMethodField()
    refunds = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    class Meta(OrderSerializer.Meta):
        fields = (*OrderSerializer.Meta.fields, "packages", "refunds", "timeline")

    def _detail(self):
        return self.context["detail"]

    @extend_schema_field(PackageSerializer(many=True))
    def get_packages(self, order) -> list[dict]:
        return PackageSerializer(self._detail().packages, many=True).data

    @extend_schema_field(RefundSerializer(many=True))
    def get_refunds(self, order) -> list[dict]:
        return RefundSerializer(self._detail().refunds, many=True).data

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, order) -> list[dict]:
        return TimelineEntrySerializer(self._detail().timeline, many=True).data


def buyer_fields_served(fields: list[str] | None) -> bool:
    """Whether a representation with these sparse fields carries buyer contact data."""
    return fields is None or bool(BUYER_FIELD_MASKS.keys() & set(fields))
