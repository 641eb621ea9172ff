"""Settings, read once from the environment and checked before the first request.

Under the Functions host the environment holds the app settings (``local.settings.json``
locally); the local host reads the same names. A setting that is present but wrong stops the
start-up with a message that names it, rather than failing on some later request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shared.aging import AgingPeriods, AgingPeriodsError

STORES = ("sqlite", "cosmos")
FANOUTS = ("inline", "queue")
# Customers per precompute batch: a batch's index and candidates are one document each, and
# 2,000 entries keep them well under Cosmos DB's 2 MB item limit.
DEFAULT_PRECOMPUTE_BATCH_SIZE = 2_000
AI_MODES = ("off", "azure-openai", "openai")
DEFAULT_SCHEDULE = "0 30 1 * * *"
# Summaries run after the precompute, whose snapshots they read.
DEFAULT_SUMMARY_SCHEDULE = "0 30 2 * * *"
DEFAULT_REMINDER_TONE_DAYS = (30, 60)
DEFAULT_REMINDER_QUIET_DAYS = 7


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it and says what is expected."""


@dataclass(frozen=True)
class Settings:
    store: str = "sqlite"
    sqlite_path: Path = Path(".data/collections.db")
    cosmos_endpoint: str | None = None
    cosmos_database: str = "collections"
    cosmos_key: str | None = field(default=None, repr=False)
    ai: str = "off"
    azure_openai_endpoint: str | None = None
    azure_openai_deployment: str | None = None
    azure_openai_api_key: str | None = field(default=None, repr=False)
    azure_openai_api_version: str = "2024-10-21"
    openai_base_url: str | None = None
    openai_api_key: str | None = field(default=None, repr=False)
    openai_model: str | None = None
    precompute_schedule: str = DEFAULT_SCHEDULE
    precompute_fanout: str = "inline"
    precompute_batch_size: int = DEFAULT_PRECOMPUTE_BATCH_SIZE
    summary_schedule: str = DEFAULT_SUMMARY_SCHEDULE
    ai_timeout_seconds: int = 20
    ai_max_retries: int = 2
    summary_token_budget: int = 200_000
    aging_periods: AgingPeriods = field(default_factory=AgingPeriods)
    workspace_top: int = 10
    demo_data: bool = True
    reminder_tone_days: tuple[int, int] = DEFAULT_REMINDER_TONE_DAYS
    reminder_quiet_days: int = DEFAULT_REMINDER_QUIET_DAYS

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check every setting; raise ``SettingsError`` naming the first bad one."""
        env = os.environ if environ is None else environ
        settings = cls(
            store=_choice(env, "COLLECTIONS_STORE", STORES, "sqlite"),
            sqlite_path=Path(env.get("COLLECTIONS_SQLITE_PATH") or ".data/collections.db"),
            cosmos_endpoint=env.get("COSMOS_ENDPOINT") or None,
            cosmos_database=env.get("COSMOS_DATABASE") or "collections",
            cosmos_key=env.get("COSMOS_KEY") or None,
            ai=_choice(env, "COLLECTIONS_AI", AI_MODES, "off"),
            azure_openai_endpoint=env.get("AZURE_OPENAI_ENDPOINT") or None,
            azure_openai_deployment=env.get("AZURE_OPENAI_DEPLOYMENT") or None,
            azure_openai_api_key=env.get("AZURE_OPENAI_API_KEY") or None,
            azure_openai_api_version=env.get("AZURE_OPENAI_API_VERSION") or "2024-10-21",
            openai_base_url=env.get("OPENAI_BASE_URL") or None,
            openai_api_key=env.get("OPENAI_API_KEY") or None,
            openai_model=env.get("OPENAI_MODEL") or None,
            precompute_schedule=env.get("PRECOMPUTE_SCHEDULE") or DEFAULT_SCHEDULE,
            precompute_fanout=_choice(env, "COLLECTIONS_PRECOMPUTE_FANOUT", FANOUTS, "inline"),
            precompute_batch_size=_positive_int(
                env, "COLLECTIONS_PRECOMPUTE_BATCH_SIZE", DEFAULT_PRECOMPUTE_BATCH_SIZE
            ),
            summary_schedule=env.get("SUMMARY_SCHEDULE") or DEFAULT_SUMMARY_SCHEDULE,
            ai_timeout_seconds=_positive_int(env, "COLLECTIONS_AI_TIMEOUT_SECONDS", 20),
            ai_max_retries=_whole_number(env, "COLLECTIONS_AI_MAX_RETRIES", 2),
            summary_token_budget=_whole_number(env, "COLLECTIONS_SUMMARY_TOKEN_BUDGET", 200_000),
            aging_periods=_aging_periods(env),
            workspace_top=_positive_int(env, "COLLECTIONS_WORKSPACE_TOP", 10),
            demo_data=_flag(env, "COLLECTIONS_DEMO_DATA", True),
            reminder_tone_days=_tone_days(env),
            reminder_quiet_days=_positive_int(
                env, "COLLECTIONS_REMINDER_QUIET_DAYS", DEFAULT_REMINDER_QUIET_DAYS
            ),
        )
        settings._check_required()
        return settings

    def _check_required(self) -> None:
        if self.store == "cosmos" and not self.cosmos_endpoint:
            raise SettingsError("COSMOS_ENDPOINT is required when COLLECTIONS_STORE=cosmos.")
        if self.ai == "azure-openai":
            for name, value in (
                ("AZURE_OPENAI_ENDPOINT", self.azure_openai_endpoint),
                ("AZURE_OPENAI_DEPLOYMENT", self.azure_openai_deployment),
            ):
                if not value:
                    raise SettingsError(f"{name} is required when COLLECTIONS_AI=azure-openai.")
        if self.ai == "openai" and not self.openai_model:
            raise SettingsError("OPENAI_MODEL is required when COLLECTIONS_AI=openai.")


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = (env.get(name) or default).strip().lower()
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}; got {value!r}.")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = (env.get(name) or "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false; got {value!r}.")


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    value = (env.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(f"{name} must be a whole number of at least 1; got {value!r}.")
    return int(value)


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    value = (env.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise SettingsError(f"{name} must be a whole number of at least 0; got {value!r}.")
    return int(value)


def _aging_periods(env: Mapping[str, str]) -> AgingPeriods:
    text = env.get("COLLECTIONS_AGING_PERIODS") or ""
    if not text.strip():
        return AgingPeriods()
    try:
        return AgingPeriods.parse(text)
    except AgingPeriodsError as error:
        raise SettingsError(f"COLLECTIONS_AGING_PERIODS: {error}") from None


def _tone_days(env: Mapping[str, str]) -> tuple[int, int]:
    # Two bounds split the days past due into the friendly, firm and final reminder tones.
    text = (env.get("COLLECTIONS_REMINDER_TONE_DAYS") or "").strip()
    if not text:
        return DEFAULT_REMINDER_TONE_DAYS
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        raise SettingsError(
            "COLLECTIONS_REMINDER_TONE_DAYS must be two whole days separated by a comma, "
            f'such as "30,60"; got {text!r}.'
        )
    firm, final = int(parts[0]), int(parts[1])
    if not 1 <= firm < final:
        raise SettingsError(
            'COLLECTIONS_REMINDER_TONE_DAYS must be positive and increasing, such as "30,60"; '
            f"got {text!r}."
        )
    return firm, final
