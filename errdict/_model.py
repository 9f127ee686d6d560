"""The value objects: ErrorCode, Link and the exception for an unknown code."""
from __future__ import annotations

_FIELDS = ("code", "title", "level", "product", "status", "replaced_by", "summary", "description",
           "causes", "solutions", "retry", "action", "advice", "aliases", "related", "links", "updated",
           "url")


class Link:
    """An external link of an entry: a title and an https URL."""

    __slots__ = ("title", "url")

    def __init__(self, title: str, url: str) -> None:
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "url", url)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Link is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Link is immutable; cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Link):
            return NotImplemented
        return (self.title, self.url) == (other.title, other.url)

    def __hash__(self) -> int:
        return hash((self.title, self.url))

    def __repr__(self) -> str:
        return f"Link(title={self.title!r}, url={self.url!r})"

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url}


class ErrorCode:
    """One code of the catalog: every field of its entry plus the URL of its help page.

    Immutable and hashable. Lists of the entry become tuples. ``str(code)`` gives
    ``"21610: Attempt to send to unsubscribed recipient"``.
    """

    __slots__ = _FIELDS

    code: int
    title: str
    level: str
    product: str
    status: str
    replaced_by: int | None
    summary: str
    description: str
    causes: tuple[str, ...]
    solutions: tuple[str, ...]
    retry: str
    action: str
    advice: str | None
    aliases: tuple[str, ...]
    related: tuple[int, ...]
    links: tuple[Link, ...]
    updated: str
    url: str

    def __init__(self, **fields: object) -> None:
        missing = [name for name in _FIELDS if name not in fields]
        extra = [name for name in fields if name not in _FIELDS]
        if missing or extra:
            raise TypeError(f"ErrorCode fields missing: {missing}, unexpected: {extra}")
        for name in _FIELDS:
            value = fields[name]
            if name == "links":
                value = tuple(v if isinstance(v, Link) else Link(v["title"], v["url"])  # type: ignore[index]
                              for v in value)  # type: ignore[attr-defined]
            elif isinstance(value, list):
                value = tuple(value)
            object.__setattr__(self, name, value)

    @classmethod
    def _from_entry(cls, entry: dict, url: str) -> "ErrorCode":
        return cls(url=url, **entry)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"ErrorCode is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"ErrorCode is immutable; cannot delete {name!r}")

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in _FIELDS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ErrorCode):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((self.code, self.title, self.updated, self.url))

    def __repr__(self) -> str:
        return f"<ErrorCode {self.code}: {self.title}>"

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def __int__(self) -> int:
        return self.code

    # --- derived, for programs -------------------------------------------------------------
    @property
    def is_error(self) -> bool:
        return self.level == "error"

    @property
    def retryable(self) -> bool:
        """True when sending the same thing again later may succeed unchanged."""
        return self.retry == "later"

    @property
    def product_title(self) -> str:
        return _titles("product").get(self.product, self.product)

    @property
    def retry_title(self) -> str:
        return _titles("retry").get(self.retry, self.retry)

    @property
    def action_title(self) -> str:
        return _titles("action").get(self.action, self.action)

    def with_site_url(self, site_url: str) -> "ErrorCode":
        """The same code with its page URL on another copy of the help site."""
        values = {name: getattr(self, name) for name in _FIELDS}
        values["url"] = page_url(site_url, self.code)
        return ErrorCode(**values)

    def to_dict(self) -> dict:
        """Plain JSON-ready data: every field, lists as lists, links as mappings."""
        out: dict = {}
        for name in _FIELDS:
            value = getattr(self, name)
            if name == "links":
                value = [link.to_dict() for link in value]
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out

    def as_problem(self, instance: str | None = None) -> dict:
        """An RFC 9457 problem-details object for this code (``application/problem+json``).

        ``type`` is the code's help page, ``title`` the official title and ``detail`` the
        summary; the extension members carry the code, level, retry advice and action so
        that a client can act without parsing prose.
        """
        problem: dict = {
            "type": self.url,
            "title": self.title,
            "detail": self.summary,
        }
        if instance is not None:
            if not isinstance(instance, str):
                raise TypeError(f"instance must be a URI string, not {type(instance).__name__}")
            problem["instance"] = instance
        problem.update({
            "code": self.code,
            "level": self.level,
            "product": self.product,
            "retry": self.retry,
            "action": self.action,
            "action_title": self.action_title,
        })
        if self.advice:
            problem["advice"] = self.advice
        if self.status != "active":
            problem["status_of_code"] = self.status
            if self.replaced_by is not None:
                problem["replaced_by"] = self.replaced_by
        return problem


class UnknownCodeError(LookupError):
    """A well-formed code that the catalog does not hold. ``suggestions`` lists the nearest codes."""

    def __init__(self, code: int, suggestions: tuple[int, ...] = ()) -> None:
        self.code = code
        self.suggestions = tuple(suggestions)
        message = f"{code} is not in the errdict catalog"
        if self.suggestions:
            message += "; nearest known codes: " + ", ".join(str(c) for c in self.suggestions)
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


def page_url(site_url: str, code: int) -> str:
    return f"{site_url.rstrip('/')}/codes/{code}/"


def _titles(vocabulary: str) -> dict[str, str]:
    from ._catalog import CATALOG

    return CATALOG.vocabulary(vocabulary)
