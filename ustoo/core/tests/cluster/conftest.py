"""One cluster for the whole run (ustoo/core/tests/cluster/harness.py): started once, torn down at the end
whatever happened. `make test-cluster` runs these tests; the others leave them out (-m "not cluster")."""

import json
import subprocess
from dataclasses import dataclass

import psycopg
import pytest
from aiosmtpd.controller import Controller

from ustoo.campaigns.tests.conftest import Mailbox
from ustoo.core.tests.cluster.harness import PYTHON, ROOT, Cluster, free_port
from ustoo.matching.tests.conftest import start_service, stop_service


@dataclass
class Site:
    cluster: Cluster
    mailbox: Mailbox
    seed: dict

    def query(self, sql: str, *params) -> list[tuple]:
        """Read the cluster's database (straight from PostgreSQL, as an operator would)."""
        with psycopg.connect(self.cluster.direct_database_url, autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()

    def value(self, sql: str, *params):
        return self.query(sql, *params)[0][0]


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    port = free_port()
    mailbox = Mailbox(url=f"smtp://127.0.0.1:{port}?timeout=10")
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        # The escrow's one OPRF service, which every app server reaches by its address.
        oprf, oprf_url = start_service(tmp_path_factory.mktemp("oprf-service"))
        try:
            with Cluster(
                extra_env={"EMAIL_URL": mailbox.url, "USTOO_MATCHING_OPRF_URL": oprf_url}
            ) as cluster:
                seeded = subprocess.run(
                    [str(PYTHON), "-m", "ustoo.core.tests.cluster.seed"],
                    env=cluster.site_env(cluster.directory / "migrate", direct=True),
                    cwd=ROOT,
                    capture_output=True,
                    timeout=300,
                    check=False,
                )
                assert seeded.returncode == 0, seeded.stderr.decode()
                yield Site(cluster, mailbox, json.loads(seeded.stdout.decode().strip().splitlines()[-1]))
        finally:
            stop_service(oprf)
    finally:
        controller.stop()
