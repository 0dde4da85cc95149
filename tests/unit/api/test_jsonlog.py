"""JSON log lines and the secret filter."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from ldap2ts.jsonlog import REDACTED, JsonFormatter, SecretFilter
from ldap2ts.settings import Secret

SECRET = Secret("S3cret-value-991", "env LDAP2TS_TS_PASSWORD")


@pytest.fixture
def capture() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(SecretFilter([SECRET]))
    logger = logging.getLogger("ldap2ts.test.jsonlog")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def records(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_record_has_standard_fields(capture: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = capture
    logger.warning("read %d users", 5)
    [record] = records(stream)
    assert record["level"] == "warning"
    assert record["logger"] == "ldap2ts.test.jsonlog"
    assert record["message"] == "read 5 users"
    assert str(record["time"]).endswith("Z")


def test_extra_fields_are_structured(capture: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = capture
    logger.info("done", extra={"exit_code": 3, "changed": None, "names": ("a", "b")})
    [record] = records(stream)
    assert record["exit_code"] == 3
    assert record["changed"] is None
    assert record["names"] == ["a", "b"]


def test_one_line_per_record(capture: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = capture
    logger.error("first line\nsecond line")
    assert len(stream.getvalue().splitlines()) == 1
    assert records(stream)[0]["message"] == "first line\nsecond line"


def test_exception_is_a_field(capture: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = capture
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.exception("failed")
    [record] = records(stream)
    assert "RuntimeError: boom" in str(record["exception"])


def test_secret_value_is_redacted(capture: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = capture
    logger.info("password is %s", SECRET.reveal(), extra={"body": f"pw={SECRET.reveal()}"})
    logger.info("secret object %s", SECRET)
    text = stream.getvalue()
    assert SECRET.reveal() not in text
    first, second = records(stream)
    assert first["message"] == f"password is {REDACTED}"
    assert first["body"] == f"pw={REDACTED}"
    assert second["message"] == "secret object Secret(source='env LDAP2TS_TS_PASSWORD')"


def test_secret_inside_word_kept(capture: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = capture
    short = SecretFilter([Secret("admin", "flag --ts_pass")])
    logger.addFilter(short)
    try:
        logger.info("Connecting as tsadmin with password admin")
    finally:
        logger.removeFilter(short)
    [record] = records(stream)
    assert record["message"] == f"Connecting as tsadmin with password {REDACTED}"
