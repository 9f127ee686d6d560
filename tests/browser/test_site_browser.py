"""The help site in a real browser: search, go to code, the first screen of a code page, filters that
live in the address, the copy button, print, link previews and accessibility (axe-core)."""
from __future__ import annotations

import json

import pytest
from conftest import ARTIFACTS, AXE, VIEWPORTS
from test_lookup import SEARCH_TABLE

import errdict

pytestmark = pytest.mark.browser

REFERENCE_CODE = 10005  # a voice code errdict has not explained yet (test_the_reference_code_is_one checks)


def test_the_reference_code_is_one():
    err = errdict.lookup(REFERENCE_CODE)
    assert not err.explained and err.product == "voice"


def settle(page, ms: int = 150) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(ms)


def test_home_loads_without_console_errors_and_counts_both_kinds(page, base_url):
    page.goto(base_url)
    settle(page)
    assert page.errors == []
    text = page.inner_text("article")
    explained = sum(1 for err in errdict.iter_codes() if err.explained)
    assert f"{explained} codes explained in full" in text and "2809 codes" in text


@pytest.mark.parametrize("query, first", SEARCH_TABLE)
def test_the_site_search_puts_the_same_code_first_as_errdict_search(page, base_url, query, first):
    page.goto(f"{base_url}search/?q={query.replace('#', '%23').replace('&', '%26')}")
    page.wait_for_selector(".errdict-search-result", timeout=10_000)
    shown = page.eval_on_selector_all(".errdict-search-result a", "links => links.map(a => a.textContent)")
    assert shown[0].startswith(f"{first} "), shown[:3]
    assert errdict.search(query)[0].code == first
    assert page.errors == []


def test_typing_in_the_header_box_on_a_code_page_shows_results_and_enter_opens_the_first(page, base_url):
    page.goto(f"{base_url}codes/21610/")
    page.fill("#errdict-header-search-input", "carrier violation")
    page.wait_for_selector(".errdict-header-search .errdict-search-result")
    assert page.inner_text(".errdict-header-search .errdict-search-result").startswith("30007")
    page.press("#errdict-header-search-input", "Enter")
    page.wait_for_url("**/codes/30007/")


def test_go_to_code_lands_on_the_code_page(page, base_url):
    page.goto(base_url)
    page.fill("#errdict-goto-home", "Error 21610")
    page.click(".errdict-goto button")
    page.wait_for_url("**/codes/21610/")


def test_an_unknown_code_gets_the_nearest_codes_and_the_upstream_page(page, base_url):
    page.goto(base_url)
    page.fill("#errdict-goto-home", "21609" if 21609 not in errdict.default_catalog() else "99998")
    page.click(".errdict-goto button")
    message = page.wait_for_selector(".errdict-goto__message--shown")
    links = message.eval_on_selector_all("a", "links => links.map(a => [a.textContent, a.href])")
    asked = int(page.input_value("#errdict-goto-home"))
    nearest = list(errdict.default_catalog().suggestions(asked))
    assert [int(text) for text, _ in links[:3]] == nearest
    assert links[-1][1] == f"https://www.twilio.com/docs/api/errors/{asked}"


def test_the_404_page_for_an_unknown_code_offers_the_nearest_codes(page, base_url):
    response = page.goto(f"{base_url}codes/21609/" if 21609 not in errdict.default_catalog()
                         else f"{base_url}codes/99998/")
    assert response.status == 404
    message = page.wait_for_selector(".errdict-goto__message--shown")
    assert "nearest known codes" in message.inner_text()
    assert "twilio.com/docs/api/errors/" in message.inner_html()


@pytest.mark.parametrize("viewport, screens", [("desktop", 1.0), ("phone", 1.5)])
def test_what_to_do_is_on_the_first_screen(open_page, base_url, viewport, screens):
    tab = open_page(viewport)
    tab.goto(f"{base_url}codes/21610/")
    settle(tab)
    height = VIEWPORTS[viewport]["height"] * screens
    for selector in (".errdict-facts dd.errdict-retry-never", ".errdict-facts div:nth-child(2) dd",
                     ".errdict-facts div:nth-child(3) dd", ".errdict-solutions li:first-child"):
        box = tab.locator(selector).bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, (selector, box)
    description = tab.locator("#what-it-means").bounding_box()
    assert description["y"] > tab.locator(".errdict-solutions").bounding_box()["y"]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_way_back_to_the_product_and_the_index_on_every_width(open_page, base_url, viewport):
    tab = open_page(viewport)
    tab.goto(f"{base_url}codes/{REFERENCE_CODE}/")
    crumbs = tab.locator(".errdict-crumbs a")
    assert crumbs.count() == 3 and all(crumbs.nth(i).is_visible() for i in range(3))
    crumbs.nth(2).click()
    tab.wait_for_url("**/products/voice/")
    tab.locator(".errdict-crumbs a").nth(1).click()
    tab.wait_for_url("**/codes/")


def test_a_reference_page_is_honest_and_points_upstream(page, base_url):
    page.goto(f"{base_url}codes/{REFERENCE_CODE}/")
    text = page.inner_text("article")
    assert "Not explained yet" in text and "What to check first for Voice codes" in text
    assert page.locator(f'a[href="https://www.twilio.com/docs/api/errors/{REFERENCE_CODE}"]').count() >= 1


def test_the_index_filter_narrows_the_table_lives_in_the_address_and_survives_back(page, base_url):
    page.goto(f"{base_url}codes/")
    rows = page.locator("table.errdict-codes tbody tr")
    assert rows.count() == 100 and page.inner_text("form.errdict-filter .errdict-count") == \
        "2809 codes, the first 100 shown"
    page.fill("form.errdict-filter input[name=q]", "carrier")
    page.select_option("form.errdict-filter select[name=kind]", "full")
    visible = page.eval_on_selector_all("table.errdict-codes tbody tr", "rows => rows.filter(r => !r.hidden).length")
    assert 0 < visible < 100
    assert "q=carrier" in page.url and "kind=full" in page.url
    shared = page.url
    page.click("table.errdict-codes tbody tr:not([hidden]) a")
    page.wait_for_url("**/codes/*/")
    page.go_back()
    page.wait_for_url(shared)
    settle(page)
    assert page.input_value("form.errdict-filter input[name=q]") == "carrier"
    again = page.eval_on_selector_all("table.errdict-codes tbody tr", "rows => rows.filter(r => !r.hidden).length")
    assert again == visible
    fresh = page.context.new_page()
    fresh.goto(shared)
    assert fresh.eval_on_selector_all("table.errdict-codes tbody tr",
                                      "rows => rows.filter(r => !r.hidden).length") == visible


def test_a_broad_filter_shows_the_first_matches_and_a_button_for_all_of_them(page, base_url):
    page.goto(f"{base_url}codes/")
    rows = page.locator("table.errdict-codes tbody tr")
    page.fill("form.errdict-filter input[name=q]", "3")  # every code or title holding a 3
    matching = sum(1 for err in errdict.iter_codes() if "3" in str(err.code))
    assert matching > 100
    assert rows.count() == 100
    assert page.inner_text("form.errdict-filter .errdict-count").endswith(", the first 100 shown")
    button = page.locator("p.errdict-more button")
    shown_total = int(button.inner_text().split()[2])
    assert shown_total >= matching
    button.click()
    assert rows.count() == shown_total and not page.locator("p.errdict-more").is_visible()
    assert "first" not in page.inner_text("form.errdict-filter .errdict-count")
    page.fill("form.errdict-filter input[name=q]", "30")  # a new filter starts capped again
    assert rows.count() == 100 and page.locator("p.errdict-more").is_visible()
    page.fill("form.errdict-filter input[name=q]", "")
    assert rows.count() == 100 and page.inner_text("p.errdict-more button") == "Show all 2809 codes"
    page.click("p.errdict-more button")
    assert rows.count() == 2809 and not page.locator("p.errdict-more").is_visible()
    assert rows.nth(100).is_visible() and rows.last.is_visible()  # the load-time style holds none back now
    codes = [int(code) for code in page.eval_on_selector_all(
        "table.errdict-codes tbody tr td:first-child", "cells => cells.map(c => c.textContent)")]
    assert codes == sorted(errdict.default_catalog().codes())  # every row back, in order


def test_without_the_script_the_index_shows_every_row(browser, base_url):
    context = browser.new_context(viewport=VIEWPORTS["desktop"], java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{base_url}codes/")
    rows = tab.locator("table.errdict-codes tbody tr")
    assert rows.count() == len(errdict.default_catalog().codes())
    assert rows.nth(100).is_visible() and rows.last.is_visible()
    context.close()


def test_a_product_page_can_be_filtered_too(page, base_url):
    page.goto(f"{base_url}products/a2p-10dlc/?q=vetting")
    settle(page)
    titles = page.eval_on_selector_all("table.errdict-codes tbody tr:not([hidden]) .errdict-row-title",
                                       "cells => cells.map(c => c.textContent)")
    assert titles and all("vetting" in title.lower() for title in titles)


def test_the_index_sorts_by_column(page, base_url):
    page.goto(f"{base_url}codes/")
    page.click("table.errdict-codes th:first-child")  # ascending -> descending
    first = page.inner_text("table.errdict-codes tbody tr:first-child td:first-child")
    assert int(first) == max(errdict.default_catalog().codes())


def test_the_customer_text_copies_to_the_clipboard(browser, base_url):
    context = browser.new_context(viewport=VIEWPORTS["desktop"], permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.goto(f"{base_url}codes/21610/")
    tab.click("button.errdict-copy")
    tab.wait_for_function("document.querySelector('button.errdict-copy').textContent === 'Copied'")
    assert tab.evaluate("navigator.clipboard.readText()") == errdict.lookup(21610).tell_customer
    context.close()


def test_link_previews_carry_the_code_title_and_summary(page, base_url):
    page.goto(f"{base_url}codes/30007/")
    og = page.get_attribute('meta[property="og:title"]', "content")
    assert og == f"30007: {errdict.lookup(30007).title}"
    assert page.get_attribute('meta[property="og:description"]', "content") == errdict.lookup(30007).summary
    assert page.get_attribute('meta[name="twitter:title"]', "content") == og


def test_printing_keeps_the_address_and_the_date_and_drops_the_furniture(page, base_url):
    page.goto(f"{base_url}codes/21610/")
    page.emulate_media(media="print")
    printed = page.locator(".errdict-print-only")
    assert printed.is_visible()
    assert "codes/21610/" in printed.inner_text() and errdict.lookup(21610).updated in printed.inner_text()
    assert not page.locator(".md-header").is_visible() and not page.locator(".errdict-crumbs").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "code-21610-print.pdf"))


def test_links_in_text_are_underlined_not_told_apart_by_colour_alone(page, base_url):
    page.goto(f"{base_url}codes/21610/")
    for selector in (".errdict-crumbs a", ".errdict-links a", ".errdict-related a"):
        decoration = page.eval_on_selector(selector, "a => getComputedStyle(a).textDecorationLine")
        assert "underline" in decoration, selector


AXE_PAGES = {"home": "", "index": "codes/", "full-code": "codes/21610/", "reference-code": f"codes/{REFERENCE_CODE}/",
             "product": "products/messaging/", "search": "search/?q=opt+out", "404": "codes/99998/"}


@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_no_serious_or_critical_accessibility_violation(page, base_url, name):
    assert AXE.exists(), f"{AXE} is missing: `npm ci` installs axe-core (.ci/setup does)"
    page.goto(base_url + AXE_PAGES[name])
    settle(page, 300)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(result["violations"], indent=2), "utf-8")
    assert serious == []


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_screenshots(open_page, base_url, viewport):
    ARTIFACTS.mkdir(exist_ok=True)
    tab = open_page(viewport)
    for name, path in (("home", ""), ("code", "codes/21610/"), ("reference", f"codes/{REFERENCE_CODE}/"),
                       ("index", "codes/")):
        tab.goto(base_url + path)
        settle(tab)
        tab.screenshot(path=str(ARTIFACTS / f"{name}-{viewport}.png"))
        assert tab.errors == [], (name, tab.errors)
    assert tab.title() == "All codes - errdict"
