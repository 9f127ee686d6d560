"""The value objects, pinned where mutation testing (issue 12) found them unpinned: the members of
as_problem() a client reads without parsing prose, FormerTitle's JSON form, hashing by value and the
messages of the errors a caller can make."""
from __future__ import annotations

import pytest

from entries import compiled_catalog, entry_text, reference_text
from errdict import ErrorCode, FormerTitle, Link, lookup
from errdict._value import FrozenInstanceError


def test_problem_members_name_product_and_who_acts():
    for code in (21610, 30007):
        err = lookup(code)
        problem = err.as_problem()
        assert problem["product"] == err.product and problem["who_acts"] == list(err.who_acts), code
        assert problem["who_acts"] and isinstance(problem["who_acts"], list)


def test_problem_of_an_unexplained_code_points_at_the_upstream_page(tmp_path):
    catalog = compiled_catalog(tmp_path, {21610: entry_text(21610, related=30004),
                                          30004: entry_text(30004, related=21610), 30882: reference_text(30882)})
    err = catalog.lookup(30882)
    problem = err.as_problem()
    assert problem["explained"] is False
    assert problem["upstream_url"] == err.upstream_url and str(err.code) in problem["upstream_url"]
    assert "upstream_url" not in lookup(21610).as_problem()  # an explained code has its own page for that


def test_instance_type_error_names_the_type_given():
    with pytest.raises(TypeError, match=r"not int$"):
        lookup(21610).as_problem(42)  # type: ignore[arg-type]


def test_former_title_to_dict_leaves_out_an_unknown_snapshot():
    assert FormerTitle("Old title").to_dict() == {"title": "Old title"}
    assert FormerTitle("Old title", "2023-05").to_dict() == {"last_listed": "2023-05", "title": "Old title"}


def test_distinct_codes_hash_apart():
    # equal values hash alike (tested with lookup); distinct ones must not all share one hash,
    # or every dict and set keyed by ErrorCode degrades to a list
    errs = [lookup(code) for code in (21610, 30003, 30004, 30005, 30006, 30007)]
    assert len({hash(err) for err in errs}) > 1
    assert len({hash(Link("a", url)) for url in ("x", "y", "z")}) > 1


def test_frozen_and_replace_errors_name_the_class():
    err = lookup(21610)
    with pytest.raises(FrozenInstanceError, match="cannot delete field 'title': ErrorCode is frozen"):
        del err.title  # type: ignore[misc]
    with pytest.raises(TypeError, match=r"^ErrorCode has no field 'colour'$"):
        err._replace(colour="red")
    assert isinstance(err, ErrorCode)
