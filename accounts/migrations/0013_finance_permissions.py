"""The finance permissions ("View finance and reconciliation", "Explain reconciliation
differences"), given to every shop administrator and accountant who holds the role already (new
ones get them from accounts.roles through membership_grant), and the finance audit actions."""

from django.db import migrations, models

GRANTED = {
    "view_finance": "View finance and reconciliation",
    "explain_differences": "Explain reconciliation differences",
}
ROLES = ("administrator", "accountant")


def grant_to_roles(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Membership = apps.get_model("accounts", "Membership")
    ShopUserObjectPermission = apps.get_model("accounts", "ShopUserObjectPermission")
    content_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="shop")
    members = list(Membership.objects.filter(role__in=ROLES).values_list("user_id", "shop_id"))
    for codename, label in GRANTED.items():
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": label}
        )
        for user_id, shop_id in members:
            ShopUserObjectPermission.objects.get_or_create(
                user_id=user_id, content_object_id=shop_id, permission=permission
            )


def revoke(apps, schema_editor):
    ShopUserObjectPermission = apps.get_model("accounts", "ShopUserObjectPermission")
    ShopUserObjectPermission.objects.filter(permission__codename__in=list(GRANTED)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0012_manage_webhooks"),
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
                    ("manage_webhooks", "Manage webhooks"),
                    ("view_finance", "View finance and reconciliation"),
                    ("explain_differences", "Explain reconciliation differences"),
                ],
            },
        ),
        migrations.RunPython(grant_to_roles, revoke),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("login", "Signed in"),
                    ("login_failed", "Failed sign-in"),
                    ("logout", "Signed out"),
                    ("role_granted", "Role granted"),
                    ("role_changed", "Role changed"),
                    ("role_revoked", "Role revoked"),
                    ("buyer_data_viewed", "Unmasked buyer data viewed"),
                    ("locked_out", "Locked out after failed sign-ins"),
                    ("password_changed", "Password changed"),
                    ("password_reset", "Password reset by email link"),
                    ("2fa_enabled", "Two-factor turned on"),
                    ("2fa_disabled", "Two-factor turned off"),
                    ("2fa_codes", "Recovery codes regenerated"),
                    ("import", "Orders imported"),
                    ("export_created", "Export started"),
                    ("export_downloaded", "Export downloaded"),
                    ("export_report_created", "Export report created"),
                    ("export_report_changed", "Export report changed"),
                    ("export_report_deleted", "Export report deleted"),
                    ("export_schedule_created", "Export scheduled"),
                    ("export_schedule_deleted", "Export schedule deleted"),
                    ("tiktok_connected", "TikTok Shop connected"),
                    ("tiktok_disconnected", "TikTok Shop disconnected"),
                    ("tiktok_token_failed", "TikTok authorization failed"),
                    ("tiktok_resync", "TikTok re-sync started"),
                    ("tiktok_revoked", "TikTok Shop access removed by the seller"),
                    ("api_token_created", "API token created"),
                    ("api_token_revoked", "API token revoked"),
                    ("webhook_created", "Webhook endpoint registered"),
                    ("webhook_changed", "Webhook endpoint changed"),
                    ("webhook_deleted", "Webhook endpoint deleted"),
                    ("finance_explained", "Reconciliation difference explained"),
                    ("finance_imported", "Finance file imported"),
                ],
                max_length=32,
            ),
        ),
    ]
