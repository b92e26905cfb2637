"""The topic engine: publish/subscribe (SNS topics, Event Grid topics) on SQLite.

Public API: TopicsEngine, the value objects of ``model``, RetryPolicy, and the pattern
language of ``patterns`` (compile_pattern, PatternLimits). Engines never import each other:
when the events engine needs the same language, ``patterns.py`` moves to ``engines/_kernel``.
"""

from cloudtwin.engines.topics.engine import TopicsEngine
from cloudtwin.engines.topics.model import (
    ON_ATTRIBUTES, ON_BODY, Message, Published, Subscription, SubscriptionSpec, Topic, TopicSpec,
)
from cloudtwin.engines.topics.patterns import Pattern, PatternLimits, compile_pattern
from cloudtwin.engines.topics.retry import RetryPolicy

__all__ = [
    "ON_ATTRIBUTES", "ON_BODY", "Message", "Pattern", "PatternLimits", "Published", "RetryPolicy",
    "Subscription", "SubscriptionSpec", "Topic", "TopicSpec", "TopicsEngine", "compile_pattern",
]
