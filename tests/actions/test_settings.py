"""Settings: CREDITS_* environment, defaults, refusal of placeholder secrets outside dev."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from actions.settings import Settings

REAL = "a-real-secret-of-enough-length"


def test_defaults_from_empty_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ENVIRONMENT", "DATABASE_URL", "HASURA_ACTION_SECRET", "PORT", "HOST"):
        monkeypatch.delenv(f"CREDITS_{name}", raising=False)
    settings = Settings()
    assert (settings.environment, settings.port, settings.host) == ("dev", 3000, "127.0.0.1")
    assert settings.database_url is None
    assert settings.stripe_secret_key is None


def test_reads_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDITS_ENVIRONMENT", "prod")
    monkeypatch.setenv("CREDITS_HASURA_ACTION_SECRET", REAL)
    monkeypatch.setenv("CREDITS_DATABASE_URL", "postgresql://db/credits")
    monkeypatch.setenv("CREDITS_PORT", "3100")
    monkeypatch.setenv("CREDITS_STRIPE_WEBHOOK_SECRET", "whsec_123")
    settings = Settings()
    assert settings.port == 3100
    assert settings.hasura_action_secret.get_secret_value() == REAL
    assert REAL not in repr(settings)
    assert settings.stripe_webhook_secret is not None
    assert settings.stripe_webhook_secret.get_secret_value() == "whsec_123"


@pytest.mark.parametrize("environment", ["test", "prod"])
@pytest.mark.parametrize("secret", ["", "changeme", "secret", "dev", "short-secret", "CHANGEME"])
def test_placeholder_secrets_refused_outside_dev(environment: str, secret: str) -> None:
    with pytest.raises(ValidationError, match="CREDITS_HASURA_ACTION_SECRET"):
        Settings(environment=environment, hasura_action_secret=secret, database_url="postgresql://db/x")


def test_dev_accepts_any_secret_and_no_database_url() -> None:
    settings = Settings(environment="dev", hasura_action_secret="dev")
    assert settings.database_url is None


def test_database_url_required_outside_dev() -> None:
    with pytest.raises(ValidationError, match="CREDITS_DATABASE_URL"):
        Settings(environment="prod", hasura_action_secret=REAL)


def test_pool_bounds_checked() -> None:
    with pytest.raises(ValidationError):
        Settings(pool_min_size=5, pool_max_size=2)


def test_main_refuses_bad_configuration_without_starting() -> None:
    env = {"CREDITS_ENVIRONMENT": "prod", "CREDITS_HASURA_ACTION_SECRET": "changeme", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "actions"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "CREDITS_HASURA_ACTION_SECRET" in result.stderr


def test_production_refuses_a_stripe_stand_in() -> None:
    # The local Stripe of `make up` is reached through CREDITS_STRIPE_API_BASE; prod must talk to Stripe.
    with pytest.raises(ValidationError, match="CREDITS_STRIPE_API_BASE"):
        Settings(
            environment="prod",
            hasura_action_secret=REAL,
            database_url="postgresql://db/x",
            stripe_api_base="http://127.0.0.1:12111",
        )
    test = Settings(environment="test", hasura_action_secret=REAL, database_url="postgresql://db/x")
    assert Settings(**{**test.model_dump(), "stripe_api_base": "http://127.0.0.1:12111"}).stripe_api_base
