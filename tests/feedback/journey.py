"""Walk the resident's form with the test client, answering each question."""

from __future__ import annotations

BLANK_DATE = ["", "", ""]


def walk(client, *, kind="complaint", service="waste-recycling", commitments=("HAR-03",),
         description="My bin was missed.", happened_on=BLANK_DATE, outcome="Empty it this week.", contact=None,
         reply_by="email", adjustments=("none",), language="", adjustments_other="", equality=None, send=True):
    """Answer every question; returns the final response (the check page POST when send=True)."""
    contact = {"name": "Ada Lovelace", "email": "ada@example.com"} if contact is None else contact
    steps = [
        ("/feedback/type", {"kind": kind}),
        ("/feedback/service", {"service_area": service}),
        ("/feedback/promises", {"commitments": list(commitments)}),
        ("/feedback/details", {"description": description, "happened_on": happened_on, "outcome_wanted": outcome}),
        ("/feedback/evidence/continue", {}),
        ("/feedback/contact", contact),
    ]
    if any(contact.get(k) for k in ("email", "phone", "address")):
        steps += [("/feedback/reply", {"reply_by": reply_by}),
                  ("/feedback/adjustments", {"adjustments": list(adjustments), "language": language,
                                             "adjustments_other": adjustments_other})]
    steps.append(("/feedback/about-you", equality if equality is not None else {"skip": "Skip these questions"}))
    for url, data in steps:
        response = client.post(url, data=data)
        assert response.status_code == 302, f"{url}: {response.status_code} {response.get_data(as_text=True)[:3000]}"
    if not send:
        return response
    return client.post("/feedback/check", data={"website": ""})


def assert_fieldsets_named(soup) -> None:
    """Every group of radios, checkboxes or date parts has a legend that says what it asks."""
    for fieldset in soup.select("fieldset"):
        legend = fieldset.find("legend")
        assert legend is not None and legend.get_text(strip=True), f"unnamed fieldset: {str(fieldset)[:200]}"
