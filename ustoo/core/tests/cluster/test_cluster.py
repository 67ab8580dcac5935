"""Two app servers behind haproxy, sharing PostgreSQL (through pgbouncer) and Redis: what one server
proves on its own must still hold (issue 21). Each test names the proof it gives."""

import contextlib
import http.client
import json
import re
import subprocess
import threading
import time
import urllib.parse
from collections import Counter as Tally
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache.backends.redis import RedisCache

from ustoo.campaigns.models import Campaign, CampaignDecision, DecisionAction, Signature
from ustoo.core import proof_of_work
from ustoo.core.tests.cluster import seed
from ustoo.core.tests.cluster.harness import BALANCER, HOST, call, wait_until
from ustoo.magnitude.buckets import DAY
from ustoo.magnitude.models import Counter
from ustoo.moderation.models import Action, Decision
from ustoo.stories.models import Solidarity, Statement, Story

pytestmark = pytest.mark.cluster

JSON = {"Content-Type": "application/json"}
KINDS = ("me_too", "believe_you", "not_alone")


def table(model) -> str:
    return model._meta.db_table


def column(model, name: str) -> str:
    return model._meta.get_field(name).column


def client_address(group: int, number: int) -> str:
    """A loopback address of its own for each client: the balancer tells the app servers which one sent
    the request, and rate limits count per client."""
    return f"127.0.{group}.{number}"


def post_json(port: int, path: str, body: dict, *, source: str, headers=None, address=BALANCER):
    headers = {**JSON, **(headers or {})}
    return call(address, port, "POST", path, body=json.dumps(body).encode(), headers=headers, source=source)


class Browser:
    """A person's browser: its cookies, sent to whichever front (app server) `port` names."""

    def __init__(self, port: int, *, source: str) -> None:
        self.port, self.source, self.cookies, self.token = port, source, {}, ""

    def _headers(self) -> dict:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return {"Cookie": cookie} if cookie else {}

    def _keep(self, answer):
        for name, value in answer.cookies().items():
            if value in ('""', ""):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if found := re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', answer.body):
            self.token = found.group(1).decode()
        return answer

    def get(self, path: str):
        return self._keep(call(BALANCER, self.port, "GET", path, headers=self._headers(), source=self.source))

    def post(self, path: str, data: dict):
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, **data}).encode()
        headers = {
            **self._headers(),
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://{HOST}",
        }
        return self._keep(
            call(BALANCER, self.port, "POST", path, body=body, headers=headers, source=self.source)
        )


def requests_answered_by(site) -> dict[str, int]:
    return {
        row["svname"]: int(row["stot"])
        for row in site.cluster.haproxy_stat()
        if row["pxname"] == "app" and row["svname"] not in ("FRONTEND", "BACKEND")
    }


def statements_counted(site) -> int:
    """The total as the magnitude keeps it: counters moved in the transaction of each statement."""
    return site.value(
        f"SELECT coalesce(sum({column(Counter, 'count')}), 0) FROM {table(Counter)} "
        f"WHERE {column(Counter, 'dimension')} = %s",
        DAY,
    )


def test_1_concurrent_writes_through_the_balancer_are_each_counted_once(site):
    """400 "me too", solidarity and signature requests at once from 40 clients, through the balancer to
    both servers: counters equal rows equal the 2xx answers."""
    port, stories, slug = site.cluster.balancer_port, site.seed["stories"], site.seed["campaign"]
    statements_before = site.value(f"SELECT count(*) FROM {table(Statement)}")
    counted_before = statements_counted(site)
    served_before = requests_answered_by(site)
    jobs = []
    for client in range(1, 41):
        source = client_address(1, client)
        jobs += [("statement", source, "/api/v1/statements", {})] * 4
        for story in stories:  # one answer of a kind per client and story
            jobs.append(
                ("solidarity", source, f"/api/v1/stories/{story}/solidarity", {"kind": KINDS[client % 3]})
            )
        for number in range(2):
            signer = {"email": f"signer{client}-{number}@example.org", "country": "GB", "name": "Sam"}
            jobs.append(("signature", source, f"/api/v1/campaigns/{slug}/signatures", signer))
    assert len(jobs) == 400

    def send(job):
        kind, source, path, body = job
        return kind, post_json(port, path, body, source=source)

    with ThreadPoolExecutor(max_workers=64) as pool:
        answers = list(pool.map(send, jobs))

    statuses = Tally((kind, answer.status) for kind, answer in answers)
    assert statuses == {("statement", 201): 160, ("solidarity", 201): 160, ("signature", 202): 80}, statuses
    served = requests_answered_by(site)
    assert all(served[name] - served_before[name] >= 150 for name in served), (served_before, served)

    ids = [answer.json()["id"] for kind, answer in answers if kind == "statement"]
    assert len(set(ids)) == 160
    assert site.value(f"SELECT count(*) FROM {table(Statement)}") - statements_before == 160
    assert statements_counted(site) - counted_before == 160

    solidarity_rows = site.value(
        f"SELECT count(*) FROM {table(Solidarity)} WHERE {column(Solidarity, 'story')} = ANY(%s)",
        stories,
    )
    counts = " + ".join(column(Story, f"{kind}_count") for kind in KINDS)
    solidarity_counted = site.value(
        f"SELECT sum({counts}) FROM {table(Story)} WHERE id = ANY(%s)",
        stories,
    )
    assert solidarity_rows == solidarity_counted == 160
    for kind, answer in answers:
        if kind == "solidarity":
            assert answer.json()["added"] is True

    campaign = site.query(
        f"SELECT id, {column(Campaign, 'signature_count')} FROM {table(Campaign)} WHERE slug = %s",
        slug,
    )[0]
    signatures = site.value(
        f"SELECT count(*) FROM {table(Signature)} WHERE {column(Signature, 'campaign')} = %s",
        campaign[0],
    )
    assert signatures == 80  # waiting for their e-mail (test 4 sends it, and counts the confirmations)
    assert campaign[1] == 0


def speak_from(port: int, source: str, times: int) -> Tally:
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = pool.map(
            lambda _: post_json(port, "/api/v1/statements", {}, source=source).status, range(times)
        )
        return Tally(answers)


SPEAK_LIMIT = 20  # settings.RATE_LIMITS["speak"], per client and hour


def test_2_a_client_gets_exactly_its_limit_across_both_servers(site):
    """Through the balancer, round-robin over both servers, one client is allowed its limit, no more: the
    counters are in the cache both share. As a control, two servers each with the default cache (SQLite
    files in its own data directory, as on one machine) let the same client through up to twice."""
    served_before = requests_answered_by(site)
    shared = speak_from(site.cluster.balancer_port, client_address(2, 1), 2 * SPEAK_LIMIT)
    assert shared == {201: SPEAK_LIMIT, 429: SPEAK_LIMIT}
    served = requests_answered_by(site)
    assert all(served[name] - served_before[name] == SPEAK_LIMIT for name in served)

    cluster = site.cluster
    control = cluster.file_cache_servers()
    try:
        for server in control:
            cluster.start_server(server)
        wait_until(lambda: cluster.servers_up("control") == {"file1", "file2"}, "the control servers")
        per_machine = speak_from(cluster.control_front, client_address(2, 2), 2 * SPEAK_LIMIT)
    finally:
        for server in control:
            server.process.stop()
    assert SPEAK_LIMIT < per_machine[201] <= 2 * SPEAK_LIMIT, per_machine


def test_3_a_login_a_receipt_and_a_proof_of_work_made_on_one_server_work_on_the_other(site):
    one, other = site.cluster.pinned_ports["app1"], site.cluster.pinned_ports["app2"]

    member = Browser(one, source=client_address(3, 1))
    member.get("/account/login/")
    answer = member.post(
        "/account/login/", {"username": site.seed["member"], "passphrase": site.seed["passphrase"]}
    )
    assert answer.status == 302, answer.body[:2000]
    member.port = other
    home = member.get("/account/")
    assert home.status == 200 and site.seed["member"].encode() in home.body

    author = Browser(other, source=client_address(3, 2))
    author.get("/receipt/")
    statement = site.seed["receipt_statement"]
    opened = author.post("/receipt/", {"receipt": site.seed["receipt"]})
    assert opened.status == 302 and opened.headers["Location"] == f"/mine/{statement}/"
    author.port = one
    assert author.get(f"/mine/{statement}/").status == 200

    # While the site is flooded, speaking without an account asks for a proof of work: one asked for
    # by one server is accepted by the other, once.
    flood = RedisCache(site.cluster.cache_url, {})
    window = int(time.time() // 60)
    flood_keys = [f"rl:site:speak:{window + offset}" for offset in (0, 1)]  # the minute may turn meanwhile
    try:
        for key in flood_keys:
            flood.set(key, 10**6, 120)
        asked = post_json(one, "/api/v1/statements", {}, source=client_address(3, 3))
        assert asked.status == 429
        challenge = asked.json()["challenge"]
        solved = {"X-Proof-Of-Work": f"{challenge} {proof_of_work.solve(challenge)}"}
        assert (
            post_json(other, "/api/v1/statements", {}, source=client_address(3, 3), headers=solved).status
            == 201
        )
        again = post_json(one, "/api/v1/statements", {}, source=client_address(3, 4), headers=solved)
        assert again.status == 429 and "challenge" in again.json()
    finally:
        for key in flood_keys:
            flood.delete(key)
        flood.close()


def test_3_a_story_deleted_on_one_server_is_gone_on_the_other_at_once(site):
    """Gone means: its page and its API answer are 404 on every server from the moment the deletion
    answers, and no list the API gives holds it. (The wall's shared page for readers without cookies is
    reused for at most USTOO_WALL_CACHE_SECONDS in each server process, on one server as on several:
    docs/DEPLOY.md.)"""
    one, other = site.cluster.pinned_ports["app1"], site.cluster.pinned_ports["app2"]
    story, statement = site.seed["receipt_story"], site.seed["receipt_statement"]
    reader = Browser(other, source=client_address(3, 10))
    assert reader.get(f"/stories/{story}/").status == 200

    author = Browser(one, source=client_address(3, 11))
    author.get("/receipt/")
    assert author.post("/receipt/", {"receipt": site.seed["receipt"]}).status == 302
    author.get(f"/mine/{statement}/delete/")
    deleted = author.post(f"/mine/{statement}/delete/", {"keep_in_total": "yes"})
    assert deleted.status == 302, deleted.body[:2000]

    for port in (other, one):
        assert Browser(port, source=client_address(3, 12)).get(f"/stories/{story}/").status == 404
        assert call(BALANCER, port, "GET", f"/api/v1/stories/{story}").status == 404
        listed = call(BALANCER, port, "GET", "/api/v1/stories").json()["stories"]
        assert story not in [shown["id"] for shown in listed]
    assert site.value(f"SELECT count(*) FROM {table(Story)} WHERE id = %s", story) == 0


@contextlib.contextmanager
def started_together(site, model, commands: list[list[str]]):
    """Start each command on its own app server's settings, all held at their first read of `model`'s
    table until every one of them is waiting there, then let them go at the same instant: they run
    truly at once, not one after the other by luck of timing."""
    import psycopg

    cluster = site.cluster
    with psycopg.connect(cluster.direct_database_url) as holder:
        holder.execute(f"LOCK TABLE {table(model)} IN ACCESS EXCLUSIVE MODE")
        processes = [
            cluster.manage(
                *command, data_dir=server.data_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            )
            for command, server in zip(commands, cluster.servers, strict=True)
        ]
        try:
            wait_until(
                lambda: (
                    site.value(
                        "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
                        table(model),
                    )
                    == len(commands)
                ),
                "the commands at their first read",
            )
        except BaseException:
            for process in processes:
                process.kill()
            raise
        holder.rollback()  # lets them all in
    outputs = []
    for process in processes:
        try:
            output, _ = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        assert process.returncode == 0, output.decode()
        outputs.append(output.decode())
    yield outputs


def test_4_mail_sent_by_both_servers_at_once_goes_out_once(site):
    """send_campaign_mail on both servers at the same moment: each signer's confirmation link, each
    subscriber's update and the decision maker's request for a response arrive exactly once at the loopback
    SMTP server; then every link followed, through the balancer, counts once."""
    site.mailbox.clear()
    command = ["send_campaign_mail", "--batch-size", "5"]
    with started_together(site, Campaign, [command, command]) as outputs:
        pass
    received = Tally(message.to for message in site.mailbox.messages)
    signers = {f"signer{client}-{number}@example.org" for client in range(1, 41) for number in range(2)}
    news = {f"news{index}@example.org" for index in range(seed.UPDATE_SIGNERS)}
    assert set(received) == signers | news | {seed.DECISION_MAKER}, outputs
    assert set(received.values()) == {1}, [address for address, times in received.items() if times > 1]
    assert site.value(f"SELECT count(*) FROM {table(Signature)} WHERE mail_due_at IS NOT NULL") == 0

    # Every link followed at once, half through each server: counted once each.
    def confirm(numbered: tuple[int, str]) -> int:
        number, address = numbered
        (message,) = site.mailbox.to(address)
        path = message.path("/confirm/")
        browser = Browser(site.cluster.balancer_port, source=client_address(4, 1 + number))
        browser.get(path)
        return browser.post(path, {}).status

    with ThreadPoolExecutor(max_workers=16) as pool:
        confirmed = Tally(pool.map(confirm, enumerate(sorted(signers))))
    assert confirmed == {200: len(signers)}
    counted = site.value(
        f"SELECT {column(Campaign, 'signature_count')} FROM {table(Campaign)} WHERE slug = %s",
        site.seed["campaign"],
    )
    rows = site.value(
        f"SELECT count(*) FROM {table(Signature)} s JOIN {table(Campaign)} c ON c.id = s.campaign_id "
        "WHERE c.slug = %s AND s.status = 'confirmed'",
        site.seed["campaign"],
    )
    assert counted == rows == len(signers)


def test_4_prune_expired_on_both_servers_at_once_prunes_each_thing_once(site):
    with started_together(site, Story, [["prune_expired"], ["prune_expired"]]) as outputs:
        pass
    reported = Tally()
    for output in outputs:
        for number, what in re.findall(r"(\d+) (rejected stories|expired sessions|closed campaigns)", output):
            reported[what] += int(number)
    assert reported == {
        "rejected stories": seed.REJECTED_STORIES,
        "expired sessions": seed.EXPIRED_SESSIONS,
        "closed campaigns": seed.CLOSED_CAMPAIGNS,
    }, outputs
    assert site.value(f"SELECT count(*) FROM {table(Story)} WHERE status = 'rejected'") == 1
    assert site.value("SELECT count(*) FROM django_session WHERE session_key LIKE 'cluster%%'") == 1
    prunes = site.value(f"SELECT count(*) FROM {table(Decision)} WHERE action = %s", Action.PRUNE)
    anonymised = site.value(
        f"SELECT count(*) FROM {table(CampaignDecision)} WHERE action = %s",
        DecisionAction.ANONYMISE,
    )
    assert (prunes, anonymised) == (seed.REJECTED_STORIES, seed.CLOSED_CAMPAIGNS)


# What a client sees of an answer its server died in the middle of sending.
CUT_OFF = {"IncompleteRead", "RemoteDisconnected", "ConnectionResetError", "BrokenPipeError"}


def test_5_an_app_server_killed_under_load_loses_no_accepted_write(site):
    """SIGKILL to every process of one app server while clients keep saying "me too": every statement
    answered 201 is in the database and counted, haproxy marks the server down, and the other keeps
    serving everyone."""
    cluster = site.cluster
    port = cluster.balancer_port
    victim = cluster.servers[0]
    counted_before = statements_counted(site)
    rows_before = site.value(f"SELECT count(*) FROM {table(Statement)}")
    answers: list[tuple[float, object]] = []
    lock = threading.Lock()
    sent = iter(range(100_000))
    killed_at: list[float] = []

    def client(number: int) -> None:
        while (index := next(sent)) < 400:
            source = client_address(5, 1 + index % 250)
            try:
                answer = post_json(port, "/api/v1/statements", {}, source=source)
            # A connection dropped, or an answer cut off as its server died: the client cannot know
            # whether the write was kept; the last assertion counts it either way.
            except (OSError, http.client.HTTPException) as error:
                answer = error
            with lock:
                answers.append((time.monotonic(), answer))
            if index == 120:
                victim.process.kill()
                killed_at.append(time.monotonic())

    try:
        with ThreadPoolExecutor(max_workers=12) as pool:
            list(pool.map(client, range(12)))
        wait_until(lambda: cluster.servers_up("app") == {"app2"}, "haproxy marking the killed server down")
        after = [
            post_json(port, "/api/v1/statements", {}, source=client_address(6, n)).status
            for n in range(1, 21)
        ]
    finally:
        cluster.start_server(victim)
        wait_until(lambda: cluster.servers_up("app") == {"app1", "app2"}, "the restarted server")

    accepted = [answer.json()["id"] for _, answer in answers if getattr(answer, "status", None) == 201]
    others = Tally(getattr(answer, "status", type(answer).__name__) for _, answer in answers)
    stored = site.value(f"SELECT count(*) FROM {table(Statement)} WHERE id = ANY(%s)", accepted)
    assert stored == len(accepted), others
    assert after == [201] * 20
    # What failed was in flight on the killed server: haproxy answers 502 and never sends a request that
    # may have reached a server to another one (a write may have happened).
    assert set(others) <= {201, 502, 503, *CUT_OFF}, others
    # Counted as stored: a write the killed server had committed is counted, answer or not.
    rows = site.value(f"SELECT count(*) FROM {table(Statement)}") - rows_before
    assert statements_counted(site) - counted_before == rows >= len(accepted) + 20


def test_6_x_forwarded_for_is_believed_from_the_balancer_only(site):
    """The rate limit's client key: straight to an app server, a forged X-Forwarded-For changes nothing
    (each request is the sender's own address); through the balancer, only the address it appended counts."""
    server = site.cluster.servers[1]
    forged = [
        call(server.address, server.port, "POST", "/api/v1/statements", body=b"{}",
             headers={**JSON, "X-Forwarded-For": f"203.0.113.{n}", "X-Forwarded-Proto": "https"},
             source=client_address(7, 1)).status
        for n in range(1, SPEAK_LIMIT + 6)
    ]  # fmt: skip
    assert Tally(forged) == {201: SPEAK_LIMIT, 429: 5}
    through = [
        post_json(site.cluster.balancer_port, "/api/v1/statements", {}, source=client_address(7, 2),
                  headers={"X-Forwarded-For": f"198.51.100.{n}"}).status
        for n in range(1, SPEAK_LIMIT + 6)
    ]  # fmt: skip
    assert Tally(through) == {201: SPEAK_LIMIT, 429: 5}
