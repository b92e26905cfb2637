"""ShapeCompiler: the one walk by which every per-shape reader and writer is built.

Protocols compile a function per shape once (their callers cache it) and only run it per
request. The walk dispatches on the shape's type; a structure registers its function before
compiling its members, so a recursive shape (DynamoDB's AttributeValue) is compiled once and
its members refer back to the same function. Document shapes are scalars to the walk.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Generic, TypeVar

from botocore.model import Shape

T = TypeVar("T")


class ShapeCompiler(ABC, Generic[T]):
    def __init__(self) -> None:
        self._built: dict[str, T] = {}

    def build(self, shape: Shape) -> T:
        built = self._built.get(shape.name)
        if built is not None:
            return built
        kind = shape.type_name
        if kind == "structure" and not shape.metadata.get("document"):
            return self.structure(shape)
        if kind == "list":
            return self.list(shape)
        if kind == "map":
            return self.map(shape)
        return self.scalar(shape)

    def register(self, shape: Shape, compiled: T) -> T:
        """Call from ``structure`` before building the members, for recursive shapes."""
        self._built[shape.name] = compiled
        return compiled

    @abstractmethod
    def structure(self, shape: Shape) -> T: ...

    @abstractmethod
    def list(self, shape: Shape) -> T: ...

    @abstractmethod
    def map(self, shape: Shape) -> T: ...

    @abstractmethod
    def scalar(self, shape: Shape) -> T: ...
