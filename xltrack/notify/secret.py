"""Where the robot's signing secret comes from: ``$XLTRACK_WEBHOOK_SECRET`` or a file, nothing else.

Never a command-line value (``ps`` and shell history show those), never the workbook, never a
log line: the value is a :class:`pydantic.SecretStr` (``repr`` shows ``**********``) and is read
out only by :mod:`.sign`.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

from pydantic import SecretStr

from ..errors import ConfigError

SECRET_ENV = "XLTRACK_WEBHOOK_SECRET"


def load_secret(secret_file: str | Path | None = None, *,
                environ: Mapping[str, str] | None = None) -> SecretStr | None:
    """The secret from the environment variable, else from ``secret_file``, else None."""
    env = os.environ if environ is None else environ
    value = (env.get(SECRET_ENV) or "").strip()
    if value:
        return SecretStr(value)
    if secret_file is None:
        return None
    try:
        text = Path(secret_file).read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot read the robot secret file {secret_file}: {e.strerror or e}") from None
    text = text.strip()
    if not text:
        raise ConfigError(f"the robot secret file {secret_file} is empty")
    return SecretStr(text)
