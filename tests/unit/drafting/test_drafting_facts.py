"""The facts block: amounts, dates and labels as the customer's locale writes them."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from drafting_builders import AS_OF, SENDER, make_plan, open_item

from o2c.drafting.facts import day, money, render_facts


@pytest.mark.parametrize(("locale", "amount", "when"), [
    ("de_DE", "1.234,50\xa0€", "01.03.2026"),
    ("en_US", "€1,234.50", "Mar 1, 2026"),
    ("en_GB", "€1,234.50", "1 Mar 2026"),
    ("fr_FR", "1\u202f234,50\xa0€", "1 mars 2026"),
    ("nl_NL", "€\xa01.234,50", "1 mrt 2026"),
])
def test_amounts_and_dates_follow_the_locale(locale, amount, when):
    assert money(Decimal("1234.5"), "EUR", locale) == amount
    assert day(date(2026, 3, 1), locale) == when


def test_amounts_round_to_the_currencys_minor_unit():
    assert money(Decimal("1234.5"), "JPY", "ja_JP") == "￥1,234"
    assert money(Decimal("1.2345"), "KWD", "en_US") == "KWD1.234"


def test_unknown_locale_falls_back_to_en_us():
    assert money(Decimal("5"), "USD", "xx_YY") == "$5.00"


def test_facts_block_lists_invoices_totals_and_where_to_pay():
    plan = make_plan(unapplied_cash={"EUR": Decimal("100")})
    block = render_facts(plan, SENDER).block
    lines = block.splitlines()
    assert lines[0].split() == ["Rechnung", "Ihre", "Bestellung", "Rechnungsdatum", "Fällig",
                                "am", "Betrag", "Offen", "Tage", "überfällig"]
    assert "RE2026-000101  PO-4711" in lines[1] and lines[1].endswith("20")
    assert "300,00\xa0€" in lines[2]
    totals = [" ".join(line.split()) for line in lines[4:6]]
    assert totals == ["Abzüglich erhaltener, noch nicht zugeordneter Zahlungen -100,00 €",
                      "Fälliger Betrag 1.434,50 €"]  # 1234.50 + 300.00 - 100
    assert block.endswith("IBAN DE89 3704 0044 0532 0130 00 · BIC COBADEFFXXX")


def test_facts_data_has_only_the_invoices_in_the_message():
    items = [open_item("OPEN", 20, "100"), open_item("PAID", 30, "50", "0", status="paid"),
             open_item("VOID", 30, "60", status="void"),
             open_item("CREDITED", 30, "70", "0"),
             open_item("DISPUTED", 30, "80", is_disputed=True),
             open_item("PROMISED", 30, "90", promise_status="open",
                       promised_date=AS_OF + timedelta(days=5))]
    plan = make_plan(items=items)
    facts = render_facts(plan, SENDER)
    data = json.loads(facts.json())
    assert [i["invoice_id"] for i in data["invoices"]] == ["OPEN"]
    for hidden in ("PAID", "VOID", "CREDITED", "DISPUTED", "PROMISED"):
        assert hidden not in facts.block and hidden not in facts.json()
