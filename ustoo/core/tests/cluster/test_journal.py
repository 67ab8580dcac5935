"""The private journal and the matching escrow on two app servers (issue 21; docs/DEPLOY.md): one
time-stamping authority for the deployment, attachments in a directory both servers share, the public
log the same whichever server answers, and the escrow's budgets counted across both servers.

"On server A" is the balancer's front pinned to that server (as in test_cluster.py): the request
reaches that one app server, with the balancer's headers."""

import json
import secrets
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from ustoo.core.tests.cluster.harness import BALANCER, HOST, call
from ustoo.core.tests.cluster.test_cluster import Browser, client_address
from ustoo.journal import authority, log, merkle, timestamps
from ustoo.journal.models import AuthorityRecord
from ustoo.journal.tests.protocol import (
    Sealed,
    Secret,
    b64u,
    entry_body,
    from_b64u,
    seal_attachment,
    seal_entry,
)
from ustoo.matching import identifiers, oprf
from ustoo.matching.tests.client import Typed, make_entry

pytestmark = pytest.mark.cluster

API = "/api/v1/journal"


@dataclass
class JournalWriter:
    """A person's browser keeping a journal through the API, on the front `port` names."""

    port: int
    source: str
    secret: Secret = field(default_factory=Secret.random)
    journal_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    written: list[Sealed] = field(default_factory=list)

    def send(self, method: str, path: str, body: dict | bytes | None = None, *, port: int | None = None):
        headers = dict(self.secret.header)
        if isinstance(body, bytes):
            headers["Content-Type"] = "application/octet-stream"
        elif body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body).encode()
        return call(
            BALANCER,
            port or self.port,
            method,
            f"{API}/{path}",
            body=body,
            headers=headers,
            source=self.source,
        )

    def create(self) -> "JournalWriter":
        accesses = [{"lookup": self.secret.lookup, "wrapped_key": self.secret.wrap(self.journal_key)}]
        answer = self.send("POST", "journals", {"accesses": accesses})
        assert answer.status == 201, answer.body
        return self

    def upload(self, data: bytes) -> dict:
        key, ciphertext = seal_attachment(data)
        answer = self.send("POST", "attachments", ciphertext)
        assert answer.status == 201, answer.body
        return {
            "id": answer.json()["id"],
            "key": b64u(key),
            "sha256": "",
            "name": "photo.jpg",
            "size": len(data),
        }

    def write(self, attachments: list[dict] | None = None, *, port: int | None = None):
        """The next entry; kept in `written` once the server answered 201."""
        seq = len(self.written) + 1
        prev = self.written[-1].commitment if self.written else ""
        sealed = seal_entry(
            self.journal_key, entry_body(seq, prev, text="He said it again.", attachments=attachments)
        )
        answer = self.send(
            "POST",
            "entries",
            {
                "seq": seq,
                "ciphertext": b64u(sealed.ciphertext),
                "commitment": sealed.commitment,
                "attachments": [a["id"] for a in attachments or []],
            },
            port=port,
        )
        if answer.status == 201:
            self.written.append(sealed)
        return answer


def _authority_dir(server):
    return server.data_dir / "journal" / "authority"


def _ca_of(directory) -> str:
    return authority.fingerprint(x509.load_pem_x509_certificate((directory / "ca.pem").read_bytes()))


@pytest.fixture(scope="module")
def one_authority(site):
    """The deployment's first tokens, asked of both servers at the same moment, neither holding an
    authority yet: one server makes and records it, the other refuses (503, and its log says what to do)
    rather than make its own. Then the operator's step of docs/DEPLOY.md: the authority directory copied
    to the other server, which signs from then on, without a restart."""
    cluster = site.cluster
    writers = {
        server.name: JournalWriter(
            cluster.pinned_ports[server.name], source=client_address(7, number)
        ).create()
        for number, server in enumerate(cluster.servers, start=1)
    }
    assert not any(_authority_dir(server).exists() for server in cluster.servers)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = dict(zip(writers, pool.map(JournalWriter.write, writers.values()), strict=True))
    assert sorted(answer.status for answer in answers.values()) == [201, 503], answers
    (made,) = [s for s in cluster.servers if answers[s.name].status == 201]
    (refused,) = [s for s in cluster.servers if answers[s.name].status == 503]
    recorded = site.query(f"SELECT ca_sha256 FROM {AuthorityRecord._meta.db_table}")
    assert recorded == [(_ca_of(_authority_dir(made)),)]
    assert not _authority_dir(refused).exists()
    assert "no time-stamping authority in" in refused.process.log.read_text()

    shutil.copytree(_authority_dir(made), _authority_dir(refused))
    assert writers[refused.name].write().status == 201
    return recorded[0][0]


def test_the_first_time_stamps_on_both_servers_at_once_make_one_authority(site, one_authority):
    for server in site.cluster.servers:
        assert _ca_of(_authority_dir(server)) == one_authority


def _certificates(answer) -> dict[str, x509.Certificate]:
    assert answer.status == 200, answer.body
    return {
        name: x509.load_pem_x509_certificate(pem.encode())
        for name, pem in answer.json()["certificates"].items()
    }


def _verifies(token: str, commitment: str, certificates: dict) -> bool:
    checked = timestamps.verify(
        from_b64u(token), digest=bytes.fromhex(commitment), ca=certificates["ca"], tsa=certificates["tsa"]
    )
    return checked.imprint == bytes.fromhex(commitment)


def test_a_journal_written_on_one_server_is_read_checked_and_deleted_on_the_other(site, one_authority):
    cluster = site.cluster
    a, b = cluster.pinned_ports["app1"], cluster.pinned_ports["app2"]
    writer = JournalWriter(a, source=client_address(7, 3)).create()
    photo = secrets.token_bytes(100_000)
    attachment = writer.upload(photo)
    first = writer.write([attachment])
    assert first.status == 201, first.body

    # Server B opens it, gives the attachment's ciphertext and the certificates of the same authority.
    writer.port = b
    opened = writer.send("POST", "open")
    assert opened.status == 200
    assert [e["commitment"] for e in opened.json()["entries"]] == [writer.written[0].commitment]
    download = writer.send("GET", f"attachments/{attachment['id']}")
    assert download.status == 200
    ciphertext = download.body
    padded = AESGCM(from_b64u(attachment["key"])).decrypt(
        ciphertext[:12], ciphertext[12:], b"ustoo journal v1 attachment"
    )
    assert padded[8 : 8 + int.from_bytes(padded[:8], "big")] == photo
    on_a, on_b = (
        _certificates(writer.send("GET", "proofs", port=a)),
        _certificates(writer.send("GET", "proofs")),
    )
    assert on_a == on_b and authority.fingerprint(on_b["ca"]) == one_authority
    assert _verifies(first.json()["token"], writer.written[0].commitment, on_b)

    # A token issued by server B verifies against the same CA.
    second = writer.write()
    assert second.status == 201
    assert _verifies(second.json()["token"], writer.written[1].commitment, on_a)

    # Deleted through B: gone from the shared directory, and server A no longer has it.
    assert (cluster.shared_attachments / attachment["id"]).exists()
    assert writer.send("DELETE", "journals/current").status == 204
    assert not (cluster.shared_attachments / attachment["id"]).exists()
    assert writer.send("GET", f"attachments/{attachment['id']}", port=a).status == 404


def test_the_public_log_is_the_same_whichever_server_answers(site, one_authority):
    cluster = site.cluster
    a, b = cluster.pinned_ports["app1"], cluster.pinned_ports["app2"]
    writer = JournalWriter(a, source=client_address(7, 4)).create()
    assert writer.write().status == 201
    cluster.run("journal", "publish-head", data_dir=cluster.servers[0].data_dir)
    assert writer.write(port=b).status == 201
    # The next head is signed on the other node, with the same log key.
    cluster.run("journal", "publish-head", data_dir=cluster.servers[1].data_dir)

    heads = [call(BALANCER, port, "GET", f"{API}/log/heads").json() for port in (a, b)]
    assert heads[0] == heads[1]
    newest, older = heads[0]["heads"][:2]
    proofs = [writer.send("GET", "proofs", port=port).json() for port in (a, b)]
    assert proofs[0] == proofs[1]
    tree_head, log_key = (
        proofs[0]["tree_head"],
        _certificates(writer.send("GET", "proofs"))["log"].public_key(),
    )
    assert tree_head["tree_size"] == newest["tree_size"]
    assert log.head_signature_is_valid({**newest, "signature": from_b64u(newest["signature"])}, log_key)
    opened = writer.send("POST", "open").json()["entries"]
    for entry, proof in zip(opened, proofs[0]["proofs"], strict=True):
        leaf = merkle.leaf_hash(timestamps.token_of(from_b64u(entry["token"])))
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        root = bytes.fromhex(tree_head["sha256_root_hash"])
        assert merkle.verify_inclusion(leaf, entry["leaf_index"], tree_head["tree_size"], path, root)
    query = f"{API}/log/consistency?first={older['tree_size']}&second={newest['tree_size']}"
    consistency = [call(BALANCER, port, "GET", query).json() for port in (a, b)]
    assert consistency[0] == consistency[1]
    assert merkle.verify_consistency(
        older["tree_size"],
        newest["tree_size"],
        bytes.fromhex(older["sha256_root_hash"]),
        bytes.fromhex(newest["sha256_root_hash"]),
        [bytes.fromhex(h) for h in consistency[0]["proof"]],
    )


class Survivor(Browser):
    """A signed-in survivor's browser, writing to the matching API as its page does."""

    csrf = ""

    def send_json(self, path: str, body: dict, *, port: int | None = None):
        """A write; its answer's cookies are not kept (several are sent at once)."""
        headers = {
            **self._headers(),
            "Content-Type": "application/json",
            "Origin": f"https://{HOST}",
            "X-CSRFToken": self.csrf,
        }
        return call(
            BALANCER, port or self.port, "POST", f"/api/v1/matching/{path}", body=json.dumps(body).encode(),
            headers=headers, source=self.source,
        )  # fmt: skip

    def evaluate(self, blinded: list[bytes]):
        answer = self.send_json("evaluate", {"blinded": [b64u(b) for b in blinded]})
        assert answer.status == 200, answer.body
        return [from_b64u(e) for e in answer.json()["evaluated"]], from_b64u(answer.json()["proof"])


def test_an_escrow_entry_through_the_balancer_and_one_budget_across_both_servers(site):
    cluster = site.cluster
    survivor = Survivor(cluster.balancer_port, source=client_address(7, 5))
    survivor.get("/account/login/")
    signed_in = survivor.post(
        "/account/login/", {"username": site.seed["survivor"], "passphrase": site.seed["passphrase"]}
    )
    assert signed_in.status == 302
    params = survivor.get("/api/v1/matching/params")
    assert params.status == 200 and params.json()["may_enter"], params.body
    survivor.csrf = params.json()["csrf_token"]
    # Two identifiers: two evaluations of the account's day, each request to whichever server.
    entry, _trace = make_entry(
        params.json(), [Typed("email", "him@example.org"), Typed("x", "@him")], survivor.evaluate
    )
    held = survivor.send_json("entries", entry)
    assert held.status == 201, held.body
    for server in cluster.servers:
        survivor.port = cluster.pinned_ports[server.name]
        listed = survivor.get("/api/v1/matching/entries").json()["entries"]
        assert [e["reference"] for e in listed] == [held.json()["reference"]]

    # The rest of the day's budget asked for at once, half from each server: the shared cache lets
    # exactly what is left through, not that much on each server.
    left = settings.MATCHING_EVALUATIONS_PER_DAY - 2
    ports = [cluster.pinned_ports[server.name] for server in cluster.servers]

    def ask(number: int) -> int:
        _, blinded = oprf.blind(identifiers.oprf_input("email", f"someone{number}@example.org", ""))
        return survivor.send_json("evaluate", {"blinded": [b64u(blinded)]}, port=ports[number % 2]).status

    with ThreadPoolExecutor(max_workers=left + 4) as pool:
        statuses = list(pool.map(ask, range(left + 4)))
    assert sorted(statuses) == [200] * left + [429] * 4, statuses
    for port in ports:
        survivor.port = port
        assert survivor.get("/api/v1/matching/params").json()["limits"]["evaluations_left_today"] == 0
