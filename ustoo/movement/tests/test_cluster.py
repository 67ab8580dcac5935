"""The report on a dask.distributed cluster (`--engine dask`) against the single machine's: one LocalCluster
of two worker processes for the module, TLS between every party with certificates of a small test CA, and a
memory limit per worker."""

import datetime
import glob
import ipaddress
import os
import signal
import uuid
from concurrent.futures import ThreadPoolExecutor

import dask.config
import duckdb
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from distributed import Client, Event, LocalCluster, Queue
from distributed.security import Security

from ustoo.movement import store
from ustoo.movement.cluster import bucket_figures, build_report_on_cluster, run_buckets
from ustoo.movement.export import dataset_folder, export_partitions, exported_facts
from ustoo.movement.render import as_json
from ustoo.movement.report import Selection, build_report, finish_report, merge_partials
from ustoo.movement.tests.datasets import DATASETS, import_all, insert_synthetic_posts, selections

WORKER_MEMORY = 400 * 2**20
DUCKDB_FRACTION = 0.08  # of the worker's memory per task: 32 MiB, less than the big dataset (one bucket)
BIG_POSTS = 800_000


def _certificate(subject: str, key, issuer_name, issuer_key, *, ca: bool):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name or name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def make_certificates(folder) -> dict[str, str]:
    """A CA, and one certificate it signs for the scheduler, the workers and the client on 127.0.0.1."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("ustoo test CA", ca_key, None, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate("localhost", key, ca.subject, ca_key, ca=False)
    paths = {"ca": folder / "ca.pem", "cert": folder / "cert.pem", "key": folder / "key.pem"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return {name: str(path) for name, path in paths.items()}


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """Every test dataset and a big synthetic one in a store, and all of them as Parquet partitions."""
    folder = tmp_path_factory.mktemp("cluster")
    connection = store.connect(folder / "movement.duckdb")
    import_all(connection)
    insert_synthetic_posts(connection, "big", BIG_POSTS)
    for dataset in DATASETS:
        export_partitions(connection, folder / "partitions", dataset, buckets=4)
    export_partitions(connection, folder / "partitions", "big", buckets=1)
    yield connection, folder / "partitions"
    connection.close()


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def cluster(certificates):
    security = Security(
        tls_ca_file=certificates["ca"],
        tls_scheduler_cert=certificates["cert"],
        tls_scheduler_key=certificates["key"],
        tls_worker_cert=certificates["cert"],
        tls_worker_key=certificates["key"],
        tls_client_cert=certificates["cert"],
        tls_client_key=certificates["key"],
        require_encryption=True,
    )
    # The workers get the configuration of the process that starts them.
    with (
        dask.config.set({"ustoo.movement.duckdb-memory-fraction": DUCKDB_FRACTION}),
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit=WORKER_MEMORY,
            security=security,
            protocol="tls://",
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster, security=security) as client,
    ):
        yield cluster, client


def test_the_scheduler_speaks_only_tls_to_holders_of_the_cas_certificates(cluster, certificates):
    local_cluster, client = cluster
    assert local_cluster.scheduler_address.startswith("tls://")
    assert all(address.startswith("tls://") for address in client.scheduler_info()["workers"])
    # Without a certificate the CA signed, no connection: plain TCP is refused, and so is TLS without one.
    with pytest.raises(OSError):
        Client(local_cluster.scheduler_address.replace("tls://", "tcp://"), timeout="5s")
    with pytest.raises((OSError, TypeError, ValueError)):
        Client(local_cluster.scheduler_address, timeout="5s")


def test_the_cluster_gives_the_single_machines_json_on_every_test_dataset(stores, cluster):
    connection, partitions = stores
    _cluster, client = cluster
    for dataset in DATASETS:
        # Whole; on the dataset of every format also in other time zones, windowed, one family, own tags.
        for selection in selections(dataset)[: 5 if dataset == "everything" else 1]:
            single = as_json(build_report(connection, selection))
            assert as_json(build_report_on_cluster(client, partitions, selection)) == single, selection
    report = build_report(connection, Selection(dataset="everything"))
    assert report["totals"]["posts"] > 0 and report["totals"]["authors"] > 0
    assert "exactly" in report["definitions"]["authors"]


def waiting_bucket_figures(files, selection, *, started: str, go: str):
    """A report's task that says it started (with its worker's pid), then waits until the test lets it end."""
    Queue(started).put(os.getpid())
    Event(go).wait()
    return bucket_figures(files, selection)


def test_a_worker_killed_mid_report_and_the_report_is_still_right(stores, cluster):
    connection, partitions = stores
    _cluster, client = cluster
    selection = Selection(dataset="everything", timezone="Europe/Paris")
    started, go = f"started-{uuid.uuid4()}", f"go-{uuid.uuid4()}"
    buckets = [files for files in _buckets(partitions, "everything") if files]
    assert len(buckets) >= 3  # more tasks than workers: both workers are busy when one is killed

    def task(files, selection):
        return waiting_bucket_figures(files, selection, started=started, go=go)

    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(build_report_on_cluster, client, partitions, selection, task)
        queue = Queue(started, client=client)
        first, second = queue.get(), queue.get()  # one task running on each worker, both waiting
        assert first != second
        os.kill(first, signal.SIGKILL)
        Event(go, client=client).set()
        report = running.result(timeout=600)
    assert as_json(report) == as_json(build_report(connection, selection))
    # The killed worker's task ran again elsewhere: more tasks started than there are buckets.
    reruns = queue.qsize()
    assert 2 + reruns > len(buckets)
    client.wait_for_workers(2)


def _buckets(partitions, dataset):
    folder = dataset_folder(partitions, dataset)
    found = {}
    for path in glob.glob(str(folder / "day=*" / "bucket=*" / "*.parquet")):
        found.setdefault(path.split("bucket=")[1].split("/")[0], []).append(path)
    return list(found.values())


def test_each_worker_keeps_to_its_memory_limit_on_data_larger_than_its_share(stores, cluster):
    connection, partitions = stores
    _cluster, client = cluster
    limits = client.run(lambda dask_worker: dask_worker.memory_manager.memory_limit)
    assert set(limits.values()) == {WORKER_MEMORY}
    pids = client.run(os.getpid)
    selection = Selection(dataset="big", timezone="Europe/Paris")
    results = run_buckets(client, partitions, selection)
    duckdb_limit = int(WORKER_MEMORY * DUCKDB_FRACTION)
    # Each task's DuckDB ran with its share of the worker's limit, one thread ...
    assert {result["duckdb"]["memory_limit"] for result in results} == {f"{duckdb_limit / 2**20:.1f} MiB"}
    assert {result["duckdb"]["threads"] for result in results} == {"1"}
    # ... over a bucket larger than that share (uncompressed: in memory it is larger still), so it streamed.
    with duckdb.connect() as reader:  # not DuckDB's default connection, which the importer uses
        for files in _buckets(partitions, "big"):
            (size,) = reader.execute(
                "SELECT sum(total_uncompressed_size) FROM parquet_metadata($files)", {"files": files}
            ).fetchone()
            assert size > duckdb_limit
    # No worker was restarted for memory, and the figures are the single machine's.
    assert client.run(os.getpid) == pids
    facts, _count = exported_facts(partitions, "big")
    figures = merge_partials([result["figures"] for result in results])
    assert as_json(finish_report(selection, figures, facts)) == as_json(build_report(connection, selection))
