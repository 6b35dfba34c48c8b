"""Create the four role groups with their model permissions (see judgements/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ["view_team", "view_assessment", "view_judgement", "view_estimate", "view_indicator",
        "view_resolution", "view_alert", "view_changerecord", "view_watch"]
WRITE = ["add_assessment", "add_judgement", "change_judgement", "add_estimate",
         "add_indicator", "change_indicator", "add_resolution", "add_watch", "change_watch",
         "delete_watch"]
GROUPS = {
    "Analysts": VIEW + WRITE,
    "Team leads": VIEW + WRITE + ["change_assessment"],
    "Leadership": VIEW,
    "Admins": None,  # every permission of the auth and judgements apps
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        if codenames is None:
            perms = Permission.objects.filter(
                content_type__app_label__in=["auth", "judgements"]
            )
        else:
            perms = Permission.objects.filter(
                content_type__app_label="judgements", codename__in=codenames
            )
        group.permissions.set(perms)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("judgements", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
