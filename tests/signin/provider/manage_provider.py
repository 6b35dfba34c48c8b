"""Run against the provider's database: ``python -m tests.signin.provider.manage_provider``.

- ``setup <redirect_uri> <post_logout_uri> <client_id> <client_secret>``: migrate, register
  Yardstick as a confidential client (authorization code, RS256, no consent screen).
- ``user <username> <password> <first> <last> [group ...]``: create or reset a user with
  exactly these groups (active).
- ``groups <username> [group ...]``: set a user's groups to exactly these.
- ``deactivate <username>``: switch the user off, as an administrator would.
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.signin.provider.settings")

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


def set_groups(user: User, names: list[str]) -> None:
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in names])


def main(command: str, *args: str) -> None:
    if command == "setup":
        redirect_uri, logout_uri, client_id, secret = args
        call_command("migrate", verbosity=0)
        Application.objects.update_or_create(
            client_id=client_id,
            defaults={
                "name": "Yardstick",
                "client_secret": secret,
                "client_type": Application.CLIENT_CONFIDENTIAL,
                "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
                "redirect_uris": redirect_uri,
                "post_logout_redirect_uris": logout_uri,
                "algorithm": Application.RS256_ALGORITHM,
                "skip_authorization": True,
            },
        )
    elif command == "user":
        username, password, first, last, *groups = args
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@provider.test"
        user.is_active = True
        user.set_password(password)
        user.save()
        set_groups(user, groups)
    elif command == "groups":
        username, *groups = args
        set_groups(User.objects.get(username=username), groups)
    elif command == "deactivate":
        User.objects.filter(username=args[0]).update(is_active=False)
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
