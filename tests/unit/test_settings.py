"""Settings: safe production defaults refused, environment variables read."""

from __future__ import annotations

import pytest

from absher_app.settings import DEV_SECRET_KEY, Settings, SettingsError, get_settings

ENV_NAMES = ("ABSHER_ENV", "REFLEX_DB_URL", "REFLEX_REDIS_URL", "ABSHER_SECRET_KEY",
             "ABSHER_ALLOWED_ORIGINS", "ABSHER_SMS_PROVIDER", "ABSHER_PUBLIC_URL",
             "ABSHER_BENCH", "ABSHER_EVENT_LOG", "GRANIAN_WORKERS", "ABSHER_HASH_THREADS",
             "ABSHER_DEMO", "PORT", "REFLEX_FRONTEND_PORT",
             "ABSHER_PASSWORD_HASH_COST")
SECRET = "k" * 40
PG_URL = "postgresql+psycopg://absher:pw@db.internal:5432/absher"
HTTPS = "https://absher.example"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def make(**kwargs) -> Settings:
    return Settings(_env_file=None, **kwargs)


def test_defaults_are_development_on_sqlite_with_the_outbox():
    settings = make()
    assert settings.environment == "development"
    assert settings.db_url == "sqlite:///absher.db"
    assert settings.sms_provider == "outbox"
    assert settings.secret_key == DEV_SECRET_KEY
    # The demo's tools are off unless demo mode is asked for (ABSHER_DEMO=1).
    assert settings.demo is False and settings.dev_tools_enabled is False
    assert make(demo=True).dev_tools_enabled is True


def test_production_with_defaults_is_refused_naming_each_problem():
    with pytest.raises(SettingsError) as excinfo:
        make(environment="production")
    message = str(excinfo.value)
    assert "ABSHER_SECRET_KEY" in message
    assert "ABSHER_SMS_PROVIDER" in message
    assert "REFLEX_DB_URL" in message


def test_production_with_safe_values_constructs():
    settings = make(environment="production", secret_key=SECRET, sms_provider="none",
                    payment_notify_secret=SECRET, db_url=PG_URL, public_url=HTTPS)
    assert settings.environment == "production"
    assert settings.db_url == PG_URL
    assert settings.dev_tools_enabled is False


def test_alias_names_work_as_keywords_too():
    settings = make(ABSHER_ENV="production", ABSHER_SECRET_KEY=SECRET,
                    ABSHER_SMS_PROVIDER="none", REFLEX_DB_URL=PG_URL, ABSHER_PUBLIC_URL=HTTPS,
                    ABSHER_PAYMENT_NOTIFY_SECRET=SECRET)
    assert (settings.environment, settings.sms_provider, settings.db_url) == (
        "production", "none", PG_URL)


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"secret_key": DEV_SECRET_KEY}, "ABSHER_SECRET_KEY"),
        ({"secret_key": "s" * 31}, "ABSHER_SECRET_KEY"),
        ({"sms_provider": "outbox"}, "ABSHER_SMS_PROVIDER"),
        ({"db_url": "sqlite:///absher.db"}, "REFLEX_DB_URL"),
    ],
)
def test_production_refuses_each_unsafe_value_alone(override, named):
    values = {"environment": "production", "secret_key": SECRET, "sms_provider": "none",
              "db_url": PG_URL, "public_url": HTTPS, **override}
    with pytest.raises(SettingsError) as excinfo:
        make(**values)
    message = str(excinfo.value)
    assert named in message
    others = {"ABSHER_SECRET_KEY", "ABSHER_SMS_PROVIDER", "REFLEX_DB_URL"} - {named}
    assert not any(other in message for other in others)


def test_secret_of_exactly_32_characters_is_enough():
    assert make(environment="production", secret_key="s" * 32, sms_provider="none",
                db_url=PG_URL, public_url=HTTPS,
                payment_notify_secret=SECRET).secret_key == "s" * 32


def test_unsafe_values_are_fine_outside_production():
    assert make(environment="test", secret_key="short").environment == "test"


def test_unknown_environment_or_provider_is_refused():
    with pytest.raises(ValueError):
        make(environment="staging")
    with pytest.raises(ValueError):
        make(sms_provider="twilio")


def test_cors_origins_splits_the_comma_list():
    settings = make(allowed_origins=" https://absher.example ,https://www.absher.example,, ")
    assert settings.cors_origins == ["https://absher.example", "https://www.absher.example"]


def test_default_cors_origins_are_the_local_app():
    assert make().cors_origins == ["http://localhost:3000", "http://127.0.0.1:3000"]


def test_environment_variables_are_read(monkeypatch):
    monkeypatch.setenv("ABSHER_ENV", "test")
    monkeypatch.setenv("REFLEX_DB_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("ABSHER_ALLOWED_ORIGINS", "https://a.example")
    settings = make()
    assert settings.environment == "test"
    assert settings.db_url == "sqlite:///elsewhere.db"
    assert settings.cors_origins == ["https://a.example"]


def test_production_from_the_environment_is_refused(monkeypatch):
    monkeypatch.setenv("ABSHER_ENV", "production")
    with pytest.raises(SettingsError):
        make()


def test_env_file_is_read(tmp_path):
    env_file = tmp_path / "custom.env"
    env_file.write_text("ABSHER_PUBLIC_URL=https://absher.example\n", encoding="utf-8")
    assert Settings(_env_file=env_file).public_url == "https://absher.example"


def test_get_settings_is_cached_until_cleared(monkeypatch):
    monkeypatch.setenv("REFLEX_DB_URL", "sqlite:///one.db")
    first = get_settings()
    monkeypatch.setenv("REFLEX_DB_URL", "sqlite:///two.db")
    assert get_settings() is first
    get_settings.cache_clear()
    assert get_settings().db_url == "sqlite:///two.db"


def test_bench_diagnostics_are_off_by_default_and_refused_in_production():
    assert (make().bench, make().event_log) == (False, False)
    assert make(environment="test", bench=True).bench is True
    with pytest.raises(SettingsError) as excinfo:
        make(environment="production", secret_key=SECRET, sms_provider="none", db_url=PG_URL,
             public_url=HTTPS, payment_notify_secret=SECRET, bench=True)
    assert "ABSHER_BENCH" in str(excinfo.value)


def test_bench_and_event_log_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("ABSHER_BENCH", "1")
    monkeypatch.setenv("ABSHER_EVENT_LOG", "true")
    assert (make().bench, make().event_log) == (True, True)


def test_the_cheap_password_hash_cost_is_read_from_the_environment_and_refused_in_production(
        monkeypatch):
    assert make().password_hash_cost == "owasp"
    monkeypatch.setenv("ABSHER_PASSWORD_HASH_COST", "test")
    assert make().password_hash_cost == "test"
    with pytest.raises(SettingsError, match="ABSHER_PASSWORD_HASH_COST"):
        make(environment="production", secret_key=SECRET, sms_provider="none", db_url=PG_URL)
    with pytest.raises(ValueError):
        make(password_hash_cost="none")


def test_several_workers_need_redis_to_share_the_state():
    assert make(workers=1).workers == 1
    assert make(workers=2, redis_url="redis://127.0.0.1:6379/0").workers == 2
    with pytest.raises(SettingsError, match="REFLEX_REDIS_URL"):
        make(workers=2)


def test_workers_are_read_from_granian_workers(monkeypatch):
    monkeypatch.setenv("GRANIAN_WORKERS", "3")
    monkeypatch.setenv("REFLEX_REDIS_URL", "redis://127.0.0.1:6379/0")
    assert make().workers == 3


def test_production_needs_the_banks_payment_key():
    with pytest.raises(SettingsError) as excinfo:
        make(environment="production", secret_key=SECRET, sms_provider="none", db_url=PG_URL)
    assert "ABSHER_PAYMENT_NOTIFY_SECRET" in str(excinfo.value)


def test_http_sms_needs_its_url():
    with pytest.raises(SettingsError, match="ABSHER_SMS_HTTP_URL"):
        make(sms_provider="http")
    assert make(sms_provider="http", sms_http_url="https://sms.example/send").sms_provider == \
        "http"


def test_metrics_allow_list_is_checked_and_parsed():
    import ipaddress

    with pytest.raises(ValueError, match="ABSHER_METRICS_ALLOW"):
        make(metrics_allow="127.0.0.1,localhost")
    assert make(metrics_allow="10.0.0.0/8, ::1").metrics_networks == [
        ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128")]


def test_payment_key_outside_production_is_derived_from_the_app_secret():
    assert make().payment_secret == make().payment_secret
    assert make().payment_secret != make(secret_key="other" * 8).payment_secret
    assert make(payment_notify_secret="b" * 32).payment_secret == b"b" * 32
