"""The value objects: ErrorCode, Link, FormerTitle, and the exceptions of a lookup.

Pure data: nothing here reads the catalog. An :class:`ErrorCode` carries its own display titles
(``product_title``, ``retry_title``, ...) as fields, set by the :class:`~errdict.Catalog` that built
it, the way :class:`http.HTTPStatus` carries its phrase.
"""
from __future__ import annotations

from ._codes import lc_help_url, page_url, upstream_url
from ._value import Value

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a cold start counts every module)
if TYPE_CHECKING:
    from typing import Any

UNKNOWN = "unknown"  # the retry advice and action of a code errdict has not explained


class Link(Value):
    """An external link of an entry: a title and an https URL."""

    title: str
    url: str

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url}


class HelpArticle(Value):
    """An article of the LC help centre about a code: its title, the portal and the article number."""

    title: str
    article: int
    portal: str = "leadconnector"

    @property
    def url(self) -> str:
        return lc_help_url(self.portal, self.article)

    def to_dict(self) -> dict[str, object]:
        return {"title": self.title, "article": self.article, "portal": self.portal, "url": self.url}


class FormerTitle(Value):
    """An official title the code had before: the title, and the newest upstream snapshot that
    showed it (None when not known)."""

    title: str
    last_listed: str | None = None

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title} if self.last_listed is None else \
            {"last_listed": self.last_listed, "title": self.title}


class ErrorCode(Value):
    """One code of the catalog: every field of its entry, the URL of its help page and the display
    titles of its vocabulary values.

    Immutable and hashable; lists of the entry are tuples. ``str(code)`` gives
    ``"21610: Attempt to send to unsubscribed recipient"``. A code errdict has not explained yet
    (``explained`` is False, ``kind`` is ``"reference"``) has its official facts only: ``retry`` and
    ``action`` are ``"unknown"``, ``summary`` and the other explanations are None or empty.
    """

    code: int
    kind: str
    title: str
    former_titles: tuple[FormerTitle, ...]
    level: str
    product: str
    upstream_products: tuple[str, ...]
    lc_tier: str | None
    listed_since: str | None
    status: str
    replaced_by: int | None
    summary: str | None
    description: str | None
    causes: tuple[str, ...]
    solutions: tuple[str, ...]
    retry: str
    action: str
    advice: str | None
    who_acts: tuple[str, ...]
    lc_app: str | None
    own_integration: str | None
    escalation: str | None
    tell_customer: str | None
    aliases: tuple[str, ...]
    related: tuple[int, ...]
    lc_help: tuple[HelpArticle, ...]
    links: tuple[Link, ...]
    updated: str | None
    url: str
    level_title: str
    product_title: str
    retry_title: str
    action_title: str
    who_acts_titles: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def __repr__(self) -> str:
        return f"<ErrorCode {self.code}: {self.title}>"

    def __int__(self) -> int:
        return self.code

    # --- derived ---------------------------------------------------------------------------------
    @property
    def explained(self) -> bool:
        """True for a full entry; False for a code errdict only lists (its facts, no advice)."""
        return self.kind == "full"

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    @property
    def retryable(self) -> bool:
        """True when sending the same thing again later may succeed unchanged."""
        return self.retry == "later"

    @property
    def upstream_url(self) -> str:
        """The upstream provider's own page for the code."""
        return upstream_url(self.code)

    def with_site_url(self, site_url: str) -> ErrorCode:
        """The same code with its page URL on another copy of the help site."""
        return self._replace(url=page_url(site_url, self.code))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: every field, lists as lists, links and former titles as mappings,
        plus ``explained`` and ``upstream_url``."""
        out: dict[str, Any] = {}
        for name in self._fields:
            value = getattr(self, name)
            if name in ("links", "former_titles", "lc_help"):
                value = [part.to_dict() for part in value]
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        out["explained"] = self.explained
        out["upstream_url"] = self.upstream_url
        return out

    def as_problem(self, instance: str | None = None) -> dict[str, Any]:
        """An RFC 9457 problem-details object for this code (``application/problem+json``).

        ``type`` is the code's help page, ``title`` the official title and ``detail`` the summary
        (for a code errdict has not explained yet, a sentence saying so); the extension members
        carry the code, level, retry advice, action and who acts so that a client can act without
        parsing prose.
        """
        if instance is not None and not isinstance(instance, str):
            raise TypeError(f"instance must be a URI string, not {type(instance).__name__}")
        problem: dict[str, Any] = {
            "type": self.url,
            "title": self.title,
            "detail": self.summary if self.summary else
            f"errdict has not explained {self.code} yet; see {self.upstream_url}",
        }
        if instance is not None:
            problem["instance"] = instance
        problem.update({
            "code": self.code,
            "level": self.level,
            "product": self.product,
            "explained": self.explained,
            "retry": self.retry,
            "action": self.action,
            "action_title": self.action_title,
            "who_acts": list(self.who_acts),
        })
        if self.advice:
            problem["advice"] = self.advice
        if not self.explained:
            problem["upstream_url"] = self.upstream_url
        if self.status != "active":
            problem["status_of_code"] = self.status
            if self.replaced_by is not None:
                problem["replaced_by"] = self.replaced_by
        return problem


class UnknownCodeError(LookupError):
    """A well-formed code that the catalog does not hold: not in the upstream provider's list at
    all. ``suggestions`` lists the nearest known codes."""

    def __init__(self, code: int, suggestions: tuple[int, ...] = ()) -> None:
        self.code = code
        self.suggestions = tuple(suggestions)
        message = f"{code} is not in the errdict catalog"
        if self.suggestions:
            message += "; nearest known codes: " + ", ".join(str(c) for c in self.suggestions)
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


class CatalogDataError(RuntimeError):
    """The compiled data file is missing or damaged (rebuild with ``python -m generator compile``)."""
