"""Nightly settings: precedence CLI > env > config file > defaults; the password only from env or a file."""
from __future__ import annotations

import pytest

from xltrack.errors import ConfigError
from xltrack.nightly.settings import NightlySettings, load_settings

CONFIG = """
[smtp]
host = "mail.example.com"
security = "tls"
user = "bot@example.com"
retries = 5
backoff = 2

[mail]
from = "Sales bot <bot@example.com>"
team = "销售一部"
to = "boss@example.com, vp@example.com"
"""


def test_defaults_without_any_source():
    s = load_settings(environ={})
    assert (s.host, s.port, s.security, s.attach, s.retries) == ("localhost", 587, "starttls", "xlsx", 3)


def test_config_file_then_env_then_explicit(tmp_path):
    cfg = tmp_path / "nightly.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    s = load_settings(cfg, environ={})
    assert (s.host, s.port, s.security, s.retries, s.sender, s.team) == (
        "mail.example.com", 465, "tls", 5, "Sales bot <bot@example.com>", "销售一部")
    assert s.to == ["boss@example.com", "vp@example.com"]
    env = {"XLTRACK_SMTP_HOST": "relay.internal", "XLTRACK_SMTP_PORT": "2525", "XLTRACK_MAIL_TO": "a@x.cn; b@x.cn"}
    s = load_settings(cfg, environ=env)
    assert (s.host, s.port, s.security, s.to) == ("relay.internal", 2525, "tls", ["a@x.cn", "b@x.cn"])
    s = load_settings(cfg, environ=env, host="cli.example.com", retries=None, to=())
    assert (s.host, s.retries, s.to) == ("cli.example.com", 5, ["a@x.cn", "b@x.cn"])


def test_config_file_named_by_env_var(tmp_path):
    cfg = tmp_path / "n.toml"
    cfg.write_text('[smtp]\nhost = "from-env-file"\n', encoding="utf-8")
    assert load_settings(environ={"XLTRACK_NIGHTLY_CONFIG": str(cfg)}).host == "from-env-file"


def test_password_in_the_config_file_is_refused(tmp_path):
    cfg = tmp_path / "n.toml"
    cfg.write_text('[smtp]\nhost = "h"\npassword = "hunter2"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_settings(cfg, environ={})
    assert "must not be written in the config file" in str(e.value)
    assert "hunter2" not in str(e.value)


def test_password_from_env_var_or_file_and_never_shown(tmp_path):
    s = NightlySettings(user="bot")
    assert s.password({}) is None
    pw = s.password({"XLTRACK_SMTP_PASSWORD": "s3cret"})
    assert pw.get_secret_value() == "s3cret" and "s3cret" not in repr(pw)
    f = tmp_path / "smtp.pass"
    f.write_text("from-file\n", encoding="utf-8")
    s = NightlySettings(user="bot", password_file=f, password_env="MY_PW")
    assert s.password({}).get_secret_value() == "from-file"
    assert s.password({"MY_PW": "env-wins"}).get_secret_value() == "env-wins"
    assert "from-file" not in repr(s) and "from-file" not in s.model_dump_json()


def test_missing_password_file_is_a_config_error(tmp_path):
    s = NightlySettings(user="bot", password_file=tmp_path / "nope")
    with pytest.raises(ConfigError, match="cannot read the SMTP password file"):
        s.password({})


def test_backoff_doubles_and_is_capped():
    assert NightlySettings(retries=4, backoff=1, backoff_max=5).delays() == [1, 2, 4, 5]
    assert NightlySettings(retries=0).delays() == []


def test_invalid_values_are_located(tmp_path):
    cfg = tmp_path / "n.toml"
    cfg.write_text('[smtp]\nsecurity = "ssl3"\nport = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_settings(cfg, environ={})
    text = str(e.value)
    assert "security" in text and "port" in text


def test_broken_toml_is_a_config_error(tmp_path):
    cfg = tmp_path / "n.toml"
    cfg.write_text("[smtp\nhost=", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(cfg, environ={})
