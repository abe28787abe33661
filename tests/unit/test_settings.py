from __future__ import annotations

import pytest

from tec.settings import Settings, SettingsError, load_settings


def test_a_wrong_uri_fails_fast_with_a_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "http://localhost:7474")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "NEO4J_URI is wrong" in str(caught.value)
    assert "bolt://" in str(caught.value)


def test_a_wrong_port_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEC_PORT", "99999")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "TEC_PORT is wrong" in str(caught.value)


def test_production_refuses_the_default_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEC_ENV", "production")
    monkeypatch.setenv("NEO4J_URI", "neo4j+s://example.databases.neo4j.io")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "NEO4J_PASSWORD" in str(caught.value)


def test_without_uri_the_local_neo4j_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("TEC_NEO4J_BOLT_PORT", "7799")
    settings = Settings()
    assert settings.uses_local_neo4j
    assert settings.effective_neo4j_uri == "bolt://127.0.0.1:7799"


def test_a_webhook_timeout_not_below_the_lease_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEC_WEBHOOK_LEASE_SECONDS", "10")
    monkeypatch.setenv("TEC_WEBHOOK_TIMEOUT_SECONDS", "10")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "TEC_WEBHOOK_TIMEOUT_SECONDS must be below TEC_WEBHOOK_LEASE_SECONDS" in str(caught.value)
