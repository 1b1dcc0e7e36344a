"""The "Manage webhooks" permission, given to every shop administrator who
holds the role already (new ones get it from accounts.roles through membership_grant)."""

from django.db import migrations

CODENAME = "manage_webhooks"
LABEL = "Manage webhooks"


def grant_to_administrators(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Membership = apps.get_model("accounts", "Membership")
    ShopUserObjectPermission = apps.get_model("accounts", "ShopUserObjectPermission")
    content_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="shop")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=CODENAME, defaults={"name": LABEL}
    )
    for user_id, shop_id in Membership.objects.filter(role="administrator").values_list(
        "user_id", "shop_id"
    ):
        ShopUserObjectPermission.objects.get_or_create(
            user_id=user_id, content_object_id=shop_id, permission=permission
        )


def revoke(apps, schema_editor):
    ShopUserObjectPermission = apps.get_model("accounts", "ShopUserObjectPermission")
    ShopUserObjectPermission.objects.filter(permission__codename=CODENAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_shop_tiktok_ids_live_on_the_connection"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="shop",
            options={
                "ordering": ["name"],
                "permissions": [
                    ("view_orders", "View orders"),
                    ("see_buyer_contact", "See buyer contact and addresses unmasked"),
                    ("add_notes", "Add internal notes"),
                    ("message_buyers", "Message buyers"),
                    ("initiate_refunds", "Initiate refunds"),
                    ("approve_refunds", "Approve refunds"),
                    ("change_order_status", "Change order status / add tracking"),
                    ("export_orders", "Export orders and download exports"),
                    ("view_insights", "View sales insights"),
                    ("import_orders", "Import order files"),
                    ("manage_staff", "Manage the shop's staff"),
                    ("manage_connections", "Connect and disconnect TikTok Shop"),
                    (CODENAME, LABEL),
                ],
            },
        ),
        migrations.RunPython(grant_to_administrators, revoke),
    ]
