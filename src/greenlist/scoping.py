"""Structural data scoping: every query of a scoped model runs inside a scope, or fails.

A request's scope comes from its user (``ScopeMiddleware``); commands and system code say
``with unscoped():`` on purpose. A forgotten filter therefore raises :class:`ScopeError`
instead of leaking another city's data (the idea of pretalx's django-scopes, with one
dimension per role instead of one per event).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from django.db import models

if TYPE_CHECKING:
    pass


class ScopeError(RuntimeError):
    """A scoped model was queried with no scope active."""


@dataclass(frozen=True)
class Scope:
    """Who is looking: a role and the one unit, organisation or evaluator it is bound to."""

    role: str
    unit_id: int | None = None
    organisation_id: int | None = None
    evaluator_id: int | None = None
    expert_id: int | None = None  # a review expert (greenlist.selection): their assignments only
    everything: bool = False

    @classmethod
    def all(cls) -> Scope:
        return cls(role="system", everything=True)

    @classmethod
    def nothing(cls) -> Scope:
        return cls(role="anonymous")


_current: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("greenlist_scope", default=None)


def current_scope() -> Scope | None:
    return _current.get()


@contextmanager
def scope(active: Scope) -> Iterator[Scope]:
    token = _current.set(active)
    try:
        yield active
    finally:
        _current.reset(token)


def activate(active: Scope) -> None:
    """Replace the current scope for the rest of this context (a request authenticated late, by
    API token); the enclosing ``scope()`` restores the previous value when it exits."""
    _current.set(active)


def unscoped() -> AbstractContextManager[Scope]:
    """System code that must see everything (commands, imports, screening, migrations)."""
    return scope(Scope.all())


M = TypeVar("M", bound=models.Model)


class ScopedManager(models.Manager[M], Generic[M]):
    """Default manager of a scoped model. The model defines ``scope_filter(scope) -> Q | None``
    (``None``: the role sees none of it)."""

    def get_queryset(self) -> models.QuerySet[M]:
        active = _current.get()
        queryset = super().get_queryset()
        if active is None:
            raise ScopeError(
                f"查询 {self.model._meta.label} 时未设定数据范围（scope）。"
                "请求内由 ScopeMiddleware 设定；命令与系统代码请使用 `with unscoped():`。"
            )
        if active.everything:
            return queryset
        condition = self.model.scope_filter(active)  # type: ignore[attr-defined]
        if condition is None:
            return queryset.none()
        return queryset.filter(condition)
