"""Service configuration: one pydantic-settings class, read from CREDITS_* environment variables.

Nothing here connects anywhere: `Settings()` only reads the environment, and `database_url()` starts the
embedded development PostgreSQL only when asked and only in dev.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values people paste from examples; refusing them outside dev stops a demo secret reaching production.
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev", "password", "test"})
MIN_SECRET_LENGTH = 16


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CREDITS_", extra="ignore")

    environment: Literal["dev", "test", "prod"] = "dev"
    database_url: str | None = None
    hasura_action_secret: SecretStr = SecretStr("")
    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=1, le=65535)
    pool_min_size: int = Field(default=1, ge=0)
    pool_max_size: int = Field(default=10, ge=1)
    # Seconds to wait for a new database connection before answering 503 DATABASE_UNAVAILABLE.
    db_connect_timeout: float = Field(default=5.0, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    shutdown_timeout: float = Field(default=10.0, gt=0)
    # Largest request body accepted (Hasura payloads are small; this bounds memory per request).
    max_body_bytes: int = Field(default=1_000_000, ge=1024)

    # Bearer token Prometheus must send for GET /metrics. Unset: /metrics is open in dev (bound to loopback)
    # and refused elsewhere, since the image binds 0.0.0.0 and the counters describe every tenant's traffic.
    metrics_token: SecretStr | None = None

    # Stripe (used by actions/billing; optional so the service starts without them).
    stripe_secret_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    stripe_api_base: str | None = None

    @field_validator("metrics_token", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        # docker-compose passes `${CREDITS_METRICS_TOKEN:-}`: empty means not configured.
        return None if value == "" else value

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.pool_min_size > self.pool_max_size:
            raise ValueError("CREDITS_POOL_MIN_SIZE must not exceed CREDITS_POOL_MAX_SIZE")
        if self.environment != "dev":
            secret = self.hasura_action_secret.get_secret_value()
            if secret.strip().lower() in PLACEHOLDER_SECRETS or len(secret) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"CREDITS_HASURA_ACTION_SECRET must be a real secret of at least {MIN_SECRET_LENGTH} "
                    f"characters outside dev (environment={self.environment})"
                )
            token = self.metrics_token.get_secret_value() if self.metrics_token else None
            if token is not None and (
                token.strip().lower() in PLACEHOLDER_SECRETS or len(token) < MIN_SECRET_LENGTH
            ):
                raise ValueError(
                    f"CREDITS_METRICS_TOKEN must be a real secret of at least {MIN_SECRET_LENGTH} characters"
                    f" outside dev (environment={self.environment})"
                )
            if not self.database_url:
                raise ValueError("CREDITS_DATABASE_URL is required outside dev")
        if self.environment == "prod" and self.stripe_api_base:
            # The only use of another API base is the local Stripe stand-in: money must never go there.
            raise ValueError("CREDITS_STRIPE_API_BASE is for development and tests; unset it in prod")
        return self

    def resolved_database_url(self) -> str:
        """The database to use; in dev without CREDITS_DATABASE_URL, the embedded/DATABASE_URL server."""
        if self.database_url:
            return self.database_url
        from devdb import pgserver  # dev-only dependency path; imported lazily so nothing starts early

        return pgserver.server_url()
