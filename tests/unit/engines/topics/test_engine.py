"""The topic engine on a ManualClock and ephemeral storage, with a recording Dispatch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from cloudtwin.clock import ManualClock
from cloudtwin.engines._kernel.dispatch import (
    DELIVERED, STARTED, DeliveryResult, Envelope, OnDone, Target,
)
from cloudtwin.engines._kernel.errors import Invalid, NotFound
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.topics import (
    ON_BODY, Message, RetryPolicy, SubscriptionSpec, TopicsEngine, TopicSpec,
)
from cloudtwin.storage import Storage

SCOPE = Scope("000000000000", "us-east-1")


@dataclass
class Recorder:
    """A Dispatch that records deliveries; targets named in ``failing`` fail, ``http`` is async."""

    failing: set[str] = field(default_factory=set)
    sent: list[tuple[Target, Envelope]] = field(default_factory=list)
    waiting: list[OnDone] = field(default_factory=list)

    def deliver(self, target: Target, envelope: Envelope, *, renderer: str = "",
                on_done: OnDone | None = None) -> DeliveryResult:
        self.sent.append((target, envelope))
        if target.kind == "http":
            assert on_done is not None
            self.waiting.append(on_done)
            return STARTED
        if target.name in self.failing:
            return DeliveryResult(ok=False, detail="down")
        return DELIVERED

    def to(self, name: str) -> list[Envelope]:
        return [e for t, e in self.sent if t.name == name and e.purpose == "message"]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def dispatch() -> Recorder:
    return Recorder()


@pytest.fixture
def engine(clock: ManualClock, dispatch: Recorder) -> Iterator[TopicsEngine]:
    storage = Storage(None)
    yield TopicsEngine(storage, clock, dispatch)
    storage.close()


def queue(name: str) -> Target:
    return Target("queue", SCOPE, name)


def test_fan_out_reaches_each_matching_subscriber_once(engine: TopicsEngine, dispatch: Recorder) -> None:
    engine.create_topic(SCOPE, TopicSpec("admissions"))
    for i in range(7):
        engine.subscribe(SCOPE, "admissions", SubscriptionSpec(queue(f"q{i}")))
    engine.subscribe(SCOPE, "admissions", SubscriptionSpec(queue("wards"), filter={"ward": ["A"]}))
    published = engine.publish(SCOPE, "admissions", Message("hi", filter_values={"ward": "B"}))
    assert published.delivered == 7
    assert [len(dispatch.to(f"q{i}")) for i in range(7)] == [1] * 7
    assert dispatch.to("wards") == []


def test_body_filters_read_the_json_body(engine: TopicsEngine, dispatch: Recorder) -> None:
    engine.create_topic(SCOPE, TopicSpec("t"))
    engine.subscribe(SCOPE, "t", SubscriptionSpec(queue("big"), filter={"order": {"total": [{"numeric": [">", 100]}]}},
                                                  filter_scope=ON_BODY))
    engine.publish(SCOPE, "t", Message('{"order": {"total": 150}}'))
    engine.publish(SCOPE, "t", Message('{"order": {"total": 5}}'))
    engine.publish(SCOPE, "t", Message("not json"))
    assert [e.body for e in dispatch.to("big")] == ['{"order": {"total": 150}}']


def test_ordered_topic_numbers_messages_and_drops_duplicates(engine: TopicsEngine, clock: ManualClock,
                                                             dispatch: Recorder) -> None:
    engine.create_topic(SCOPE, TopicSpec("t.fifo", ordered=True, content_dedup=True))
    engine.subscribe(SCOPE, "t.fifo", SubscriptionSpec(queue("q.fifo")))
    first = engine.publish(SCOPE, "t.fifo", Message("a", group="g"))
    again = engine.publish(SCOPE, "t.fifo", Message("a", group="g"))
    second = engine.publish(SCOPE, "t.fifo", Message("b", group="g", dedup_id="x"))
    assert again.duplicate and again.message_id == first.message_id
    assert (first.sequence or 0) < (second.sequence or 0)
    clock.advance(301)
    engine.sweep(clock.now())
    assert not engine.publish(SCOPE, "t.fifo", Message("a", group="g")).duplicate
    assert [e.body for e in dispatch.to("q.fifo")] == ["a", "b", "a"]


def test_ordered_topic_without_dedup_id_is_invalid(engine: TopicsEngine) -> None:
    engine.create_topic(SCOPE, TopicSpec("t.fifo", ordered=True))
    with pytest.raises(Invalid):
        engine.publish(SCOPE, "t.fifo", Message("a", group="g"))


def test_failed_delivery_is_retried_then_dead_lettered(engine: TopicsEngine, clock: ManualClock,
                                                       dispatch: Recorder) -> None:
    engine.create_topic(SCOPE, TopicSpec("t"))
    dispatch.failing.add("down")
    sub = engine.subscribe(SCOPE, "t", SubscriptionSpec(queue("down"), retry=RetryPolicy(retries=3),
                                                        dead_letter=queue("dlq")))
    engine.subscribe(SCOPE, "t", SubscriptionSpec(queue("up")))
    engine.publish(SCOPE, "t", Message("m"))
    assert engine.pending_deliveries(sub.id) == 1 and len(dispatch.to("up")) == 1
    for _ in range(3):
        clock.advance(20)
        engine.sweep(clock.now())
    assert len(dispatch.to("down")) == 4
    assert [e.body for e in dispatch.to("dlq")] == ["m"]
    assert engine.pending_deliveries(sub.id) == 0


def test_a_long_clock_jump_counts_missed_retries(engine: TopicsEngine, clock: ManualClock,
                                                 dispatch: Recorder) -> None:
    engine.create_topic(SCOPE, TopicSpec("t"))
    dispatch.failing.add("down")
    policy = RetryPolicy(retries=100_014, immediate=3, pre_backoff=2, min_delay=1, max_delay=20,
                         post_backoff=100_000, backoff="exponential")
    engine.subscribe(SCOPE, "t", SubscriptionSpec(queue("down"), retry=policy, dead_letter=queue("dlq")))
    engine.publish(SCOPE, "t", Message("m"))
    clock.advance(24 * 86400)
    engine.sweep(clock.now())
    assert [e.body for e in dispatch.to("dlq")] == ["m"]


def test_async_delivery_completes_through_on_done(engine: TopicsEngine, clock: ManualClock,
                                                  dispatch: Recorder) -> None:
    engine.create_topic(SCOPE, TopicSpec("t"))
    hook = Target("http", SCOPE, "http://127.0.0.1:9/hook")
    sub = engine.subscribe(SCOPE, "t", SubscriptionSpec(hook, confirm=True, dead_letter=queue("dlq")))
    assert not sub.confirmed
    confirmation = dispatch.sent[-1][1]
    assert confirmation.purpose == "confirmation"
    dispatch.waiting.pop()(DELIVERED)
    engine.publish(SCOPE, "t", Message("before confirming"))
    assert dispatch.to(hook.name) == []
    with pytest.raises(Invalid):
        engine.confirm(SCOPE, "t", "not-the-token")
    assert engine.confirm(SCOPE, "t", confirmation.context["token"]).confirmed
    engine.publish(SCOPE, "t", Message("m"))
    dispatch.waiting.pop()(DeliveryResult(ok=False, detail="503"))
    assert engine.pending_deliveries(sub.id) == 1
    for _ in range(3):
        clock.advance(20)
        engine.sweep(clock.now())
        dispatch.waiting.pop()(DeliveryResult(ok=False, detail="503"))
    assert [e.body for e in dispatch.to("dlq")] == ["m"]
    assert engine.pending_deliveries(sub.id) == 0


def test_outbox_survives_a_restart(tmp_path: object, clock: ManualClock, dispatch: Recorder) -> None:
    from pathlib import Path
    data = Path(str(tmp_path))
    storage = Storage(data)
    engine = TopicsEngine(storage, clock, dispatch)
    engine.create_topic(SCOPE, TopicSpec("t"))
    dispatch.failing.add("down")
    engine.subscribe(SCOPE, "t", SubscriptionSpec(queue("down")))
    engine.publish(SCOPE, "t", Message("m"))
    storage.commit()
    storage.close()
    dispatch.failing.clear()
    reopened = Storage(data)
    engine = TopicsEngine(reopened, clock, dispatch)
    clock.advance(20)
    engine.sweep(clock.now())
    assert [e.body for e in dispatch.to("down")] == ["m", "m"]
    reopened.close()


def test_unknown_topic_and_subscription(engine: TopicsEngine) -> None:
    with pytest.raises(NotFound):
        engine.publish(SCOPE, "nope", Message("m"))
    with pytest.raises(NotFound):
        engine.unsubscribe("nope")
    engine.delete_topic(SCOPE, "nope")


def test_subscribe_twice_returns_the_same_subscription(engine: TopicsEngine) -> None:
    engine.create_topic(SCOPE, TopicSpec("t"))
    a = engine.subscribe(SCOPE, "t", SubscriptionSpec(queue("q")))
    assert engine.subscribe(SCOPE, "t", SubscriptionSpec(queue("q"))).id == a.id
    assert [s.id for s in engine.subscriptions(SCOPE)] == [a.id]
    engine.delete_topic(SCOPE, "t")
    assert engine.subscriptions(SCOPE) == []


def test_retry_policy_phases() -> None:
    policy = RetryPolicy(retries=6, immediate=1, pre_backoff=1, post_backoff=1, min_delay=2, max_delay=10)
    assert [policy.delay(n) for n in range(1, 7)] == [0.0, 2, 2, 6, 10, 10]


def test_dedup_per_group(engine: TopicsEngine, dispatch: Recorder) -> None:
    engine.create_topic(SCOPE, TopicSpec("t.fifo", ordered=True, dedup_per_group=True))
    engine.subscribe(SCOPE, "t.fifo", SubscriptionSpec(queue("q.fifo")))
    engine.publish(SCOPE, "t.fifo", Message("a", group="g1", dedup_id="same"))
    assert not engine.publish(SCOPE, "t.fifo", Message("b", group="g2", dedup_id="same")).duplicate
    assert engine.publish(SCOPE, "t.fifo", Message("c", group="g1", dedup_id="same")).duplicate
    assert [e.dedup_id for e in dispatch.to("q.fifo")] == ["same", "same"]


def test_subscribing_again_resends_the_token(engine: TopicsEngine, dispatch: Recorder) -> None:
    engine.create_topic(SCOPE, TopicSpec("t"))
    hook = SubscriptionSpec(Target("http", SCOPE, "http://127.0.0.1:9/"), confirm=True)
    engine.subscribe(SCOPE, "t", hook)
    engine.subscribe(SCOPE, "t", hook)
    tokens = [e.context["token"] for _, e in dispatch.sent if e.purpose == "confirmation"]
    assert len(tokens) == 2 and tokens[0] == tokens[1]


def test_a_message_without_attributes_passes_no_attribute_filter(engine: TopicsEngine, dispatch: Recorder) -> None:
    engine.create_topic(SCOPE, TopicSpec("t"))
    engine.subscribe(SCOPE, "t", SubscriptionSpec(queue("no-vip"), filter={"vip": [{"exists": False}]}))
    engine.publish(SCOPE, "t", Message("bare"))
    engine.publish(SCOPE, "t", Message("tagged", filter_values={"ward": "A"}))
    assert [e.body for e in dispatch.to("no-vip")] == ["tagged"]
