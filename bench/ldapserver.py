"""A throwaway slapd on loopback, loaded with slapadd, for the benchmark."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)

ROOT_DN = "cn=admin,dc=bench,dc=example,dc=com"
ROOT_PASSWORD = "bench-secret"
MODULE_PATH = "/usr/lib/ldap"
SCHEMA_PATH = "/etc/ldap/schema"
START_TIMEOUT = 30.0

CONFIG = """\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
include {schema}/nis.schema
modulepath {modules}
moduleload back_mdb
moduleload back_monitor
pidfile {state}/slapd.pid
sizelimit unlimited

database mdb
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_password}
directory {state}/data
maxsize 8589934592
index objectClass eq
index cn,uid,mail eq
index member eq
index entryUUID eq

database monitor
access to dn.subtree="cn=Monitor" by dn.exact="{root_dn}" read by * none
"""


@dataclass(frozen=True, slots=True)
class SlapdAddress:
    url: str
    bind_dn: str
    password: str
    base_dn: str


class BenchSlapd:
    """Start slapd on 127.0.0.1 with a directory loaded by slapadd; stop it and remove its files."""

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix
        self.state = Path(tempfile.mkdtemp(prefix="ldap2ts-bench-slapd-"))
        self.config = self.state / "slapd.conf"
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        (self.state / "data").mkdir()
        self.config.write_text(CONFIG.format(
            schema=SCHEMA_PATH, modules=MODULE_PATH, state=self.state, suffix=suffix,
            root_dn=ROOT_DN, root_password=ROOT_PASSWORD,
        ))

    @property
    def address(self) -> SlapdAddress:
        return SlapdAddress(f"ldap://127.0.0.1:{self.port}", ROOT_DN, ROOT_PASSWORD, self.suffix)

    def load(self, ldif_path: Path) -> None:
        """Load an LDIF file with slapadd in quick mode; slapd must not run yet."""
        subprocess.run(
            ["slapadd", "-q", "-f", str(self.config), "-b", self.suffix, "-l", str(ldif_path)],
            check=True, capture_output=True,
        )

    def start(self) -> None:
        url = f"ldap://127.0.0.1:{self.port}/"
        log_path = self.state / "slapd.log"
        with log_path.open("wb") as log_file:
            self.process = subprocess.Popen(
                ["slapd", "-d", "0", "-h", url, "-f", str(self.config)],
                stdout=log_file, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"slapd exited with status {self.process.returncode}: {error}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"slapd did not listen on port {self.port} within {START_TIMEOUT} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        shutil.rmtree(self.state, ignore_errors=True)

    def __enter__(self) -> BenchSlapd:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
