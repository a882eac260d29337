"""Small steps the journeys share: take one case action through its form on the complaint page."""
from __future__ import annotations

from models.cases import Case


def open_case_page(page, case: Case) -> None:
    page.goto(f"/complaints/{case.complaint_id}")


def submit_form(page, form, fields: dict[str, str]) -> None:
    """Fill a form (selects by value, inputs by text) and submit it, waiting for the next page."""
    for name, value in fields.items():
        field = form.locator(f"[name={name}]").first
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def act(page, case: Case, action: str, *, expect: str, **fields: str) -> None:
    """Fill the case panel's form for `action`, submit, and wait for the confirmation the
    workflow flashes."""
    open_case_page(page, case)
    submit_form(page, page.locator(f"#case-panel form[action='/cases/{case.id}/{action}']"), fields)
    flash = page.locator(".flash")
    assert flash.count() and expect in flash.first.inner_text(), page.content()[:2000]
