"""The throwaway slapd and ThoughtSpot emulator of one benchmark run, both on loopback."""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path
from types import TracebackType

from testkit.emulator import EmulatorServer
from testkit.slapd import Slapd

from bench.config import Endpoints
from bench.generate import Directory, write_ldif
from bench.requests import RequestCounts

log = logging.getLogger(__name__)

TS_USERNAME = "tsadmin"
TS_PASSWORD = "bench-admin-secret"


class Servers:
    """Start slapd loaded with a directory and an emulator with a latency; stop both on exit."""

    def __init__(self, directory: Directory, folder: Path, *, latency_ms: int) -> None:
        self.directory = directory
        self.folder = folder
        self.label = folder.name
        self.latency_ms = latency_ms
        self._slapd: Slapd | None = None
        self._emulator: EmulatorServer | None = None
        self._endpoints: Endpoints | None = None
        self.builtin_users = 0
        self.builtin_groups = 0
        """Number of built-in principals, present in the emulator before the first sync."""

    def __enter__(self) -> Servers:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def slapd(self) -> Slapd:
        if self._slapd is None:
            raise RuntimeError("slapd is not started")
        return self._slapd

    @property
    def emulator(self) -> EmulatorServer:
        if self._emulator is None:
            raise RuntimeError("the emulator is not started")
        return self._emulator

    @property
    def endpoints(self) -> Endpoints:
        if self._endpoints is None:
            raise RuntimeError("the servers are not started")
        return self._endpoints

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stream = io.StringIO()
        # The controller creates the base entry itself, and slapadd loads the rest.
        write_ldif(self.directory, stream, include_base=False)
        self._slapd = Slapd(self.folder / "slapd", suffix=self.directory.base_dn, tls=False,
                            ldif=[stream.getvalue()])
        del stream
        self._slapd.start()
        self._emulator = EmulatorServer(admin_password=TS_PASSWORD, latency_ms=self.latency_ms)
        self._emulator.start()
        state = self.emulator.state()
        self.builtin_users = len(state["users"])
        self.builtin_groups = len(state["groups"])
        # The read-only service account, as a production sync would bind.
        self._endpoints = Endpoints(
            ldap_url=self.slapd.url, ldap_bind_dn=self.slapd.reader_dn,
            ldap_password=self.slapd.reader_password, base_dn=self.directory.base_dn,
            ts_url=self.emulator.url, ts_username=TS_USERNAME, ts_password=TS_PASSWORD,
        )
        log.info("slapd on %s, emulator on %s with %d ms latency", self.slapd.url,
                 self.emulator.url, self.latency_ms)

    def stop(self) -> None:
        if self._emulator is not None:
            self._emulator.stop()
        if self._slapd is not None:
            self._slapd.stop()

    def apply_ldif(self, ldif: str) -> None:
        """Apply change records with the ldapmodify C client, bound as the administrator."""
        (self.folder / "change.ldif").write_text(ldif, encoding="utf-8")
        self.slapd.modify_ldif(ldif)

    def server_cpu_seconds(self) -> tuple[float, float]:
        """Return the CPU seconds the emulator and slapd have used so far (all threads)."""
        assert self.emulator.process is not None
        slapd_pid = int((self.slapd.workdir / "slapd.pid").read_text().strip())
        return _cpu_seconds(self.emulator.process.pid), _cpu_seconds(slapd_pid)

    def reset_counters(self) -> None:
        self.emulator.reset_counters()

    def request_counts(self) -> RequestCounts:
        """Return the requests the emulator served since the last reset_counters()."""
        return RequestCounts.from_counters(self.emulator.counters()["requests"])

    def empty_thoughtspot(self) -> None:
        """Remove every user and group but the built-in ones."""
        self.emulator.reset()


def _cpu_seconds(pid: int) -> float:
    """Return utime + stime of a process from /proc (Linux), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # Fields 14 and 15 of proc(5), utime and stime, are the 12th and 13th after the name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
