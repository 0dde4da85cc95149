"""The Samba test controller's file handling, without starting Samba."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit.samba import SambaDC, SambaError, realm_to_base_dn


def _fake_provisioned(workdir: Path) -> SambaDC:
    """Return a controller whose folder looks provisioned: smb.conf with absolute paths."""
    controller = SambaDC(workdir)
    controller.smb_conf.parent.mkdir(parents=True)
    controller.smb_conf.write_text(
        f"[global]\n\tprivate dir = {workdir}/dc/private\n\ttls cafile = {workdir}/tls/ca.pem\n"
    )
    (workdir / "dc" / "private").mkdir()
    (workdir / "dc" / "private" / "sam.ldb").write_bytes(b"database")
    (workdir / "samba.log").write_text("old log\n")
    (workdir / "dc" / "run").mkdir()
    (workdir / "dc" / "run" / "samba.pid").write_text("12345\n")
    return controller


def test_realm_to_base_dn() -> None:
    assert realm_to_base_dn("CORP.EXAMPLE.TEST") == "DC=corp,DC=example,DC=test"


def test_start_before_provision_fails(tmp_path: Path) -> None:
    controller = SambaDC(tmp_path / "dc-home")

    with pytest.raises(SambaError, match="call provision\\(\\) first"):
        controller.start()


def test_copy_rewrites_paths(tmp_path: Path) -> None:
    template = _fake_provisioned(tmp_path / "template")

    copy = template.copy_to(tmp_path / "copy")

    text = copy.smb_conf.read_text()
    assert f"private dir = {tmp_path}/copy/dc/private" in text
    assert f"tls cafile = {tmp_path}/copy/tls/ca.pem" in text
    assert str(tmp_path / "template") not in text
    assert (tmp_path / "copy" / "dc" / "private" / "sam.ldb").read_bytes() == b"database"


def test_copy_leaves_out_runtime_files(tmp_path: Path) -> None:
    template = _fake_provisioned(tmp_path / "template")

    template.copy_to(tmp_path / "copy")

    assert not (tmp_path / "copy" / "samba.log").exists()
    assert not (tmp_path / "copy" / "dc" / "run" / "samba.pid").exists()


def test_restore_replaces_changed_files(tmp_path: Path) -> None:
    template = _fake_provisioned(tmp_path / "template")
    copy = template.copy_to(tmp_path / "copy")
    (tmp_path / "copy" / "dc" / "private" / "sam.ldb").write_bytes(b"changed")
    (tmp_path / "copy" / "extra").write_text("left by a test")

    copy.restore(template, start=False)

    assert (tmp_path / "copy" / "dc" / "private" / "sam.ldb").read_bytes() == b"database"
    assert not (tmp_path / "copy" / "extra").exists()


def test_relocate_moves_and_rewrites(tmp_path: Path) -> None:
    controller = _fake_provisioned(tmp_path / "build")

    controller.relocate(tmp_path / "final")

    assert controller.workdir == tmp_path / "final"
    assert not (tmp_path / "build").exists()
    assert f"private dir = {tmp_path}/final/dc/private" in controller.smb_conf.read_text()


def test_cleanup_keeps_given_folder(tmp_path: Path) -> None:
    controller = _fake_provisioned(tmp_path / "given")

    controller.cleanup()

    assert (tmp_path / "given").exists()
