"""Configuration: login everywhere, deploy checks clean, secrets from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz-XYZ",
    "ALLOWED_HOSTS": "yardstick.example",
    "SITE_URL": "https://yardstick.example",
    "EMAIL_HOST": "smtp.example",
}


def manage(*args, env):
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never does.
    dropped = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_bad_boolean_is_a_clear_error():
    result = manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.django_db
def test_pages_need_login_except_the_login_page(client):
    response = client.get("/judgements/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200


@pytest.mark.django_db
def test_responses_carry_a_strict_content_security_policy(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TIME_ZONE", "Mars/Base"),
        ("DATABASE_URL", "mysqlx://nowhere"),
        ("REDIS_URL", "localhost:6379"),
        ("SITE_URL", "example.org"),
        ("YARDSTICK_SCALE", "mystery"),
    ],
)
def test_a_bad_value_stops_start_up_with_a_message_naming_the_variable(variable, value):
    result = manage("check", env={variable: value})
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {variable}" in result.stderr
