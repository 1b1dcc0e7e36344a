"""Start-up refuses a missing or malformed environment, naming the variable; production
settings pass `check --deploy` with no warnings once the required variables are set."""

import pytest

from tests.helpers import PRODUCTION, ROOT, manage


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_variable(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = manage("check", **{**PRODUCTION, "DJANGO_SECRET_KEY": "secret"})
    assert result.returncode != 0 and "DJANGO_SECRET_KEY must be at least 50" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("DATABASE_URL", "not a url"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("SESSION_COOKIE_AGE", "eight hours"),
        ("DJANGO_DEBUG", "maybe"),
        ("STORAGE_BACKEND", "ftp"),
        ("TIKTOK_TOKEN_KEYS", "not-a-fernet-key"),
        ("TIKTOK_TIMEOUT_SECONDS", "ten"),
    ],
)
def test_malformed_variable_stops_start_up_naming_it(name, value):
    result = manage(
        "check", **{"DJANGO_SETTINGS_MODULE": "sellercenter.settings.local", name: value}
    )
    assert result.returncode != 0
    assert name in result.stderr.strip().splitlines()[-1]


TIKTOK = {
    "TIKTOK_APP_KEY": "6abc1def2ghi3",
    "TIKTOK_APP_SECRET": "a" * 40,
    "TIKTOK_SERVICE_ID": "7123456789012345678",
    "TIKTOK_TOKEN_KEYS": "8Mvq5l0v2i0nF3DTbQ3aXqXkZJp1wZ3D2cVx3Jc6bJk=",
}


@pytest.mark.parametrize("missing", ["TIKTOK_TOKEN_KEYS", "TIKTOK_APP_SECRET", "TIKTOK_SERVICE_ID"])
def test_production_with_a_tiktok_app_key_refuses_to_start_without_the_rest(missing):
    env = {**PRODUCTION, **{k: v for k, v in TIKTOK.items() if k != missing}}
    result = manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr.strip().splitlines()[-1]


def test_production_with_tiktok_configured_passes_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **TIKTOK)
    assert result.returncode == 0, result.stderr + result.stdout


def test_embedded_default_needs_nothing_from_the_environment():
    result = manage("check", DJANGO_SETTINGS_MODULE="sellercenter.settings.local")
    assert result.returncode == 0, result.stderr


def test_embedded_default_is_sqlite_in_wal_mode_with_a_filesystem_broker():
    probe = (
        "from django.conf import settings; from django.db import connection; "
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); "
        "print(connection.vendor, c.fetchone()[0], settings.CELERY_BROKER_URL, "
        "settings.MEDIA_ROOT)"
    )
    result = manage("shell", "-c", probe, DJANGO_SETTINGS_MODULE="sellercenter.settings.local")
    assert result.returncode == 0, result.stderr
    vendor, journal, broker, media = result.stdout.strip().splitlines()[-1].split()
    assert (vendor, journal, broker) == ("sqlite", "wal", "filesystem://")
    assert media == str(ROOT / "var" / "media")


def test_a_missing_template_variable_fails_a_test():
    """pytest-django's `FAIL_INVALID_TEMPLATE_VARS` (pyproject.toml) makes `{{ missing }}`
    fail the test, so a template that reads a variable its view no longer passes fails the
    suite instead of printing nothing."""
    from django.template import engines

    template = engines["django"].from_string("{{ order.status }} {{ gone }}")
    with pytest.raises(pytest.fail.Exception, match="gone"):
        template.render({"order": {"status": "Delivered"}})


def test_production_has_no_demo_and_no_benchmarks():
    """Production neither installs the development tooling nor ships it in the image."""
    result = manage("help", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    for command in ("seed_demo", "carrier_simulator", "benchmark"):
        assert f"    {command}\n" not in result.stdout, command
    assert "    track_poll\n" in result.stdout  # what production does have is listed
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"demo/", "benchmarks/"} <= set(ignored)


def _patterns(path) -> set[str]:
    return {line for line in path.read_text().splitlines() if line and not line.startswith("#")}


def test_the_staging_simulator_image_is_the_portals_with_the_demo_only():
    """The simulator's build context leaves out what the portal's does, demo/ apart, and its
    compose service runs the simulator command the portal's tests use."""
    root = _patterns(ROOT / ".dockerignore")
    simulator = _patterns(ROOT / "staging" / "simulator.Dockerfile.dockerignore")
    assert simulator == root - {"demo/"}
    dockerfile = (ROOT / "staging" / "simulator.Dockerfile").read_text()
    assert '"manage.py", "tiktok_simulator"' in dockerfile
    compose = (ROOT / "docker-compose.staging.yml").read_text()
    assert "dockerfile: staging/simulator.Dockerfile" in compose
    assert "--webhook-url=http://web:8000/webhooks/tiktok/" in compose
