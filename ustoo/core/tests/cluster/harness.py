"""Several app servers on one machine, as on several: a throwaway PostgreSQL behind pgbouncer (transaction
pooling), Redis, gunicorn app servers on their own loopback addresses (127.0.0.2, 127.0.0.3, … are loopback
on Linux) with the same settings and each its own data directory (but for the journal's attachments, in a
directory they share), and haproxy in front, round-robin with health checks. Everything listens on loopback
only, every wait is bounded, and every process is started in a process group of its own that is killed when
the cluster stops, whatever happened.

Used by the cluster tests (conftest.py) and the cluster benchmark (bench/cluster.py)."""

import contextlib
import csv
import http.client
import io
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
# The balancer's own address: the app servers trust X-Forwarded-For from it alone.
BALANCER = "127.0.0.4"
APP_ADDRESSES = ("127.0.0.2", "127.0.0.3")
HOST = "ustoo.test"
# Longest wait for any process to be ready.
START_SECONDS = 60


def free_port(address: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return sock.getsockname()[1]


def wait_until(ready, what: str, seconds: float = START_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready after {seconds} s")
        time.sleep(0.05)


def accepts(address: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((address, port), timeout=1):
        return True
    return False


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self):
        import json

        return json.loads(self.body)

    def cookies(self) -> dict[str, str]:
        found = {}
        for header in self.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            found[name] = rest.split(";", 1)[0]
        return found


def call(
    address: str,
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    source: str | None = None,
    timeout: float = 60,
) -> Answer:
    """One HTTP request on a new connection, from `source` (a loopback address: each is a client of its
    own to the balancer)."""
    connection = http.client.HTTPConnection(
        address, port, timeout=timeout, source_address=(source, 0) if source else None
    )
    try:
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def stop(self, sig: int = signal.SIGTERM, seconds: float = 10) -> None:
        """Stop the whole process group (gunicorn's workers, say); kill it if it lingers."""
        if self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(seconds)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(seconds)

    def kill(self) -> None:
        """SIGKILL to every process of the group at once: a machine that dies."""
        self.stop(signal.SIGKILL)


@dataclass
class AppServer:
    name: str
    address: str
    port: int
    data_dir: Path
    env: dict[str, str]
    process: Process | None = None


@dataclass
class Cluster:
    workers: int = 2
    threads: int = 4
    pgbouncer: bool = True
    extra_env: dict[str, str] = field(default_factory=dict)
    directory: Path = field(init=False)
    processes: list[Process] = field(default_factory=list, init=False)
    servers: list[AppServer] = field(default_factory=list, init=False)

    # -- starting ------------------------------------------------------------------------------------
    def __enter__(self) -> "Cluster":
        self.directory = Path(tempfile.mkdtemp(prefix="ustoo-cluster."))
        self.directory.chmod(0o755)
        self.shared_attachments = self.directory / "shared" / "journal-attachments"
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _spawn(self, name: str, argv: list[str], *, env: dict | None = None, as_owner=False) -> Process:
        log = self.directory / f"{name}.log"
        if as_owner and os.getuid() == 0:
            # PostgreSQL and pgbouncer refuse to run as root.
            argv = ["runuser", "-u", "nobody", "--", *argv]
        with log.open("ab") as out:
            popen = subprocess.Popen(
                argv,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env or os.environ.copy(),
                start_new_session=True,
                cwd=self.directory,
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def _owned_dir(self, name: str) -> Path:
        path = self.directory / name
        path.mkdir(mode=0o700)
        if os.getuid() == 0:
            shutil.chown(path, "nobody", "nogroup")
        return path

    def _start(self) -> None:
        self._start_postgres()
        self._start_pgbouncer()
        self._start_redis()
        self.secret_key = secrets.token_urlsafe(48)
        self.ownership_key = secrets.token_urlsafe(48)
        self.migrate()
        self.app_port = free_port(APP_ADDRESSES[0])
        for index, address in enumerate(APP_ADDRESSES):
            self.servers.append(self._app_server(f"app{index + 1}", address, self.app_port))
        for server in self.servers:
            self.start_server(server)
        self._start_haproxy()

    def _start_postgres(self) -> None:
        pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[-1]
        self.pgbin = pgbin
        data = self._owned_dir("pg")
        run_as = ["runuser", "-u", "nobody", "--"] if os.getuid() == 0 else []
        subprocess.run(
            [
                *run_as,
                pgbin / "initdb",
                "-D",
                data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.pg_port = free_port()
        # The server's time zone is UTC, so Django never sets it per connection: behind a pooler in
        # transaction mode a session setting would not follow the next transaction.
        self._spawn(
            "postgres",
            [
                str(pgbin / "postgres"),
                "-D", str(data), "-p", str(self.pg_port), "-k", str(data), "-c", "listen_addresses=127.0.0.1",
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "timezone=UTC", "-c", "max_connections=100",
            ],
            as_owner=True,
        )  # fmt: skip
        wait_until(lambda: self._pg_ready(), "PostgreSQL")
        self.direct_database_url = f"postgres://postgres@127.0.0.1:{self.pg_port}/postgres"

    def _pg_ready(self) -> bool:
        answer = subprocess.run(
            [self.pgbin / "pg_isready", "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres"],
            capture_output=True,
            timeout=10,
        )
        return answer.returncode == 0

    def _start_pgbouncer(self) -> None:
        if not self.pgbouncer:
            self.database_url = self.direct_database_url
            return
        home = self._owned_dir("pgbouncer")
        self.pgbouncer_port = free_port()
        (home / "users.txt").write_text('"postgres" ""\n')
        (home / "pgbouncer.ini").write_text(
            f"""[databases]
postgres = host=127.0.0.1 port={self.pg_port} dbname=postgres user=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.pgbouncer_port}
unix_socket_dir =
auth_type = trust
auth_file = {home}/users.txt
pool_mode = transaction
default_pool_size = 20
max_client_conn = 400
ignore_startup_parameters = extra_float_digits,options
"""
        )
        if os.getuid() == 0:
            for name in ("users.txt", "pgbouncer.ini"):
                shutil.chown(home / name, "nobody", "nogroup")
        self._spawn("pgbouncer", ["pgbouncer", str(home / "pgbouncer.ini")], as_owner=True)
        wait_until(lambda: accepts("127.0.0.1", self.pgbouncer_port), "pgbouncer")
        self.database_url = f"postgres://postgres@127.0.0.1:{self.pgbouncer_port}/postgres"

    def _start_redis(self) -> None:
        home = self._owned_dir("redis")
        self.redis_port = free_port()
        self._spawn(
            "redis",
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port), "--save", "",
             "--appendonly", "no", "--dir", str(home)],
        )  # fmt: skip
        wait_until(lambda: accepts("127.0.0.1", self.redis_port), "Redis")
        self.cache_url = f"redis://127.0.0.1:{self.redis_port}/0"

    # -- the site's settings -------------------------------------------------------------------------
    def site_env(self, data_dir: Path, *, cache_url: str | None = None, direct: bool = False) -> dict:
        """The environment every app server and scheduled command of this cluster runs with."""
        env = {key: value for key, value in os.environ.items() if not key.startswith(("USTOO_", "DATABASE_"))}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "ustoo.settings",
                "PYTHONPATH": str(ROOT),
                "USTOO_DATA_DIR": str(data_dir),
                "DATABASE_URL": self.direct_database_url if direct else self.database_url,
                "USTOO_SECRET_KEY": self.secret_key,
                "USTOO_OWNERSHIP_KEY": self.ownership_key,
                "USTOO_ALLOWED_HOSTS": HOST,
                "USTOO_SITE_URL": f"https://{HOST}",
                "USTOO_BEHIND_PROXY": "1",
                "USTOO_FORWARDED_ALLOW_IPS": BALANCER,
                "USTOO_WORKERS": str(self.workers),
                "USTOO_THREADS": str(self.threads),
                "USTOO_DB_POOL_SIZE": str(self.threads),
                "USTOO_LOG_LEVEL": "WARNING",
                # A proof of work costs a few hundred hashes here (the tests solve one in Python), and
                # is asked for only when a test floods the site on purpose: the tests send hundreds of
                # statements a minute, each client within its own limits.
                "USTOO_POW_DIFFICULTY_BITS": "8",
                "USTOO_FLOOD_THRESHOLD_PER_MINUTE": "100000",
            }
        )
        # The journal's attachments in one directory all app servers share (an NFS mount across
        # machines, docs/DEPLOY.md); its authority stays in each server's data directory, made once.
        env["USTOO_JOURNAL_ATTACHMENTS_DIR"] = str(self.shared_attachments)
        if self.pgbouncer and not direct:
            env["USTOO_DB_TRANSACTION_POOLER"] = "1"
        if cache_url is None:
            cache_url = self.cache_url
        if cache_url:
            env["USTOO_CACHE_URL"] = cache_url
        env.update(self.extra_env)
        return env

    def manage(self, *args: str, data_dir: Path | None = None, direct=False, **popen) -> subprocess.Popen:
        """Start `ustoo <args>` with this cluster's settings (as a scheduled command on an app node)."""
        data_dir = data_dir or self.servers[0].data_dir
        return subprocess.Popen(
            [str(PYTHON), "-m", "ustoo", *args],
            env=self.site_env(data_dir, direct=direct),
            cwd=ROOT,
            start_new_session=True,
            **popen,
        )

    def run(self, *args: str, data_dir: Path | None = None, seconds: float = 120, direct=False) -> str:
        process = self.manage(
            *args, data_dir=data_dir, direct=direct, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        try:
            output, _ = process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
        text = output.decode()
        if process.returncode:
            raise AssertionError(f"ustoo {' '.join(args)} failed:\n{text}")
        return text

    def migrate(self) -> None:
        data_dir = self.directory / "migrate"
        data_dir.mkdir()
        # Migrations take PostgreSQL's locks for their whole run: straight to the server.
        process = subprocess.run(
            [str(PYTHON), "-m", "ustoo", "migrate", "--noinput", "-v", "0"],
            env=self.site_env(data_dir, direct=True, cache_url="locmem://"),
            cwd=ROOT,
            capture_output=True,
            timeout=300,
            check=False,
        )
        if process.returncode:
            raise RuntimeError(process.stdout.decode() + process.stderr.decode())

    # -- app servers ---------------------------------------------------------------------------------
    def _app_server(self, name: str, address: str, port: int, *, cache_url: str | None = None) -> AppServer:
        data_dir = self.directory / name
        data_dir.mkdir(exist_ok=True)
        return AppServer(name, address, port, data_dir, self.site_env(data_dir, cache_url=cache_url))

    def start_server(self, server: AppServer) -> None:
        server.process = self._spawn(
            server.name,
            [str(GUNICORN), "ustoo.wsgi", "--config", "python:ustoo.gunicorn_conf",
             "--bind", f"{server.address}:{server.port}"],
            env=server.env,
        )  # fmt: skip
        wait_until(lambda: self._healthy(server), f"app server {server.name}")

    def _healthy(self, server: AppServer) -> bool:
        if server.process.popen.poll() is not None:
            raise RuntimeError(f"{server.name} exited:\n{server.process.log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            # Straight to the server, over plain HTTP: it sends such a request to HTTPS.
            return call(server.address, server.port, "GET", "/healthz", timeout=5).status in (200, 301)
        return False

    def file_cache_servers(self) -> list[AppServer]:
        """Two more app servers as one machine each would run them, each with the default cache (SQLite
        files in its own data directory): the control for what a shared cache changes."""
        port = self.control_port
        return [
            self._app_server(f"file{index + 1}", address, port, cache_url="")
            for index, address in enumerate(APP_ADDRESSES)
        ]

    # -- the balancer --------------------------------------------------------------------------------
    def _start_haproxy(self) -> None:
        home = self.directory / "haproxy"
        home.mkdir()
        self.balancer_port = free_port(BALANCER)
        # One front for each app server alone, for the tests that must reach a given server through
        # the balancer, and the control pair's front (file-cache servers, started by the test).
        self.pinned_ports = {server.name: free_port(BALANCER) for server in self.servers}
        self.control_port = free_port(APP_ADDRESSES[0])
        self.control_front = free_port(BALANCER)
        self.stats_socket = home / "admin.sock"
        servers = "\n".join(
            f"    server {server.name} {server.address}:{server.port} check" for server in self.servers
        )
        pinned = "\n".join(
            f"""listen only-{server.name}
    bind {BALANCER}:{self.pinned_ports[server.name]}
    http-request set-header X-Forwarded-Proto https
    server {server.name} {server.address}:{server.port} check"""
            for server in self.servers
        )
        control = "\n".join(
            f"    server file{index + 1} {address}:{self.control_port} check"
            for index, address in enumerate(APP_ADDRESSES)
        )
        (home / "haproxy.cfg").write_text(
            f"""global
    maxconn 1000
    stats socket {self.stats_socket} mode 600 level admin

defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout queue 60s
    # The client's address, appended to X-Forwarded-For (the app servers believe it from here only);
    # each front also says the scheme a TLS front would set.
    option forwardfor
    # A request whose connection an app server refused goes to the other one; one that reached a
    # server is never sent twice (a write may have happened).
    retries 2
    option redispatch
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host {HOST} hdr X-Forwarded-Proto https
    timeout check 5s
    default-server inter 300ms fall 2 rise 2 source {BALANCER}

frontend site
    bind {BALANCER}:{self.balancer_port}
    http-request set-header X-Forwarded-Proto https
    default_backend app

backend app
    balance roundrobin
{servers}

{pinned}

listen control
    bind {BALANCER}:{self.control_front}
    http-request set-header X-Forwarded-Proto https
    balance roundrobin
{control}
"""
        )
        self.haproxy = self._spawn("haproxy", ["haproxy", "-db", "-f", str(home / "haproxy.cfg")])
        wait_until(lambda: self.servers_up("app") == {s.name for s in self.servers}, "haproxy's app servers")

    def haproxy_stat(self) -> list[dict]:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(str(self.stats_socket))
            sock.sendall(b"show stat\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        text = b"".join(chunks).decode().lstrip("# ")
        return list(csv.DictReader(io.StringIO(text)))

    def servers_up(self, backend: str) -> set[str]:
        """The servers haproxy's health checks find up in `backend` (none while it starts)."""
        if self.haproxy.popen.poll() is not None:
            raise RuntimeError(f"haproxy exited:\n{self.haproxy.log.read_text()[-3000:]}")
        try:
            rows = self.haproxy_stat()
        except OSError:
            return set()
        return {
            row["svname"]
            for row in rows
            if row["pxname"] == backend
            and row["svname"] not in ("FRONTEND", "BACKEND")
            and row["status"] == "UP"
        }

    # -- stopping ------------------------------------------------------------------------------------
    def stop(self) -> None:
        for process in reversed(self.processes):
            # PostgreSQL stops at once on SIGQUIT (nothing here must survive).
            process.stop(signal.SIGQUIT if process.name == "postgres" else signal.SIGTERM)
        shutil.rmtree(self.directory, ignore_errors=True)

    def logs(self) -> str:
        return "\n".join(
            f"== {process.name}\n{process.log.read_text(errors='replace')[-2000:]}"
            for process in self.processes
        )


if __name__ == "__main__":  # a cluster to look at: python -m ustoo.core.tests.cluster.harness
    with Cluster() as cluster:
        print(f"balancer http://{BALANCER}:{cluster.balancer_port} (Host: {HOST}); Ctrl-C stops", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
    sys.exit(0)
