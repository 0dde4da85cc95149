"""Start and stop a throwaway OpenLDAP slapd on loopback for tests, the demo and the benchmark.

The server gets its own folder with a cn=config built by ``slapadd -n0``, an
mdb database, optionally a CA and server certificate for ldaps:// and
StartTLS, an admin (the rootDN, no limits) and a read-only account whose
searches can be capped by a size limit, as Active Directory caps every
non-paged search at 1,000 entries. slapd runs in the foreground as a child
process and listens on 127.0.0.1 only.

Typical use::

    with Slapd(workdir, suffix="dc=example,dc=com", ldif=[text]) as server:
        ldap_url = server.url
"""

from __future__ import annotations

import ctypes
import logging
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from testkit import certs

if TYPE_CHECKING:
    from testkit.sample import SampleDirectory

logger = logging.getLogger(__name__)

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")
BASE_SCHEMAS = ("core", "cosine", "inetorgperson", "nis")
START_TIMEOUT = 15.0
"""Seconds to wait for slapd to accept connections."""


class SlapdError(RuntimeError):
    """slapd or one of its tools failed; the message carries their output."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _dn_value(dn: str) -> str:
    """Return the value of the first RDN of a simple DN such as dc=example,dc=com."""
    return dn.split(",", 1)[0].split("=", 1)[1]


class Slapd:
    """One slapd process with its configuration, database and certificates in ``workdir``.

    ``size_limit`` caps the entries of a search by any bind other than the
    admin, and without it no bind has a limit. Paged searches may read past
    it page by page, each page being at most ``size_limit`` entries. The
    "limited" account (``limited_dn``) is capped at ``size_limit`` entries
    even when it pages, as a server with a total limit on paged searches
    would do. ``tls`` adds a CA and a server certificate
    and an ldaps:// listener. ``ms_schema`` loads OpenLDAP's msuser schema,
    which brings Active Directory's user, group and computer classes and
    attributes such as sAMAccountName, userPrincipalName and objectGUID.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        suffix: str = "dc=example,dc=com",
        admin_password: str = "admin-secret",
        reader_password: str = "reader-secret",
        tls: bool = True,
        size_limit: int | None = None,
        ms_schema: bool = False,
        ldif: Iterable[str] = (),
    ) -> None:
        self.workdir = workdir
        self.suffix = suffix
        self.admin_dn = f"cn=admin,{suffix}"
        self.admin_password = admin_password
        self.reader_dn = f"cn=reader,{suffix}"
        self.reader_password = reader_password
        self.limited_dn = f"cn=limited,{suffix}"
        self.limited_password = reader_password
        self.tls = tls
        self.size_limit = size_limit
        self.ms_schema = ms_schema
        self._ldif = list(ldif)
        self.port = 0
        self.ldaps_port = 0
        self.certificate: certs.ServerCertificate | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log_path = workdir / "slapd.log"
        self._watch_lock = threading.Lock()
        self._watch: tuple[int, threading.Event] | None = None
        self._pump_thread: threading.Thread | None = None
        self.search_results = 0
        """Search results slapd has sent since it started (from its stats log)."""

    # --- addresses ---------------------------------------------------------

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self) -> str:
        if not self.tls:
            raise SlapdError("this slapd was started without TLS, so it has no ldaps:// URL")
        return f"ldaps://127.0.0.1:{self.ldaps_port}"

    @property
    def ca_file(self) -> str:
        if self.certificate is None:
            raise SlapdError("this slapd was started without TLS, so it has no CA file")
        return str(self.certificate.ca_file)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # --- life cycle --------------------------------------------------------

    def __enter__(self) -> Slapd:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Build the configuration and database, then run slapd until it accepts connections.

        A server started again after ``stop`` or ``kill`` keeps its data but gets
        new ports, so read ``url`` and ``ldaps_url`` after each start.
        """
        if self.running:
            return
        if not self.workdir.exists() or not (self.workdir / "config").exists():
            self._build()
        self._run()

    def stop(self) -> None:
        """Stop slapd (SIGTERM, then SIGKILL after 5 seconds); the database stays on disk."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._process = None
        self._join_pump()

    def kill(self) -> None:
        """Kill slapd at once (SIGKILL), as a crash or a dropped network would end a read."""
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        self._process = None
        self._join_pump()

    def _join_pump(self) -> None:
        """Wait for the output pump, which ends when slapd's output closes."""
        if self._pump_thread is not None:
            self._pump_thread.join(timeout=5)
            self._pump_thread = None

    def pause(self) -> None:
        """Freeze slapd (SIGSTOP): connections open but get no response, so clients time out."""
        if self._process is None:
            return
        self._process.send_signal(signal.SIGSTOP)
        # The signal takes effect asynchronously: wait until the kernel shows
        # the process stopped, so the next request surely gets no response.
        status = Path(f"/proc/{self._process.pid}/stat")
        deadline = time.monotonic() + 5
        while status.exists() and time.monotonic() < deadline:
            state = status.read_text().rpartition(")")[2].split()[0]
            if state in ("T", "t"):
                return
            time.sleep(0.001)

    def resume(self) -> None:
        """Undo ``pause``."""
        if self._process is not None:
            self._process.send_signal(signal.SIGCONT)

    def stop_after_searches(self, count: int) -> threading.Event:
        """Kill slapd as soon as it has logged ``count`` more search results.

        Each page of a paged search and each base-scope read is one result.
        slapd goes on serving while its log line travels to this process, so
        a fast client may get a page or two more before the kill.
        Returns an event that is set once slapd has been killed, so a test
        can stop a read in the middle, through the command line too.
        """
        killed = threading.Event()
        with self._watch_lock:
            self._watch = (self.search_results + count, killed)
        return killed

    def log(self) -> str:
        """Return what slapd wrote on stderr so far."""
        return self._log_path.read_text(errors="replace") if self._log_path.exists() else ""

    # --- data --------------------------------------------------------------

    def add_ldif(self, ldif: str) -> None:
        """Add entries to the running server with ldapadd, bound as the admin."""
        self._client("ldapadd", ldif)

    def modify_ldif(self, ldif: str) -> None:
        """Apply an LDIF of changes to the running server with ldapmodify."""
        self._client("ldapmodify", ldif)

    def _client(self, tool: str, ldif: str) -> None:
        command = [tool, "-x", "-H", self.url, "-D", self.admin_dn, "-y", str(self._admin_pw_file)]
        result = subprocess.run(command, input=ldif.encode(), capture_output=True, check=False)
        if result.returncode != 0:
            raise SlapdError(f"{tool} failed: {result.stderr.decode(errors='replace').strip()}")

    @property
    def _admin_pw_file(self) -> Path:
        path = self.workdir / "admin.pw"
        if not path.exists():
            path.write_text(self.admin_password)
            path.chmod(0o600)
        return path

    # --- building ----------------------------------------------------------

    def _build(self) -> None:
        if self.workdir.exists():
            shutil.rmtree(self.workdir)
        (self.workdir / "config").mkdir(parents=True)
        (self.workdir / "data").mkdir()
        if self.tls:
            self.certificate = certs.make_server_certificate(self.workdir / "tls")
        self._slapadd(["-n0", "-F", str(self.workdir / "config")], self._config_ldif())
        data = "\n".join([self._base_ldif(), *self._ldif])
        self._slapadd(["-n1", "-F", str(self.workdir / "config"), "-q"], data)

    def _slapadd(self, arguments: list[str], ldif: str) -> None:
        result = subprocess.run(
            [SLAPADD, *arguments], input=ldif.encode(), capture_output=True, check=False
        )
        if result.returncode != 0:
            output = result.stderr.decode(errors="replace").strip()
            raise SlapdError(f"slapadd {' '.join(arguments)} failed: {output}")

    def _config_ldif(self) -> str:
        schemas = [*BASE_SCHEMAS, *(["msuser"] if self.ms_schema else [])]
        tls_lines = ""
        if self.certificate is not None:
            tls_lines = (
                f"olcTLSCACertificateFile: {self.certificate.ca_file}\n"
                f"olcTLSCertificateFile: {self.certificate.cert_file}\n"
                f"olcTLSCertificateKeyFile: {self.certificate.key_file}\n"
            )
        # slapd's default limit of 500 entries also caps paged searches, so
        # without a size limit every bind gets none.
        limits = "olcLimits: {0}* size=unlimited time=unlimited\n"
        if self.size_limit is not None:
            # size.prtotal=unlimited lets a paged search go past the limit
            # page by page, while a search without paging stops at it.
            limit = self.size_limit
            limits = (
                f'olcLimits: {{0}}dn.exact="{self.limited_dn}" size.soft={limit} '
                f"size.hard={limit} size.pr={limit} size.prtotal={limit}\n"
                f"olcLimits: {{1}}* size.soft={limit} size.hard={limit} "
                f"size.pr={limit} size.prtotal=unlimited\n"
            )
        includes = "".join(f"include: file://{SCHEMA_DIR / name}.ldif\n\n" for name in schemas)
        return (
            "dn: cn=config\nobjectClass: olcGlobal\ncn: config\n"
            f"olcPidFile: {self.workdir / 'slapd.pid'}\n{tls_lines}\n"
            "dn: cn=module{0},cn=config\nobjectClass: olcModuleList\ncn: module{0}\n"
            f"olcModulePath: {MODULE_DIR}\nolcModuleLoad: back_mdb\n\n"
            "dn: cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: schema\n\n"
            f"{includes}"
            "dn: olcDatabase={-1}frontend,cn=config\nobjectClass: olcDatabaseConfig\n"
            "objectClass: olcFrontendConfig\nolcDatabase: {-1}frontend\n\n"
            "dn: olcDatabase={0}config,cn=config\nobjectClass: olcDatabaseConfig\n"
            "olcDatabase: {0}config\nolcAccess: {0}to * by * none\n\n"
            "dn: olcDatabase={1}mdb,cn=config\nobjectClass: olcDatabaseConfig\n"
            "objectClass: olcMdbConfig\nolcDatabase: {1}mdb\n"
            f"olcSuffix: {self.suffix}\nolcRootDN: {self.admin_dn}\n"
            f"olcRootPW: {self.admin_password}\nolcDbDirectory: {self.workdir / 'data'}\n"
            "olcDbMaxSize: 1073741824\n"
            "olcDbIndex: objectClass eq\nolcDbIndex: uid,cn,member,uniqueMember,memberUid eq\n"
            "olcAccess: {0}to attrs=userPassword by anonymous auth by * none\n"
            "olcAccess: {1}to * by * read\n"
            f"{limits}"
        )

    def _base_ldif(self) -> str:
        first_type = self.suffix.split("=", 1)[0].strip().lower()
        value = _dn_value(self.suffix)
        if first_type == "dc":
            root = f"dn: {self.suffix}\nobjectClass: domain\ndc: {value}\n"
        else:
            root = f"dn: {self.suffix}\nobjectClass: organization\no: {value}\n"
        reader = (
            f"dn: {self.reader_dn}\nobjectClass: organizationalRole\n"
            "objectClass: simpleSecurityObject\ncn: reader\n"
            f"userPassword: {self.reader_password}\n"
        )
        limited = reader.replace(self.reader_dn, self.limited_dn).replace(
            "cn: reader", "cn: limited"
        )
        return f"{root}\n{reader}\n{limited}\n"

    # --- running -----------------------------------------------------------

    def _run(self) -> None:
        last_error = ""
        for _attempt in range(3):
            self.port = free_port()
            self.ldaps_port = free_port() if self.tls else 0
            urls = f"ldap://127.0.0.1:{self.port}/"
            if self.tls:
                urls += f" ldaps://127.0.0.1:{self.ldaps_port}/"
            # "-d stats" keeps slapd in the foreground and logs one line per
            # operation, which the output pump watches for stop_after_searches.
            command = [SLAPD, "-d", "stats", "-h", urls, "-F", str(self.workdir / "config")]
            self._process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
            self._pump_thread = threading.Thread(
                target=self._pump, args=(self._process,), name="slapd-output", daemon=True
            )
            self._pump_thread.start()
            if self._wait_ready():
                logger.debug("slapd %s listening on %s", self._process.pid, urls)
                return
            last_error = self.log()[-2000:]
            self.kill()
        raise SlapdError(f"slapd did not start: {last_error}")

    def _pump(self, process: subprocess.Popen[bytes]) -> None:
        """Copy slapd's output to the log file, killing slapd when a watch says so."""
        assert process.stdout is not None
        with process.stdout, self._log_path.open("ab") as log:
            for line in iter(process.stdout.readline, b""):
                log.write(line)
                log.flush()
                if b" SEARCH RESULT " in line:
                    self._count_search_result(process)

    def _count_search_result(self, process: subprocess.Popen[bytes]) -> None:
        with self._watch_lock:
            self.search_results += 1
            watch = self._watch
            if watch is None or self.search_results < watch[0]:
                return
            self._watch = None
        process.kill()
        watch[1].set()

    def _wait_ready(self) -> bool:
        """Wait until every listener accepts a TCP connection, or slapd exits."""
        ports = [self.port, *([self.ldaps_port] if self.tls else [])]
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                return False
            if all(_accepts(port) for port in ports):
                return True
            time.sleep(0.02)
        return False


def _die_with_parent() -> None:
    """Ask Linux to kill the child when the thread that started it ends (PR_SET_PDEATHSIG).

    A test run killed with SIGKILL then leaves no slapd behind. Elsewhere
    this does nothing.
    """
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL)


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def slapd_available() -> bool:
    """Tell whether the slapd and slapadd programs are installed."""
    return os.access(SLAPD, os.X_OK) and os.access(SLAPADD, os.X_OK)


def connection_summary(server: Slapd, company: SampleDirectory) -> list[str]:
    """Return the lines that tell how to reach a running server, its accounts and an edit.

    The admin password is printed on purpose: the server is a throwaway one
    on loopback, and changing entries by hand is how drift is tried out.
    """
    user = company.users[0]
    admin = shlex.quote(server.admin_dn)
    password = shlex.quote(server.admin_password)
    return [
        f"url:       {server.url} (StartTLS) and {server.ldaps_url}",
        f"ca_file:   {server.ca_file}",
        f"bind_dn:   {server.reader_dn} (password {server.reader_password}, read-only)",
        f"admin_dn:  {server.admin_dn} (password {server.admin_password}, read-write)",
        f"base_dn:   {company.base}",
        "Change an entry as the admin, for example a user's display name:",
        f"ldapmodify -x -H {server.url} -D {admin} -w {password} <<'EOF'",
        f"dn: {user.dn}",
        "changetype: modify",
        "replace: displayName",
        "displayName: Renamed By Hand",
        "EOF",
    ]


def main(argv: list[str] | None = None) -> int:
    """Run a slapd loaded with the sample company until interrupted, printing how to reach it."""
    import argparse
    import tempfile

    from testkit import sample

    parser = argparse.ArgumentParser(
        prog="python -m testkit.slapd",
        description="Start a throwaway slapd on 127.0.0.1 with the sample company directory.",
    )
    parser.add_argument("--ad", action="store_true", help="load the Active Directory shape")
    parser.add_argument("--users", type=int, default=300, help="number of users (default 300)")
    parser.add_argument("--workdir", type=Path, help="folder for the server (default: a temp one)")
    arguments = parser.parse_args(argv)

    if arguments.ad:
        company = sample.ad_company(users=arguments.users)
    else:
        company = sample.openldap_company(users=arguments.users)
    workdir = arguments.workdir or Path(tempfile.mkdtemp(prefix="ldap2ts-slapd-")) / "slapd"
    server = Slapd(workdir, suffix=company.suffix, ms_schema=arguments.ad, ldif=[company.ldif])
    with server:
        print("\n".join(connection_summary(server, company)))
        print("Press Ctrl-C to stop.", flush=True)
        stop_signals = {signal.SIGINT, signal.SIGTERM}
        signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
        signal.sigwait(stop_signals)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
