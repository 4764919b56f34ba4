from __future__ import annotations

import pytest

from config.settings import env
from config.settings.secrets import development_secrets, from_environment


def test_env_int_rejects_garbage(monkeypatch):
    monkeypatch.setenv("BEDSIDE_X", "fifteen")
    with pytest.raises(env.SettingError, match="BEDSIDE_X must be an integer"):
        env.env_int("BEDSIDE_X", 3)


def test_env_int_minimum(monkeypatch):
    monkeypatch.setenv("BEDSIDE_X", "0")
    with pytest.raises(env.SettingError, match="at least 1"):
        env.env_int("BEDSIDE_X", 3, minimum=1)


def test_env_bool_strict(monkeypatch):
    monkeypatch.setenv("BEDSIDE_FLAG", "maybe")
    with pytest.raises(env.SettingError):
        env.env_bool("BEDSIDE_FLAG", False)
    monkeypatch.setenv("BEDSIDE_FLAG", "Yes")
    assert env.env_bool("BEDSIDE_FLAG", False) is True


def test_secret_from_file(monkeypatch, tmp_path):
    path = tmp_path / "key"
    path.write_text("s3cret\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(path))
    assert env.env_str("SECRET_KEY") == "s3cret"
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(env.SettingError, match="cannot be read"):
        env.env_str("SECRET_KEY")


def test_production_requires_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("BEDSIDE_ENCRYPTION_KEYS", raising=False)
    with pytest.raises(env.SettingError, match="SECRET_KEY, BEDSIDE_ENCRYPTION_KEYS"):
        from_environment(required=True)


def test_bad_encryption_key_is_refused(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("BEDSIDE_ENCRYPTION_KEYS", "not-a-key")
    with pytest.raises(env.SettingError, match=r"32 bytes|base64"):
        from_environment(required=True)


def test_development_secrets_are_created_once_and_private(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("BEDSIDE_ENCRYPTION_KEYS", raising=False)
    first = development_secrets(tmp_path)
    assert development_secrets(tmp_path) == first
    assert (tmp_path / "secrets.json").stat().st_mode & 0o077 == 0
