"""The queue engine with a manual clock and in-memory storage: leases, dead-lettering, ordered
groups, dedup, delays, retention, purge, move tasks, waiters, tokens."""

from __future__ import annotations

import pytest

from cloudtwin.clock import ManualClock
from cloudtwin.engines._kernel.errors import AlreadyExists, Conflict, Invalid, LimitExceeded, NotFound
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.queues import Counts, DeadLetter, QueueSpec, QueuesEngine
from cloudtwin.storage import Storage

SCOPE = Scope("000000000000", "us-east-1")
SPEC = QueueSpec(max_message_bytes=1024, retention=3600, lease=30)
ORDERED = QueueSpec(max_message_bytes=1024, retention=3600, lease=30, ordered=True)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def engine(clock: ManualClock) -> QueuesEngine:
    return QueuesEngine(Storage(None), clock)


def bodies(messages) -> list:
    return [m.body for m in messages]


def test_a_received_message_is_leased_until_its_lease_ends(engine, clock):
    engine.create(SCOPE, "q", SPEC)
    engine.send(SCOPE, "q", "hello")
    first = engine.receive(SCOPE, "q")
    assert bodies(first) == ["hello"] and first[0].deliveries == 1
    assert engine.receive(SCOPE, "q") == []
    assert engine.counts(SCOPE, "q").leased == 1
    clock.advance(31)
    again = engine.receive(SCOPE, "q")
    assert bodies(again) == ["hello"] and again[0].deliveries == 2
    assert again[0].first_delivered == first[0].first_delivered


def test_settle_deletes_and_a_superseded_token_settles_nothing(engine, clock):
    engine.create(SCOPE, "q", SPEC)
    engine.send(SCOPE, "q", "x")
    old = engine.receive(SCOPE, "q", lease=1)[0]
    clock.advance(2)
    new = engine.receive(SCOPE, "q")[0]
    engine.settle(SCOPE, "q", old.token)
    assert engine.counts(SCOPE, "q").leased == 1
    engine.settle(SCOPE, "q", new.token)
    engine.settle(SCOPE, "q", new.token)  # twice is fine
    assert engine.counts(SCOPE, "q") == Counts(0, 0, 0)


def test_forged_and_foreign_tokens_are_invalid(engine):
    engine.create(SCOPE, "a", SPEC)
    engine.create(SCOPE, "b", SPEC)
    engine.send(SCOPE, "a", "x")
    token = engine.receive(SCOPE, "a")[0].token
    for bad in ("nonsense", token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        with pytest.raises(Invalid):
            engine.settle(SCOPE, "a", bad)
    with pytest.raises(Invalid):
        engine.settle(SCOPE, "b", token)
    assert engine.counts(SCOPE, "a").leased == 1


def test_extend_needs_a_live_lease(engine, clock):
    engine.create(SCOPE, "q", SPEC)
    engine.send(SCOPE, "q", "x")
    token = engine.receive(SCOPE, "q")[0].token
    engine.extend(SCOPE, "q", token, 0)
    assert bodies(engine.receive(SCOPE, "q")) == ["x"]
    with pytest.raises(Conflict):
        engine.extend(SCOPE, "q", token, 10)


def test_dead_letter_after_max_deliveries_keeps_the_message(engine, clock):
    engine.create(SCOPE, "dlq", SPEC)
    engine.create(SCOPE, "q", QueueSpec(1024, 3600, 30, dead_letter=DeadLetter("dlq", 2)))
    sent = engine.send(SCOPE, "q", "poison", attributes={"k": "v"})
    for _ in range(2):
        assert bodies(engine.receive(SCOPE, "q")) == ["poison"]
        clock.advance(31)
    assert engine.receive(SCOPE, "q") == []
    moved = engine.receive(SCOPE, "dlq")
    assert moved[0].message_id == sent.message_id and moved[0].origin == "q"
    assert moved[0].attributes == {"k": "v"} and moved[0].deliveries == 3
    assert engine.dead_letter_sources(SCOPE, "dlq") == (["q"], None)


def test_dead_letter_target_must_exist_and_match_kind(engine):
    with pytest.raises(Invalid):
        engine.create(SCOPE, "q", QueueSpec(1024, 3600, 30, dead_letter=DeadLetter("nope", 2)))
    engine.create(SCOPE, "std", SPEC)
    with pytest.raises(Invalid):
        engine.create(SCOPE, "f", QueueSpec(1024, 3600, 30, ordered=True, dead_letter=DeadLetter("std", 2)))


def test_move_task_takes_messages_back_to_their_origin(engine, clock):
    engine.create(SCOPE, "dlq", SPEC)
    engine.create(SCOPE, "q", QueueSpec(1024, 3600, 30, dead_letter=DeadLetter("dlq", 1)))
    for i in range(3):
        engine.send(SCOPE, "q", f"m{i}")
    engine.receive(SCOPE, "q", limit=10)
    clock.advance(31)
    assert engine.receive(SCOPE, "q", limit=10) == []
    task = engine.start_move(SCOPE, "dlq")
    assert task.status == "RUNNING" and task.total == 3
    with pytest.raises(Conflict):
        engine.start_move(SCOPE, "dlq")
    engine.sweep(clock.advance(1))
    assert engine.moves(SCOPE, "dlq", 10)[0].status == "COMPLETED"
    back = engine.receive(SCOPE, "q", limit=10)
    assert sorted(bodies(back)) == ["m0", "m1", "m2"] and {m.deliveries for m in back} == {1}


def test_move_task_honours_its_rate_and_can_be_cancelled(engine, clock):
    engine.create(SCOPE, "src", SPEC)
    engine.create(SCOPE, "dst", SPEC)
    for i in range(5):
        engine.send(SCOPE, "src", f"m{i}")
    task = engine.start_move(SCOPE, "src", "dst", rate=2)
    engine.sweep(clock.advance(1))
    assert engine.moves(SCOPE, "src", 1)[0].moved == 2
    cancelled = engine.cancel_move(task.handle)
    assert cancelled.status == "CANCELLED"
    engine.sweep(clock.advance(10))
    assert engine.counts(SCOPE, "dst").ready == 2
    with pytest.raises(Conflict):
        engine.cancel_move(task.handle)


def test_ordered_groups_deliver_in_order_one_group_in_flight(engine, clock):
    engine.create(SCOPE, "f", ORDERED)
    for i in range(3):
        engine.send(SCOPE, "f", f"a{i}", group="a", dedup_id=f"a{i}")
    engine.send(SCOPE, "f", "b0", group="b", dedup_id="b0")
    first = engine.receive(SCOPE, "f", limit=2)
    assert bodies(first) == ["a0", "a1"]
    assert bodies(engine.receive(SCOPE, "f", limit=10)) == ["b0"]
    assert engine.receive(SCOPE, "f", limit=10) == []
    engine.settle(SCOPE, "f", first[0].token)
    assert engine.receive(SCOPE, "f") == []  # a1 still leased
    clock.advance(31)
    assert bodies(engine.receive(SCOPE, "f", limit=10)) == ["a1", "a2", "b0"]


def test_dedup_window_on_the_clock(engine, clock):
    engine.create(SCOPE, "f", ORDERED)
    one = engine.send(SCOPE, "f", "x", group="g", dedup_id="d")
    two = engine.send(SCOPE, "f", "y", group="g", dedup_id="d")
    assert two.duplicate and two.message_id == one.message_id and two.sequence == one.sequence
    clock.advance(301)
    assert not engine.send(SCOPE, "f", "z", group="g", dedup_id="d").duplicate
    assert engine.counts(SCOPE, "f").ready == 2


def test_content_dedup_and_required_ids(engine):
    engine.create(SCOPE, "f", ORDERED)
    with pytest.raises(Invalid):
        engine.send(SCOPE, "f", "x", group="g")
    with pytest.raises(Invalid):
        engine.send(SCOPE, "f", "x", dedup_id="d")
    engine.create(SCOPE, "c", QueueSpec(1024, 3600, 30, ordered=True, content_dedup=True))
    assert engine.send(SCOPE, "c", "same", group="g").message_id == engine.send(SCOPE, "c", "same", group="h").message_id


def test_repeated_receive_attempt_returns_the_same_messages(engine):
    engine.create(SCOPE, "f", ORDERED)
    engine.send(SCOPE, "f", "x", group="g", dedup_id="1")
    first = engine.receive(SCOPE, "f", attempt="try")
    again = engine.receive(SCOPE, "f", attempt="try")
    assert [m.token for m in again] == [m.token for m in first]
    assert engine.receive(SCOPE, "f", attempt="other") == []


def test_delay_then_delivery_and_counts(engine, clock):
    engine.create(SCOPE, "q", SPEC)
    engine.send(SCOPE, "q", "later", delay=10)
    assert engine.counts(SCOPE, "q").delayed == 1
    assert engine.receive(SCOPE, "q") == []
    clock.advance(10)
    assert bodies(engine.receive(SCOPE, "q")) == ["later"]


def test_retention_expiry_by_sweep(engine, clock):
    engine.create(SCOPE, "q", QueueSpec(1024, 60, 30))
    engine.send(SCOPE, "q", "old")
    engine.sweep(clock.advance(61))
    assert engine.counts(SCOPE, "q") == Counts(0, 0, 0)


def test_size_limit_counts_attributes(engine):
    engine.create(SCOPE, "q", SPEC)
    engine.send(SCOPE, "q", "x" * 1000, attributes_size=24)
    with pytest.raises(LimitExceeded):
        engine.send(SCOPE, "q", "x" * 1000, attributes_size=25)
    assert engine.counts(SCOPE, "q").ready == 1


def test_purge_cooldown_and_recreate_cooldown(engine, clock):
    spec = QueueSpec(1024, 3600, 30, purge_cooldown=60, recreate_cooldown=60)
    engine.create(SCOPE, "q", spec)
    engine.send(SCOPE, "q", "x")
    engine.purge(SCOPE, "q")
    with pytest.raises(Conflict):
        engine.purge(SCOPE, "q")
    clock.advance(60)
    engine.purge(SCOPE, "q")
    engine.delete(SCOPE, "q")
    with pytest.raises(NotFound):
        engine.send(SCOPE, "q", "x")
    with pytest.raises(Conflict):
        engine.create(SCOPE, "q", spec)
    clock.advance(60)
    engine.create(SCOPE, "q", spec)
    with pytest.raises(AlreadyExists):
        engine.create(SCOPE, "q", spec)


def test_names_page_by_prefix(engine):
    for name in ("a1", "a2", "a3", "b1"):
        engine.create(SCOPE, name, SPEC)
    page, token = engine.names(SCOPE, "a", limit=2)
    assert page == ["a1", "a2"] and token
    assert engine.names(SCOPE, "a", limit=2, token=token) == (["a3"], None)


def test_waiters_wake_on_send_on_sweep_and_once(engine, clock):
    engine.create(SCOPE, "q", SPEC)
    woken: list[str] = []
    engine.watch(SCOPE, "q", lambda: woken.append("send"))
    engine.send(SCOPE, "q", "x")
    engine.send(SCOPE, "q", "y")
    assert woken == ["send"]
    engine.receive(SCOPE, "q", limit=10)
    cancel = engine.watch(SCOPE, "q", lambda: woken.append("cancelled"))
    cancel()
    engine.watch(SCOPE, "q", lambda: woken.append("lease ended"))
    engine.sweep(clock.now())
    assert woken == ["send"]
    engine.sweep(clock.advance(31))
    assert woken == ["send", "lease ended"]


def test_state_survives_a_reopen(tmp_path, clock):
    first = QueuesEngine(Storage(tmp_path), clock)
    first.create(SCOPE, "q", SPEC)
    first.send(SCOPE, "q", "durable")
    token = first.receive(SCOPE, "q")[0].token
    first.db.commit()
    second = QueuesEngine(Storage(tmp_path), clock)
    assert second.receive(SCOPE, "q") == []
    clock.advance(31)
    again = second.receive(SCOPE, "q")
    assert bodies(again) == ["durable"] and again[0].deliveries == 2
    with pytest.raises(Conflict):
        second.extend(SCOPE, "q", token, 5)


def test_a_shorter_retention_applies_to_stored_messages(engine, clock):
    engine.create(SCOPE, "q", SPEC)
    engine.send(SCOPE, "q", "old")
    clock.advance(120)
    engine.update(SCOPE, "q", QueueSpec(1024, 60, 30))
    engine.sweep(clock.now())
    assert engine.counts(SCOPE, "q") == Counts(0, 0, 0)
