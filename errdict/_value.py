"""Frozen value objects, cheap to define.

``@dataclass(frozen=True, slots=True)`` would do, but importing :mod:`dataclasses` (it imports
:mod:`inspect`) and compiling the methods it writes for ErrorCode's 34 fields cost a cold start
about 15 ms, more than the rest of a lookup. A class made with :class:`ValueType` declares its
fields as annotations (a name starting with ``_`` is not a field), optionally with defaults, and
gets what those dataclasses would have:

* ``__slots__`` (no instance dictionary), an ``__init__`` taking the fields by position or by name,
* immutability (assigning or deleting an attribute raises :class:`FrozenInstanceError`),
* equality and hashing by value (only with an instance of the same class), ``__match_args__``,
* a ``repr`` naming every field, pickling, and ``_replace(**changes)`` / ``copy.replace()``.

Type checkers read it as a frozen dataclass (``dataclass_transform``, PEP 681).
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a cold start counts every module)
if TYPE_CHECKING:
    from typing import Any, ClassVar, TypeVar, dataclass_transform

    _V = TypeVar("_V", bound="Value")
else:
    def dataclass_transform(**_options):
        return lambda thing: thing

_MISSING = object()


class FrozenInstanceError(AttributeError):
    """Raised on assigning to or deleting a field of a frozen value."""


@dataclass_transform(frozen_default=True)
class ValueType(type):
    """The metaclass: turns the annotations of a class body into its slots and fields."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> ValueType:
        inherited: tuple[str, ...] = ()
        defaults: dict[str, Any] = {}
        for base in bases:
            inherited += getattr(base, "_fields", ())
            defaults.update(getattr(base, "_defaults", {}))
        own = tuple(name for name in namespace.get("__annotations__", {}) if not name.startswith("_"))
        for field in own:
            if field in namespace:
                defaults[field] = namespace.pop(field)  # a class attribute would clash with its slot
            elif defaults:
                raise TypeError(f"{name}.{field}: a field without a default follows one with a default")
        namespace["__slots__"] = own
        namespace["_fields"] = inherited + own
        namespace["_defaults"] = defaults
        namespace["__match_args__"] = inherited + own
        return super().__new__(mcs, name, bases, namespace)


class Value(metaclass=ValueType):
    """The base of errdict's frozen value types."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]]
    _defaults: ClassVar[dict[str, Any]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__}() takes {len(fields)} fields, {len(args)} given")
        for name, value in zip(fields, args, strict=False):  # the first len(args) fields
            if name in kwargs:
                raise TypeError(f"{type(self).__name__}() got field {name!r} twice")
            object.__setattr__(self, name, value)
        for name in fields[len(args):]:
            value = kwargs.pop(name, _MISSING)
            if value is _MISSING:
                value = self._defaults.get(name, _MISSING)
                if value is _MISSING:
                    raise TypeError(f"{type(self).__name__}() is missing the field {name!r}")
            object.__setattr__(self, name, value)
        if kwargs:
            raise TypeError(f"{type(self).__name__}() has no field {next(iter(kwargs))!r}")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}: {type(self).__name__} is frozen")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}: {type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._values())

    def _replace(self: _V, **changes: Any) -> _V:
        """A copy with the given fields changed (like namedtuple's ``_replace``)."""
        unknown = set(changes) - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        return type(self)(**{name: changes.get(name, getattr(self, name)) for name in self._fields})

    __replace__ = _replace  # copy.replace() (Python 3.13)
