"""Settings of the nightly job: SMTP, sender, team name, retries — and where each comes from.

Precedence, highest first: explicit arguments (the CLI's options) > environment variables >
the TOML config file > defaults. The config file is ``--config FILE``, else
``$XLTRACK_NIGHTLY_CONFIG``; without either, only env vars and defaults apply.

The SMTP password is deliberately *not* a setting that can be written in the config file or on the
command line (both end up in shell history, backups or ``ps``): it is read only from the
environment variable named by ``password_env`` (default ``XLTRACK_SMTP_PASSWORD``) or from
``password_file``, a file outside the workbook (for example mode 0600 in /etc/xltrack/). It is a
:class:`pydantic.SecretStr`, so ``repr``/logging never shows it.

Plain pydantic rather than pydantic-settings: the precedence rules are ten lines here and the
package then needs no extra dependency.
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from ..errors import ConfigError

Security = Literal["none", "starttls", "tls"]
Attach = Literal["xlsx", "xlsm", "none"]

DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}

# setting name -> environment variable
ENV_VARS: dict[str, str] = {
    "host": "XLTRACK_SMTP_HOST",
    "port": "XLTRACK_SMTP_PORT",
    "security": "XLTRACK_SMTP_SECURITY",
    "user": "XLTRACK_SMTP_USER",
    "password_env": "XLTRACK_SMTP_PASSWORD_ENV",
    "password_file": "XLTRACK_SMTP_PASSWORD_FILE",
    "ca_file": "XLTRACK_SMTP_CA_FILE",
    "verify": "XLTRACK_SMTP_VERIFY",
    "timeout": "XLTRACK_SMTP_TIMEOUT",
    "retries": "XLTRACK_SMTP_RETRIES",
    "backoff": "XLTRACK_SMTP_BACKOFF",
    "backoff_max": "XLTRACK_SMTP_BACKOFF_MAX",
    "sender": "XLTRACK_MAIL_FROM",
    "team": "XLTRACK_TEAM",
    "to": "XLTRACK_MAIL_TO",
    "cc": "XLTRACK_MAIL_CC",
    "attach": "XLTRACK_ATTACH",
    "recalc": "XLTRACK_RECALC",
    "outbox": "XLTRACK_OUTBOX",
    "max_attachment_mb": "XLTRACK_MAX_ATTACHMENT_MB",
    "chart": "XLTRACK_CHART",
    "webhook": "XLTRACK_WEBHOOK",
    "webhook_kind": "XLTRACK_WEBHOOK_KIND",
    "webhook_secret_file": "XLTRACK_WEBHOOK_SECRET_FILE",
}
CONFIG_ENV = "XLTRACK_NIGHTLY_CONFIG"
DEFAULT_PASSWORD_ENV = "XLTRACK_SMTP_PASSWORD"
# config file keys that are never accepted (the secret must not live there)
FORBIDDEN_KEYS = {"password", "pass", "smtp_password", "secret", "webhook_secret"}


class NightlySettings(BaseModel):
    """Everything the nightly job needs besides the workbook and the as-of date."""

    model_config = ConfigDict(extra="forbid")

    host: str = "localhost"
    port: int | None = Field(default=None, gt=0, lt=65536)   # None: 25 / 587 / 465 by security
    security: Security = "starttls"
    user: str | None = None
    password_env: str = DEFAULT_PASSWORD_ENV
    password_file: Path | None = None
    ca_file: Path | None = None          # extra CA bundle (a company CA, a self-signed test cert)
    verify: bool = True                  # verify the server certificate and host name
    timeout: float = Field(default=30.0, gt=0)
    retries: int = Field(default=3, ge=0)            # attempts after the first one
    backoff: float = Field(default=5.0, ge=0)        # first delay in seconds; doubles each retry
    backoff_max: float = Field(default=300.0, ge=0)
    sender: str = "xltrack@localhost"
    team: str | None = None              # None: the Config sheet's team name
    to: list[str] = []
    cc: list[str] = []
    attach: Attach = "xlsx"
    recalc: bool = True                  # recalculate the attachment with LibreOffice when needed
    outbox: Path | None = None           # where unsent messages are kept when sending fails
    # many mail servers refuse messages over 10–25 MB (and base64 adds a third): a bigger
    # workbook is left out with a note in the body instead of failing every night
    max_attachment_mb: float = Field(default=15.0, gt=0)
    chart: bool = False                  # the Dashboard as an inline PNG in the team digest (opt-in)
    # group robots (企业微信, 钉钉, 飞书, Slack) that also get the digest: see docs/notify.md
    webhook: list[str] = []
    webhook_kind: Literal["wecom", "dingtalk", "feishu", "slack"] | None = None   # None: from the host
    webhook_secret_file: Path | None = None   # else $XLTRACK_WEBHOOK_SECRET; never the secret itself

    @model_validator(mode="after")
    def _ports(self) -> "NightlySettings":
        if self.port is None:
            self.port = DEFAULT_PORTS[self.security]
        return self

    def password(self, environ: Mapping[str, str] | None = None) -> SecretStr | None:
        """The SMTP password from the environment variable, else the password file, else None."""
        env = os.environ if environ is None else environ
        value = env.get(self.password_env)
        if value:
            return SecretStr(value)
        if self.password_file is not None:
            try:
                text = Path(self.password_file).read_text(encoding="utf-8")
            except OSError as e:
                raise ConfigError(f"cannot read the SMTP password file {self.password_file}: "
                                  f"{e.strerror or e}") from None
            return SecretStr(text.strip("\r\n"))
        return None

    def delays(self) -> list[float]:
        """The waits between attempts: backoff, 2×backoff, 4×… capped at backoff_max."""
        return [min(self.backoff * 2 ** i, self.backoff_max) for i in range(self.retries)]


def _split_urls(value: str) -> list[str]:
    from ..notify.api import split_urls

    return split_urls(value)


def _split_list(value: str) -> list[str]:
    return [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, var in ENV_VARS.items():
        raw = environ.get(var)
        if raw is None or raw.strip() == "":
            continue
        if key in ("to", "cc"):
            out[key] = _split_list(raw)
        elif key == "webhook":
            out[key] = _split_urls(raw)
        elif key in ("verify", "recalc", "chart"):
            out[key] = raw.strip().lower() not in ("0", "false", "no", "off")
        else:
            out[key] = raw.strip()
    return out


def _flatten(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """Accept ``[smtp]`` and ``[mail]`` tables (or a ``[nightly]`` table, or top-level keys)."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        if isinstance(v, dict) and k in ("smtp", "mail", "nightly"):
            for k2, v2 in v.items():
                out["sender" if k2 == "from" else k2] = v2
        else:
            out["sender" if k == "from" else k] = v
    bad = sorted(FORBIDDEN_KEYS & set(out))
    if bad:
        what = "the robot secret" if all("secret" in k for k in bad) else "the SMTP password"
        raise ConfigError(
            f"{path}: {what} must not be written in the config file (key {', '.join(bad)})",
            hint=f"set the environment variable {DEFAULT_PASSWORD_ENV} (robots: XLTRACK_WEBHOOK_SECRET) or "
                 "point password_file (webhook_secret_file) to a file readable only by the job's user")
    for key in ("to", "cc"):
        if isinstance(out.get(key), str):
            out[key] = _split_list(out[key])
    if isinstance(out.get("webhook"), str):
        out["webhook"] = _split_urls(out["webhook"])
    return out


def _from_file(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"nightly config file not found: {path}") from None
    except OSError as e:
        raise ConfigError(f"cannot read the nightly config file {path}: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path} is not valid TOML: {e}") from None
    return _flatten(data, path)


def load_settings(config: str | Path | None = None, *, environ: Mapping[str, str] | None = None,
                  **overrides: Any) -> NightlySettings:
    """Merge defaults < config file < environment < ``overrides`` (``None`` values are ignored)."""
    env = os.environ if environ is None else environ
    path = config or env.get(CONFIG_ENV) or None
    merged: dict[str, Any] = {}
    if path:
        merged.update(_from_file(Path(path)))
    merged.update(_from_env(env))
    merged.update({k: v for k, v in overrides.items() if v is not None and v != ()})
    bad = sorted(FORBIDDEN_KEYS & set(merged))
    if bad:
        raise ConfigError("the SMTP password is not a setting",
                          hint=f"set {DEFAULT_PASSWORD_ENV} or password_file instead")
    try:
        return NightlySettings.model_validate(merged)
    except ValidationError as e:
        problems = [f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
                    for err in e.errors()]
        raise ConfigError("the nightly settings are invalid", problems) from None
